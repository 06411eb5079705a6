import type { FileInfo } from '../../../src/contract/index.js';

type Row = Omit<FileInfo, 'sha256'> & { sha256?: string | null };

/** The bootstrap files with mode and owner; with hashes once they were read back from the image. */
export function FilesTable({ caption, files }: { caption: string; files: Row[] }) {
  const withHashes = files.some((file) => file.sha256 !== undefined);
  return (
    <table className="files-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Path</th>
          <th scope="col">Mode</th>
          <th scope="col">Owner</th>
          {withHashes && <th scope="col">SHA-256</th>}
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <tr key={file.path}>
            <td>
              <code>{file.path}</code>
            </td>
            <td>{formatMode(file.mode)}</td>
            <td>
              {file.uid}:{file.gid}
            </td>
            {withHashes && (
              <td>
                {file.sha256 ? (
                  <code title={file.sha256}>{file.sha256.slice(0, 16)}…</code>
                ) : (
                  <span title="Not kept: with the SSID known it would let anyone test password guesses offline">
                    not kept
                  </span>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}
