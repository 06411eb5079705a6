import { DomainError } from '../errors.js';
import type { Ext4ErrorCode } from '../image/index.js';

/** Why provisioning failed; a failed edit of the image keeps the ext4 step's own code. */
export type ProvisionErrorCode =
  | Ext4ErrorCode
  | 'nix-build-failed'
  | 'nix-build-no-image'
  | 'provision-busy'
  | 'provision-dest-exists'
  | 'provision-dest-invalid'
  | 'provision-dest-is-source'
  | 'provision-dest-unwritable'
  | 'provision-flake-missing'
  | 'provision-host-key-invalid'
  | 'provision-image-missing'
  | 'provision-input-unreadable'
  | 'provision-no-source'
  | 'provision-pin-failed'
  | 'provision-record-failed'
  | 'provision-secret-type'
  | 'provision-wifi-missing'
  | 'wifi-country-invalid'
  | 'wifi-psk-invalid'
  | 'wifi-ssid-invalid';

/** A provisioning input or step that failed; the message names the file or value, the hint the fix. */
export class ProvisionError extends DomainError<ProvisionErrorCode> {}
