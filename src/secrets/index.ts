export { loadAgeIdentities } from './age-identities.js';
export { keychainHandlers } from './keychain-handlers.js';
export type { Keychain, KeychainUnavailableError } from './keychain.js';
export { KeytarKeychain } from './keytar-keychain.js';
export { knownHostsName, pinHostKey } from './known-hosts.js';
export { notOursAlone } from './secret-temp-trust.js';
export { withSecureTempDir, writeSecretFile } from './secure-temp.js';
export { type DecryptedSops, decryptSopsFile } from './sops/decrypt-sops.js';
export { SshReader } from './ssh-host-key-wire.js';
export {
  type Ed25519HostKey,
  fingerprintOfBlob,
  fingerprintOfPublicKeyLine,
  generateEd25519HostKey,
  parseEd25519PrivateKey,
  parsePublicKeyLine,
} from './ssh-host-key.js';
export { ageRecipientOfKeyLine, sshEd25519ToAgeRecipient } from './ssh-to-age.js';
export {
  isSecretTempName,
  type SecretTempKind,
  UntrustedSecretTempError,
  wipeSecretTemp,
  wipeSecretTempSync,
} from './wipe-files.js';
