import type { HandlersOf, provisionChannels } from '../contract/index.js';
import { WHY_VAR_LIB } from './bootstrap-files.js';
import { readNixosModule } from './nixos-module.js';
import type { ProvisionService } from './provision-service.js';

export function provisionHandlers(provision: ProvisionService): HandlersOf<typeof provisionChannels> {
  return {
    'provision.check': (request) => provision.check(request),
    'provision.start': async (request) => ({ id: (await provision.start(request)).id }),
    'provision.nixosModule': async () => ({ ...(await readNixosModule()), whyVarLib: WHY_VAR_LIB }),
  };
}
