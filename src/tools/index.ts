export { doctorHandlers } from './doctor-handlers.js';
export { createSearchContext, findTool, locateProgram, type MissingToolError } from './find-tool.js';
export { assertToolSucceeded, killGroup, runTool, runToolOrThrow, type ToolResult } from './run-tool.js';
export { TailBuffer } from './tool-output.js';
export { findSystemProgram, locateKnownProgram } from './system-programs.js';
export type { ToolId } from './tool-catalog.js';
