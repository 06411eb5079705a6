/**
 * The first-boot files, under /var/lib (state NixOS never regenerates) and never /etc (rebuilt from the configuration
 * at every activation). Owners and modes are set explicitly: debugfs would otherwise copy the laptop's.
 */
export const BOOTSTRAP_FILES = {
  hostKey: { path: '/var/lib/bootstrap/ssh_host_ed25519_key', mode: 0o600, uid: 0, gid: 0 },
  hostKeyPub: { path: '/var/lib/bootstrap/ssh_host_ed25519_key.pub', mode: 0o644, uid: 0, gid: 0 },
  wifiEnv: { path: '/var/lib/networkmanager/system-connections.env', mode: 0o600, uid: 0, gid: 0 },
} as const;

export const WHY_VAR_LIB =
  'NixOS rebuilds /etc from your configuration on every switch, so the key and Wi-Fi file go to /var/lib, ' +
  'which is state that survives rebuilds and that nothing regenerates.';
