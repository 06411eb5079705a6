// electron-builder afterPack hook: flips Electron fuses (ARCHITECTURE.md, "Security notes that bite") and makes
// node-pty's macOS spawn-helper executable (it ships without the bit: "posix_spawnp failed").
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');
const { chmod, readdir } = require('node:fs/promises');
const path = require('node:path');

exports.default = async function afterPack(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const name = packager.appInfo.productFilename;
  const executable =
    electronPlatformName === 'darwin'
      ? path.join(appOutDir, `${name}.app`, 'Contents', 'MacOS', name)
      : path.join(appOutDir, packager.executableName);
  await flipFuses(executable, {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: electronPlatformName === 'darwin',
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    [FuseV1Options.EnableCookieEncryption]: true,
  });
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
