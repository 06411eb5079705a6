import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_FILES } from './bootstrap-files.js';
import { readNixosModule } from './nixos-module.js';

describe('the NixOS module shipped in resources/', () => {
  it('consumes exactly the paths the provisioner writes', async () => {
    const { text } = await readNixosModule();
    expect(text).toContain(`path = "${BOOTSTRAP_FILES.hostKey.path}";`);
    expect(text).toContain(`environmentFiles = [ "${BOOTSTRAP_FILES.wifiEnv.path}" ];`);
    expect(text).toContain('ssid = "$WIFI_SSID";');
    expect(text).toContain('psk = "$WIFI_PSK";');
    expect(text).not.toMatch(/"\/etc\//);
  });
});
