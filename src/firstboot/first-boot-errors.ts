import { CompanionError } from '../errors.js';

/** A first-boot run that could not prove the Pi is the one we provisioned, or found it unhealthy. */
export class FirstBootError extends CompanionError {}
