import { mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { chownSync, existsSync, linkSync, readFileSync, renameSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scrubDirectory } from './scrub-directory.js';
import { UntrustedSecretTempError, wipeSecretTemp } from './wipe-files.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'wipe-files-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a partial-image name and keeps its inode open, so the bytes can be read after the unlink. */
async function heldPartial(text: string) {
  const file = path.join(dir, 'pi.img.partial-0123abcd');
  await writeFile(file, text);
  const handle = await open(file, 'r');
  const contents = async () =>
    (await handle.read(Buffer.alloc(text.length), 0, text.length, 0)).buffer.toString();
  return { file, handle, contents };
}

describe('wipeSecretTemp', () => {
  it('zeroes a partial image before unlinking it', async () => {
    const { file, handle, contents } = await heldPartial('WIFI_PSK=hunter2');
    expect(await wipeSecretTemp(file, 'partial-image')).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await contents()).toBe('\0'.repeat(16));
    await handle.close();
  });

  it('only unlinks when told the file holds no secret yet (no pass over gigabytes)', async () => {
    const { file, handle, contents } = await heldPartial('decompressed only');
    expect(await wipeSecretTemp(file, 'partial-image', false)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await contents()).toBe('decompressed only');
    await handle.close();
  });

  it('leaves a symlink at the path and what it points to alone', async () => {
    const target = path.join(dir, 'precious');
    await writeFile(target, 'keep me');
    const link = path.join(dir, 'pi.img.partial-0123abcd');
    await symlink(target, link);
    expect(await wipeSecretTemp(link, 'partial-image')).toBe(false);
    expect(existsSync(link)).toBe(true);
    const handle = await open(target, 'r');
    expect((await handle.readFile()).toString()).toBe('keep me');
    await handle.close();
  });
});

const SECRET = 'WIFI_PSK=hunter2';

/** A secrets folder as withSecureTempDir makes it, holding `file-0`, and a victim folder outside with `file-0` too. */
async function secretsAndVictim() {
  const secrets = path.join(dir, 'companion-secret-AbC123');
  await mkdir(secrets, { mode: 0o700 });
  await writeFile(path.join(secrets, 'file-0'), SECRET);
  const victims = path.join(dir, 'victims');
  await mkdir(victims, { mode: 0o700 });
  const victim = path.join(victims, 'file-0');
  await writeFile(victim, 'keep me');
  return { secrets, victims, victim };
}

describe('scrubDirectory against links swapped in after the checks', () => {
  it('the folder itself swapped for a symlink once listed: what the link points to stays intact', async () => {
    const { secrets, victims, victim } = await secretsAndVictim();
    const witness = path.join(dir, 'witness'); // a second name on the real secret, to see it was zeroed anyway
    linkSync(path.join(secrets, 'file-0'), witness);
    const swap = () => {
      renameSync(secrets, `${secrets}-moved`);
      symlinkSync(victims, secrets);
    };
    expect(() => scrubDirectory(secrets, { afterListing: (at) => at === secrets && swap() })).toThrow();
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(readFileSync(witness, 'utf8')).toBe('\0'.repeat(SECRET.length));
  });

  it('a subfolder swapped for a symlink once listed: only the link goes', async () => {
    const { secrets, victims, victim } = await secretsAndVictim();
    const sub = path.join(secrets, 'sub');
    await mkdir(sub, { mode: 0o700 });
    const swap = () => {
      renameSync(sub, path.join(secrets, 'sub-moved'));
      symlinkSync(victims, sub);
    };
    expect(() => scrubDirectory(secrets, { afterListing: (at) => at === secrets && swap() })).toThrow();
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(existsSync(sub)).toBe(false);
  });

  it('planted links to a file and to a folder: only the links go', async () => {
    const { secrets, victims, victim } = await secretsAndVictim();
    symlinkSync(victim, path.join(secrets, 'file-1'));
    symlinkSync(victims, path.join(secrets, 'sub'));
    scrubDirectory(secrets);
    expect(existsSync(secrets)).toBe(false);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
  });

  it('leaves a subfolder alone that is not ours alone, and a file owned by another user', async () => {
    const { secrets } = await secretsAndVictim();
    const loose = path.join(secrets, 'loose');
    await mkdir(loose, { mode: 0o755 });
    await writeFile(path.join(loose, 'file-0'), SECRET);
    const theirs = path.join(secrets, 'theirs');
    await writeFile(theirs, SECRET);
    chownSync(theirs, 65534, 65534);
    expect(() => scrubDirectory(secrets)).toThrow(UntrustedSecretTempError);
    expect(readFileSync(path.join(loose, 'file-0'), 'utf8')).toBe(SECRET);
    expect(readFileSync(theirs, 'utf8')).toBe(SECRET);
    expect(existsSync(path.join(secrets, 'file-0'))).toBe(false); // what is ours still went
  });
});
