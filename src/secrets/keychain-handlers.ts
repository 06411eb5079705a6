import type { HandlersOf, keychainChannels } from '../contract/index.js';
import type { Keychain } from './keychain.js';

export function keychainHandlers(keychain: Keychain): HandlersOf<typeof keychainChannels> {
  return { 'keychain.status': () => keychain.status() };
}
