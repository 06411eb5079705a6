export { doctorHandlers } from './doctor-handlers.js';
export {
  createSearchContext,
  findSystemProgram,
  findTool,
  locateKnownProgram,
  locateProgram,
  type MissingToolError,
} from './find-tool.js';
export { assertToolSucceeded, runTool, runToolOrThrow, type ToolResult } from './run-tool.js';
export { startTool, type StartedTool, type ToolExit } from './start-tool.js';
export type { ToolId } from './tool-catalog.js';
