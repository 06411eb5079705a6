// `npm test`: build the faces once, then unit + integration + E2E in one Vitest run. On Linux the run happens inside
// a private D-Bus session with an unlocked gnome-keyring, so keychain tests use the real Secret Service.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run(process.execPath, ['scripts/build.mjs']);
const vitest = [process.execPath, 'node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)];
const canWrapKeyring = process.platform === 'linux' && existsSync('/usr/bin/dbus-run-session');
if (canWrapKeyring) run('bash', ['scripts/with-keyring.sh', ...vitest]);
else run(vitest[0], vitest.slice(1));
