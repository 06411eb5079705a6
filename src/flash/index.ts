export {
  assessDrive,
  describeVerdict,
  type DriveVerdict,
  type SafetyContext,
} from './drives/drive-safety.js';
export { type Drive, formatDriveSize } from './drives/drive.js';
export { listDrives } from './drives/list-drives.js';
export { findSourceDevice } from './drives/source-device.js';
export { flashHandlers } from './flash-handlers.js';
export { FlashService } from './flash-service.js';
