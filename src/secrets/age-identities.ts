/**
 * Finds the user's age identities the way sops does, so "sops can decrypt it" means the app can too:
 * `--age-key`, `$SOPS_AGE_KEY_FILE`, `$SOPS_AGE_KEY`, then the sops keys.txt in the config directory.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CompanionError, whyUnreadable } from '../errors.js';
import { AgeIdentity, parseAgeKeys } from './age-identities-text.js';
import { parseEd25519PrivateKey } from './ssh-host-key.js';
import { sshEd25519ToAgeIdentity } from './ssh-to-age.js';

export { AgeIdentity } from './age-identities-text.js';

export interface LoadAgeIdentitiesOptions {
  /** `--age-key`: an age keys file or an unencrypted OpenSSH ed25519 private key. Only this is used when set. */
  ageKeyFile?: string;
  env?: Record<string, string | undefined>;
  platform?: string;
  home?: string;
}

export interface LoadedAgeIdentities {
  /** Where the identities came from, for the log (paths and variable names, never a key). */
  source: string;
  identities: AgeIdentity[];
}

const SOPS_KEYS_FILE = path.join('sops', 'age', 'keys.txt');

function unreadable(
  file: string,
  via: string,
  hint: string,
  cause: unknown,
  cliHint?: string,
): CompanionError {
  const why = whyUnreadable(cause);
  return new CompanionError('age-identity-unreadable', `The age key file ${file} (${via}) ${why}.`, hint, {
    cause,
    cliHint,
  });
}

/** Reads identities from a keys file, or converts an OpenSSH ed25519 private key (ssh-to-age). */
async function identitiesFromFile(
  file: string,
  origin: string,
): Promise<{ ids: AgeIdentity[]; plugins: number }> {
  const text = await readFile(file, 'utf8');
  if (text.trimStart().startsWith('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    const key = parseEd25519PrivateKey(text);
    const secret = sshEd25519ToAgeIdentity(key.seed);
    return {
      ids: [await AgeIdentity.fromSecretKey(secret, `${origin} (SSH key, via ssh-to-age)`)],
      plugins: 0,
    };
  }
  const parsed = await parseAgeKeys(text, origin);
  return { ids: parsed.identities, plugins: parsed.pluginIdentities };
}

/** The default keys.txt locations sops reads (`os.UserConfigDir()`), plus the XDG one on macOS. */
export function defaultAgeKeyFiles(
  env: Record<string, string | undefined>,
  platform: string,
  home: string,
): string[] {
  const dirs: string[] = [];
  if (env.XDG_CONFIG_HOME) dirs.push(env.XDG_CONFIG_HOME);
  if (platform === 'win32') {
    if (env.APPDATA) dirs.push(env.APPDATA);
  } else dirs.push(path.join(home, '.config'));
  if (platform === 'darwin') dirs.push(path.join(home, 'Library', 'Application Support'));
  return [...new Set(dirs.map((dir) => path.join(dir, SOPS_KEYS_FILE)))];
}

function missing(looked: string[], plugins: number, env: Record<string, string | undefined>): CompanionError {
  const notes = [
    plugins > 0
      ? ` ${plugins} age plugin identit${plugins === 1 ? 'y was' : 'ies were'} skipped (plugins are not supported).`
      : '',
    env.SOPS_AGE_KEY_CMD ? ' $SOPS_AGE_KEY_CMD is set, but the app does not run key commands.' : '',
  ].join('');
  return new CompanionError(
    'age-identity-missing',
    `No age identity found. Looked in: ${looked.join('; ')}.${notes}`,
    'Choose your age key file under "Age key file" (an age keys file or your unencrypted SSH ed25519 key), or put your key in ~/.config/sops/age/keys.txt (age-keygen -o <file> makes one).',
    {
      cliHint:
        'Pass --age-key <file> (an age keys file or your unencrypted SSH ed25519 key), set $SOPS_AGE_KEY_FILE, or put your key in ~/.config/sops/age/keys.txt (age-keygen -o <file> makes one).',
    },
  );
}

/** The one key file the user chose: it alone is used, so anything wrong with it is said, not skipped. */
async function loadChosenKeyFile(
  ageKeyFile: string,
  env: Record<string, string | undefined>,
): Promise<LoadedAgeIdentities> {
  const loaded = await identitiesFromFile(ageKeyFile, ageKeyFile).catch((cause: unknown) => {
    if (cause instanceof CompanionError) throw cause;
    throw unreadable(
      ageKeyFile,
      'the one chosen',
      'Check the age key file you chose.',
      cause,
      'Check the path given to --age-key.',
    );
  });
  if (loaded.ids.length === 0)
    throw missing([`--age-key ${ageKeyFile} (no identities in it)`], loaded.plugins, env);
  return { source: `--age-key ${ageKeyFile}`, identities: loaded.ids };
}

/** Loads identities; with `ageKeyFile` only that file, otherwise every sops location that exists. */
export async function loadAgeIdentities(
  options: LoadAgeIdentitiesOptions = {},
): Promise<LoadedAgeIdentities> {
  const { ageKeyFile, env = process.env, platform = process.platform } = options;
  const home = options.home ?? env.HOME ?? homedir();
  if (ageKeyFile) return loadChosenKeyFile(ageKeyFile, env);

  const identities: AgeIdentity[] = [];
  const sources: string[] = [];
  const looked: string[] = [];
  let plugins = 0;
  const add = (found: AgeIdentity[], source: string) => {
    for (const id of found)
      if (!identities.some((known) => known.recipient === id.recipient)) identities.push(id);
    if (found.length > 0) sources.push(source);
  };

  const keyFile = env.SOPS_AGE_KEY_FILE;
  if (keyFile) {
    const loaded = await identitiesFromFile(keyFile, keyFile).catch((cause: unknown) => {
      throw cause instanceof CompanionError
        ? cause
        : unreadable(
            keyFile,
            '$SOPS_AGE_KEY_FILE',
            'Point $SOPS_AGE_KEY_FILE at your age keys file, or unset it.',
            cause,
          );
    });
    add(loaded.ids, `$SOPS_AGE_KEY_FILE (${keyFile})`);
    plugins += loaded.plugins;
  }
  looked.push(keyFile ? `$SOPS_AGE_KEY_FILE (${keyFile})` : '$SOPS_AGE_KEY_FILE (not set)');

  if (env.SOPS_AGE_KEY) {
    const parsed = await parseAgeKeys(env.SOPS_AGE_KEY, '$SOPS_AGE_KEY', true);
    add(parsed.identities, '$SOPS_AGE_KEY');
    plugins += parsed.pluginIdentities;
  }
  looked.push(env.SOPS_AGE_KEY ? '$SOPS_AGE_KEY' : '$SOPS_AGE_KEY (not set)');

  for (const file of defaultAgeKeyFiles(env, platform, home)) {
    looked.push(file);
    let loaded;
    try {
      loaded = await identitiesFromFile(file, file);
    } catch (cause) {
      if (cause instanceof CompanionError) throw cause;
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw unreadable(
        file,
        'the sops default location',
        'Make the file readable by you, or choose another age key file.',
        cause,
        'Make the file readable by you, or pass --age-key <file>.',
      );
    }
    add(loaded.ids, file);
    plugins += loaded.plugins;
  }

  if (identities.length === 0) throw missing(looked, plugins, env);
  return { source: sources.join(', '), identities };
}
