import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { DoctorReport, ToolStatus } from '../contract/index.js';
import { describeError } from '../errors.js';
import {
  createSearchContext,
  detectHostPackageManager,
  locateTool,
  type SearchContext,
} from './find-tool.js';
import { NEEDED_FOR_WORDS, TOOL_SERVICES } from './catalog-tools.js';
import { formatInstallHint, type PackageManagerId } from './package-manager.js';
import { runTool } from './run-tool.js';
import { compareVersions, toolEntry, toolsForPlatform } from './tool-catalog.js';
import type { ToolEntry, ToolId, VersionProbe } from './tool-catalog.js';

export interface DoctorOptions {
  /** Where and how to search (tests point this at nothing or at a temp dir). */
  search?: Partial<SearchContext>;
  /** The package manager to name in hints; detected when omitted. */
  packageManager?: PackageManagerId | null;
  /** Per tool, covering search and version check. Default 5 s. */
  timeoutMs?: number;
  /** Check only these tools (still in catalog order). */
  only?: readonly ToolId[];
}

interface VersionFinding {
  version: string | null;
  problem: string | null;
}

// Version output must not depend on the user's language.
const PROBE_ENV = { LC_ALL: 'C', LANG: 'C' };

/** The version a probe's `pattern` finds in a tool's combined output, or null. */
export function matchVersion(pattern: RegExp, output: string): string | null {
  return pattern.exec(output)?.[1] ?? null;
}

/** Why `version` is not good enough for `entry`, or null when it is (or nothing is required). */
export function assessVersion(entry: ToolEntry, version: string | null): string | null {
  const { minimum, recommended } = entry;
  if (minimum && version === null) {
    return `Could not tell which version of ${entry.name} this is; the app needs ${minimum.version} or newer.`;
  }
  if (version === null) return null;
  if (minimum && compareVersions(version, minimum.version) < 0) {
    return `${entry.name} ${version} is too old: the app needs ${minimum.version} or newer. ${minimum.reason}`;
  }
  if (recommended && compareVersions(version, recommended.version) < 0) {
    return `${entry.name} ${version} works, but ${recommended.version} or newer is recommended. ${recommended.reason}`;
  }
  return null;
}

/** JAVA_VERSION from the `release` file of the JDK a tool belongs to (bin/.. after resolving symlinks). */
export async function readJdkVersion(toolPath: string, javaHome?: string): Promise<string | null> {
  const homes = [path.dirname(path.dirname(await realpath(toolPath))), ...(javaHome ? [javaHome] : [])];
  for (const home of homes) {
    const text = await readFile(path.join(home, 'release'), 'utf8').catch(() => null);
    const version = text && matchVersion(/^JAVA_VERSION="([^"]+)"/m, text);
    if (version) return version;
  }
  return null;
}

async function probeOutput(
  file: string,
  probe: Extract<VersionProbe, { kind: 'output' }>,
  signal: AbortSignal,
): Promise<VersionFinding> {
  const result = await runTool(file, probe.args, { signal, env: PROBE_ENV, maxBufferBytes: 256 * 1024 });
  const version = matchVersion(probe.pattern, `${result.stdout}\n${result.stderr}`);
  if (version || (result.code === 0 && !result.signal)) return { version, problem: null };
  const how = result.signal ? `was stopped by ${result.signal}` : `failed with exit code ${result.code}`;
  const said = (result.stderr.trim() || result.stdout.trim()).split('\n').at(-1);
  const command = [path.basename(file), ...probe.args].join(' ');
  return { version: null, problem: `\`${command}\` ${how}${said ? `: ${said}` : '.'}` };
}

async function probeVersion(
  entry: ToolEntry,
  file: string,
  ctx: SearchContext,
  signal: AbortSignal,
): Promise<VersionFinding> {
  const probe = entry.version;
  switch (probe.kind) {
    case 'output':
      return probeOutput(file, probe, signal);
    case 'jdk-release': {
      const version = await readJdkVersion(file, ctx.env.JAVA_HOME);
      if (version) return { version, problem: null };
      // No release file (e.g. macOS's /usr/bin stubs): at least prove the tool runs.
      const ran = await probeOutput(file, { kind: 'output', args: ['-help'], pattern: /(?!)/ }, signal);
      return { version: null, problem: ran.problem };
    }
    case 'sibling': {
      const sibling = toolEntry(probe.id);
      const siblingPath = path.join(path.dirname(file), sibling.program);
      if (sibling.version.kind !== 'output' || !(await ctx.files.isExecutableFile(siblingPath))) {
        return { version: null, problem: null };
      }
      // The sibling's trouble is its own row in the report, not this tool's.
      return { version: (await probeOutput(siblingPath, sibling.version, signal)).version, problem: null };
    }
    case 'none':
      return { version: null, problem: null };
  }
}

/** One tool's row in the doctor report. */
export async function checkTool(
  entry: ToolEntry,
  ctx: SearchContext,
  packageManager: PackageManagerId | null,
  timeoutMs = 5000,
): Promise<ToolStatus> {
  const status: ToolStatus = {
    id: entry.id,
    name: entry.name,
    purpose: entry.purpose,
    found: false,
    path: null,
    version: null,
    problem: null,
    installHint: formatInstallHint(entry, packageManager, ctx.platform),
    requiredFor: [...(NEEDED_FOR_WORDS[entry.id] ?? entry.requiredFor)],
  };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const found = await locateTool(entry, ctx);
    if (!found) return status;
    Object.assign(status, { found: true, path: found });
    const { version, problem } = await probeVersion(entry, found, ctx, controller.signal);
    const service = TOOL_SERVICES[entry.id];
    // The version probe asks the service: a client that is there but gets no answer needs the service started.
    if (service && problem && version === null)
      return {
        ...status,
        problem: `${service.package} is installed but its service is not running: start it (systemctl start ${service.unit}).`,
        installHint: `sudo systemctl start ${service.unit}`,
      };
    return { ...status, version, problem: problem ?? assessVersion(entry, version) };
  } catch (error) {
    const problem = controller.signal.aborted
      ? `${entry.program} did not answer within ${timeoutMs / 1000} s.`
      : `${entry.program} could not be checked: ${describeError(error).message}`;
    return { ...status, problem };
  } finally {
    clearTimeout(timer);
  }
}

/** Checks every tool that applies to this platform, in parallel; rows come back in catalog order. */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const ctx = createSearchContext(options.search);
  const packageManager =
    options.packageManager === undefined ? await detectHostPackageManager(ctx) : options.packageManager;
  const entries = toolsForPlatform(ctx.platform).filter(
    (entry) => !options.only || options.only.includes(entry.id),
  );
  const tools = await Promise.all(
    entries.map((entry) => checkTool(entry, ctx, packageManager, options.timeoutMs)),
  );
  return { platform: ctx.platform, packageManager, tools };
}
