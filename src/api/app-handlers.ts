import type { HandlersOf, appChannels } from '../contract/index.js';

export function appHandlers({
  dataDir,
  appVersion,
}: {
  dataDir: string;
  appVersion: string;
}): HandlersOf<typeof appChannels> {
  return {
    'app.info': async () => ({
      name: 'Pi & Backup Companion',
      version: appVersion,
      platform: process.platform,
      dataDir,
    }),
  };
}
