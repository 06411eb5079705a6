import { DomainError } from '../errors.js';

/** Why a first-boot run failed: the Pi was not found, not the one provisioned, or not healthy. */
export type FirstBootErrorCode =
  | 'firstboot-already-pinned'
  | 'firstboot-bad-address'
  | 'firstboot-busy'
  | 'firstboot-checks-failed'
  | 'firstboot-host-key-mismatch'
  | 'firstboot-host-key-unpinned'
  | 'firstboot-key-unreadable'
  | 'firstboot-mdns-failed'
  | 'firstboot-no-deploy'
  | 'firstboot-no-key-file'
  | 'firstboot-not-found'
  | 'firstboot-unsafe-temp';

/** A first-boot run that could not prove the Pi is the one we provisioned, or found it unhealthy. */
export class FirstBootError extends DomainError<FirstBootErrorCode> {}
