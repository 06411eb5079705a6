import type { HandlersOf, imageChannels } from '../contract/index.js';
import { inspectImage } from './inspect-image.js';

export function imageHandlers(): HandlersOf<typeof imageChannels> {
  return {
    'image.inspect': ({ path }) => inspectImage(path),
  };
}
