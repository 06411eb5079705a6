import { OUTPUT_CAP_BYTES } from '../remote-shell.js';

/** The first `maxBytes` bytes of `bytes` as text, without a half character at the cut. */
export function headOf(bytes: Buffer, maxBytes: number): string {
  // A cut inside a multi-byte character decodes to U+FFFD; drop that half character.
  return bytes
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
}

/** Keeps the first `maxBytes` bytes of `text` (UTF-8) and says how much was dropped, so the UI never gets megabytes. */
export function capText(text: string, maxBytes = OUTPUT_CAP_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return `${headOf(bytes, maxBytes)}\n… (${bytes.length - maxBytes} more bytes not shown)`;
}

/** stdout then stderr, as a terminal would have shown them, capped. */
export function combineOutput(stdout: string, stderr: string): string {
  if (!stdout || !stderr) return capText(stdout || stderr);
  return capText(stdout.endsWith('\n') ? stdout + stderr : `${stdout}\n${stderr}`);
}

/** A user-supplied string for a one-line summary: JSON-quoted (so newlines stay on the line) and shortened. */
export function quoteShort(text: string, maxChars = 60): string {
  return JSON.stringify(text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text);
}
