import { z } from 'zod';
import { CompanionError } from '../../errors.js';
import { findRepeatedDisk } from '../drives/same-disk.js';

/**
 * The line protocol between the app and the privileged writer: one JSON object per line. The app sends one
 * request, then at most `{cancel: true}`; the writer answers with progress, log, and exactly one done or error line.
 * Both directions are validated because each side treats the other as untrusted: the writer runs as root, and the
 * app must not show whatever a crashed or foreign process printed.
 */
export const WRITER_PROTOCOL_VERSION = 1;
/** Longer than any honest line (paths are capped at 4 KiB); a runaway peer is cut off instead of buffered. */
export const MAX_LINE_BYTES = 64 * 1024;

const absolutePath = z
  .string()
  .min(2)
  .max(4096)
  .refine((p) => p.startsWith('/') && !p.includes('\0'), 'must be an absolute path');
const count = z.number().int().nonnegative();
const seconds = z.number().nonnegative();

/** Most cards one request writes (the same limit as writeImageToDevice's). */
export const MAX_WRITER_DEVICES = 8;

export const writerRequestSchema = z.strictObject({
  v: z.literal(WRITER_PROTOCOL_VERSION),
  source: absolutePath,
  /** The cards (1–8), written from one read of the source; the writer checks each one. */
  devices: z
    .array(absolutePath)
    .min(1)
    .max(MAX_WRITER_DEVICES)
    // /dev/disk4 and /dev/rdisk4 are one disk too.
    .refine((d) => findRepeatedDisk(d) === null, 'must not repeat a device'),
  verify: z.boolean(),
  /**
   * The request comes from a terminal command (`echo … | sudo …`), whose stdin ends right after this line: EOF is
   * then no cancel (Ctrl-C is). It can only make the writer go on without a listener, never write anything else.
   * Whether an internal disk may be written is not the request's to say: see WriterScope.
   */
  detached: z.literal(true).optional(),
  /**
   * The decompressed size as the app measured it (zstd -l / xz -l, run as the user), null when the file does not
   * say; the writer does not run those tools as root. It only refuses a too-small card early: the end of the card
   * still stops a longer image, so a wrong value cannot do harm.
   */
  expectedSize: count.nullable().optional(),
});

export const writerControlSchema = z.strictObject({ cancel: z.literal(true) });

const errorBody = z.strictObject({
  code: z.string().regex(/^[a-z0-9-]{1,64}$/),
  message: z.string().max(4096),
  hint: z.string().max(4096),
});
export const writerEventSchema = z.union([
  z.strictObject({
    progress: z.strictObject({
      phase: z.enum(['writing', 'verifying']),
      done: count,
      total: count.nullable(),
    }),
  }),
  z.strictObject({ log: z.string().max(8192) }),
  z.strictObject({
    done: z.strictObject({
      bytesWritten: count,
      sourceSha256: z.string().regex(/^[0-9a-f]{64}$/),
      verified: z.boolean(),
      writeSeconds: seconds,
      verifySeconds: seconds,
      /** One entry per card, in the order the request named them. */
      devices: z
        .array(
          z.strictObject({
            device: absolutePath,
            ok: z.boolean(),
            bytesWritten: count,
            verified: z.boolean(),
            error: errorBody.optional(),
          }),
        )
        .max(MAX_WRITER_DEVICES),
    }),
  }),
  z.strictObject({ error: errorBody }),
]);

export type WriterRequest = z.infer<typeof writerRequestSchema>;
export type WriterControl = z.infer<typeof writerControlSchema>;
export type WriterEvent = z.infer<typeof writerEventSchema>;
export type WriterResult = Extract<WriterEvent, { done: unknown }>['done'];

/** A line that is not valid JSON, not the expected shape, or too long. */
export class WriterProtocolError extends CompanionError {
  constructor(message: string) {
    super(
      'flash-writer-protocol',
      `The flash writer received or sent a malformed message: ${message}. Nothing more was written.`,
      'This is a bug in the app (or a mismatched helper version): reinstall the app, then report it with the task log.',
    );
  }
}

function decode<T>(schema: z.ZodType<T>, line: string, what: string): T {
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES)
    throw new WriterProtocolError(`${what} line too long`);
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new WriterProtocolError(`${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WriterProtocolError(
      `${what}: ${issue?.path.join('.') || 'value'} ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** One line ending in '\n'; refuses to produce what the other side would refuse to read. */
export function encodeLine(value: WriterRequest | WriterControl | WriterEvent): string {
  const line = JSON.stringify(value);
  if (Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES)
    throw new WriterProtocolError('outgoing line too long');
  return `${line}\n`;
}

export const decodeRequest = (line: string): WriterRequest => decode(writerRequestSchema, line, 'request');
export const decodeControl = (line: string): WriterControl => decode(writerControlSchema, line, 'control');
export const decodeEvent = (line: string): WriterEvent => decode(writerEventSchema, line, 'event');

/**
 * Splits a byte stream into lines without ever holding more than MAX_LINE_BYTES of an unfinished one. Pure, so the
 * limits are unit-tested; both processes feed it their input stream's chunks.
 */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    const parts = (this.pending + chunk).split('\n');
    this.pending = parts.pop() ?? '';
    if (Buffer.byteLength(this.pending, 'utf8') > MAX_LINE_BYTES)
      throw new WriterProtocolError('line too long');
    const lines = parts.filter((l) => l.trim() !== '');
    for (const l of lines)
      if (Buffer.byteLength(l, 'utf8') > MAX_LINE_BYTES) throw new WriterProtocolError('line too long');
    return lines;
  }

  /** What was left without a newline at end of stream (a peer that died mid-line). */
  rest(): string {
    return this.pending;
  }
}
