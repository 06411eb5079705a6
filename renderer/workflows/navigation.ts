/** The sidebar's pages, in order. Adding one here without a case in `renderPage` fails to compile (assertNever). */
export type PageId =
  | 'provision'
  | 'flash'
  | 'first-boot'
  | 'backups'
  | 'restore'
  | 'signing'
  | 'terminal'
  | 'doctor'
  | 'settings';

export interface PageEntry {
  id: PageId;
  label: string;
  /** One line under the title, and the promise an unfinished page makes. */
  summary: string;
}

export const pages: PageEntry[] = [
  {
    id: 'provision',
    label: 'Provision',
    summary:
      'Build or pick a NixOS Raspberry Pi image and put the SSH host key and Wi-Fi into it before first boot.',
  },
  {
    id: 'flash',
    label: 'Flash',
    summary: 'Write an image to an SD card safely, then read it back to prove every byte landed.',
  },
  {
    id: 'first-boot',
    label: 'First boot',
    summary: 'Find the Pi on the network, check its host key against the pinned one, and run its checks.',
  },
  {
    id: 'backups',
    label: 'Backups',
    summary: 'Borg backups to rsync.net: jobs, schedules, prune and compact, checks.',
  },
  {
    id: 'restore',
    label: 'Restore',
    summary: 'Browse an archive and bring back a file into a safe folder.',
  },
  {
    id: 'signing',
    label: 'Signing',
    summary: 'Android upload keystores, signing config outside the repo, fingerprints and artifact checks.',
  },
  { id: 'terminal', label: 'Terminal', summary: 'Your own login shell, in a window.' },
  {
    id: 'doctor',
    label: 'Doctor',
    summary: 'The programs this app drives: found, versions, and how to install what is missing.',
  },
  { id: 'settings', label: 'Settings', summary: 'Appearance, task history, keychain and diagnostics.' },
];

/**
 * A hand-over from one step of the Pi path to the next page, with what it should start from: "Flash this image"
 * after provisioning, "Continue to first boot" after a flash. `seq` tells a page a new hand-over from an old one.
 */
export type Intent =
  { page: 'flash'; image: string; host: string | null } | { page: 'first-boot'; host: string | null };

export type PageIntent<P extends Intent['page']> = Extract<Intent, { page: P }> & { seq: number };

/** Opens a page, or hands over to one. */
export type Navigate = (to: PageId | Intent) => void;

export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
