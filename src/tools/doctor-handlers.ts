import type { HandlersOf, doctorChannels } from '../contract/index.js';
import { runDoctor } from './doctor.js';

export function doctorHandlers(): HandlersOf<typeof doctorChannels> {
  return { 'doctor.run': () => runDoctor() };
}
