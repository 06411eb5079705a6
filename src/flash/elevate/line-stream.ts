import type { Readable } from 'node:stream';
import { LineSplitter } from './writer-protocol.js';

export interface LineStreamHandlers {
  onLine: (line: string) => void;
  /** A line over the limit: the stream is no longer read. */
  onError: (error: unknown) => void;
  /** End of stream (EOF, or the peer closed its end). */
  onEnd: () => void;
}

/** Feeds `stream` through a LineSplitter; UTF-8, one callback per complete line. */
export function readLines(stream: Readable, handlers: LineStreamHandlers): void {
  const splitter = new LineSplitter();
  let stopped = false;
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    if (stopped) return;
    try {
      for (const line of splitter.push(chunk)) handlers.onLine(line);
    } catch (error) {
      stopped = true;
      stream.pause();
      handlers.onError(error);
    }
  });
  const end = () => {
    if (stopped) return;
    stopped = true;
    const rest = splitter.rest();
    if (rest.trim() !== '') handlers.onLine(rest);
    handlers.onEnd();
  };
  stream.on('end', end);
  stream.on('close', end);
  // EPIPE/ECONNRESET from a peer that died count as its end.
  stream.on('error', end);
}
