import type { HandlersOf, flashChannels } from '../contract/index.js';
import type { FlashService } from './flash-service.js';

export function flashHandlers(flash: FlashService): HandlersOf<typeof flashChannels> {
  return {
    'flash.drives': (request) => flash.drives(request),
    'flash.start': async (request) => ({ id: (await flash.start(request)).id }),
  };
}
