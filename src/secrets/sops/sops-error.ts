import { DomainError } from '../../errors.js';

/** Codes a SOPS file can fail with; each names what the user has to fix. */
export type SopsErrorCode =
  | 'sops-file-unreadable'
  | 'sops-parse-failed'
  | 'sops-not-encrypted'
  | 'sops-invalid-metadata'
  | 'sops-unsupported-key-type'
  | 'sops-ssh-recipient-unsupported'
  | 'sops-no-matching-key'
  | 'sops-invalid-data-key'
  | 'sops-mac-mismatch';

/** A SOPS file could not be decrypted (or must not be trusted). */
export class SopsError extends DomainError<SopsErrorCode> {}
