import http from 'node:http';
import https from 'node:https';
import { OUTPUT_CAP_BYTES, type HttpResult, type RunOptions } from '../remote-shell.js';
import { headOf } from './cap-text.js';

/** A timeout as a Node-style error, so callers can tell it from a refusal by `code`. */
function timeoutError(ms: number): Error {
  return Object.assign(new Error(`no response within ${Math.round(ms / 1000)} s`), { code: 'ETIMEDOUT' });
}

/**
 * GETs `url` from this machine with node:http(s) rather than fetch, so a refusal surfaces as `ECONNREFUSED` on the
 * error itself (fetch wraps it in "fetch failed"). Redirects are not followed: the check compares the status as is.
 * Reads at most OUTPUT_CAP_BYTES of the body, then hangs up.
 */
export function fetchFromHere(url: string, options: RunOptions): Promise<HttpResult> {
  const { signal, timeoutMs } = options;
  const client = new URL(url).protocol === 'https:' ? https : http;
  return new Promise<HttpResult>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    const finish = (error: unknown, result?: HttpResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      request.destroy();
      if (error === null && result) resolve(result);
      else reject(error);
    };
    const onAbort = () => finish(signal?.reason);
    const timer = setTimeout(() => finish(timeoutError(timeoutMs)), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    const request = client.get(url, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        const bytes = Buffer.concat(chunks);
        const body =
          size > OUTPUT_CAP_BYTES
            ? `${headOf(bytes, OUTPUT_CAP_BYTES)}\n… (rest of the body not read)`
            : bytes.toString('utf8');
        finish(null, { status: response.statusCode ?? 0, body });
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > OUTPUT_CAP_BYTES) done();
      });
      response.on('end', done);
      response.on('error', (error) => finish(error));
    });
    request.on('error', (error) => finish(error));
  });
}
