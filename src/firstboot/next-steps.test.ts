import { describe, expect, it } from 'vitest';
import { HostProfile } from '../contract/index.js';
import { nextSteps, type NextStepsContext } from './next-steps.js';

const base = HostProfile.parse({
  name: 'nas',
  flakeDir: '/home/me/infra',
  imagePath: null,
  sopsFile: '/home/me/infra/secrets/nas.yaml',
  secretKeys: { wifiSsid: 'a', wifiPsk: 'b', hostKey: 'c', wifiCountry: 'd' },
  wifiCountry: null,
  pinnedHostKey: {
    publicKeyLine: 'ssh-ed25519 AAAA',
    fingerprint: 'SHA256:x',
    ageRecipient: 'age1nas',
    pinnedAt: 'x',
  },
  lastProvision: null,
});

const context = (patch: Partial<NextStepsContext> = {}): NextStepsContext => ({
  profile: base,
  found: { address: '192.0.2.7', port: 22 },
  ageRecipient: 'age1nas',
  sshConfigFile: '/tmp/companion-0/nas.ssh_config',
  platform: 'linux',
  hasNixosRebuild: true,
  ...patch,
});

describe('nextSteps', () => {
  it('gives the age recipient, the sops command and nixos-rebuild with the ssh config that pins the key', () => {
    const steps = nextSteps(context());
    expect(steps.ageRecipient).toBe('age1nas');
    expect(steps.sopsUpdateKeys).toBe('sops updatekeys /home/me/infra/secrets/nas.yaml');
    expect(steps.deploy).toEqual({
      file: 'nixos-rebuild',
      args: ['switch', '--flake', '/home/me/infra#nas', '--target-host', 'root@192.0.2.7'],
      env: { NIX_SSHOPTS: '-F /tmp/companion-0/nas.ssh_config' },
      display:
        "NIX_SSHOPTS='-F /tmp/companion-0/nas.ssh_config' " +
        'nixos-rebuild switch --flake /home/me/infra#nas --target-host root@192.0.2.7',
      warning: null,
    });
  });

  it('runs nixos-rebuild through nix (flakes on) on macOS, builds elsewhere, uses sudo for a non-root user', () => {
    const profile = { ...base, access: { ...base.access, sshUser: 'admin', buildHost: 'root@builder' } };
    const steps = nextSteps(context({ profile, platform: 'darwin' }));
    expect(steps.deploy?.file).toBe('nix');
    expect(steps.deploy?.args).toEqual([
      '--extra-experimental-features',
      'nix-command flakes',
      'run',
      'nixpkgs#nixos-rebuild',
      '--',
      'switch',
      '--flake',
      '/home/me/infra#nas',
      '--target-host',
      'admin@192.0.2.7',
      '--build-host',
      'root@builder',
      '--use-remote-sudo',
    ]);
    expect(steps.deploy?.display).toContain("nix --extra-experimental-features 'nix-command flakes' run");
    expect(steps.deploy?.warning).toBeNull();
  });

  it('warns on a Mac without a build host, and when the pin cannot reach the deploy (port still passed)', () => {
    const steps = nextSteps(
      context({ platform: 'darwin', sshConfigFile: null, found: { address: '192.0.2.7', port: 2222 } }),
    );
    expect(steps.deploy?.env).toEqual({ NIX_SSHOPTS: '-p 2222' });
    expect(steps.deploy?.warning).toMatch(/~\/\.ssh\/known_hosts.*This Mac cannot build/);
  });

  it('brackets an IPv6 target, as nix requires', () => {
    const steps = nextSteps(context({ found: { address: 'fd00::7', port: 22 } }));
    expect(steps.deploy?.args).toContain('root@[fd00::7]');
  });

  it('has no deploy without a flake folder or an address, and no sops command without a sops file', () => {
    const steps = nextSteps(context({ profile: { ...base, flakeDir: null, sopsFile: null } }));
    expect(steps.deploy).toBeNull();
    expect(steps.sopsUpdateKeys).toBeNull();
    expect(nextSteps(context({ found: null })).deploy).toBeNull();
  });

  it('quotes a sops path with spaces for the shell', () => {
    const steps = nextSteps(context({ profile: { ...base, sopsFile: "/home/me/my secrets/it's.yaml" } }));
    expect(steps.sopsUpdateKeys).toBe(`sops updatekeys '/home/me/my secrets/it'\\''s.yaml'`);
  });
});
