import type { z } from 'zod';
import { channels, isChannelName, type Channels, type HandlersOf, type Result } from '../contract/index.js';
import { describeError, isCode, type CoreErrorCode } from '../errors.js';

/** One handler per channel; the router guarantees the request already matches its schema. */
export type Handlers = HandlersOf<Channels>;

export interface Router {
  invoke(channel: unknown, request: unknown): Promise<Result<unknown>>;
}

/**
 * The transport-agnostic router that main/ipc and the test bridge both mount: it validates every request before any
 * handler runs (the renderer is untrusted) and returns errors as `{code, message, hint}` data, never throws.
 */
export function createRouter(handlers: Handlers, onInternalError?: (error: unknown) => void): Router {
  return {
    async invoke(channel, request) {
      if (!isChannelName(channel)) {
        return fail('unknown-channel', `There is no operation called "${String(channel)}".`, BUG_HINT);
      }
      const parsed = channels[channel].request.safeParse(request ?? {});
      if (!parsed.success) {
        return fail(
          'invalid-request',
          `Invalid request for ${channel}: ${formatIssues(parsed.error)}.`,
          BUG_HINT,
        );
      }
      try {
        const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
        const value = await handler(parsed.data);
        // Checking our own answers too keeps the contract honest: a drifted handler fails loudly in tests.
        return { ok: true, value: channels[channel].response.parse(value) };
      } catch (error) {
        const info = describeError(error);
        if (isCode<CoreErrorCode>(info.code, 'internal')) onInternalError?.(error);
        return { ok: false, error: info };
      }
    },
  };
}

const BUG_HINT = 'This is a bug in the app, not something you did. Please report it with the task log.';

function fail(code: string, message: string, hint: string): Result<never> {
  return { ok: false, error: { code, message, hint } };
}

/** "steps: expected number, received string; cols: too small" — short enough for a toast. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'request'}: ${issue.message}`)
    .join('; ');
}
