/** The SSH wire encoding (RFC 4251 §5) used inside OpenSSH key files and public key blobs. */

/** Reads uint32s and length-prefixed strings; throws a plain Error on truncation (callers rephrase it). */
export class SshReader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  uint32(): number {
    if (this.remaining < 4) throw new Error('truncated');
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    if (this.remaining < length) throw new Error('truncated');
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  string(): Buffer {
    return this.bytes(this.uint32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  rest(): Buffer {
    return this.bytes(this.remaining);
  }
}

export function sshUint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value >>> 0);
  return buffer;
}

export function sshString(value: string | Uint8Array): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value);
  return Buffer.concat([sshUint32(bytes.length), bytes]);
}
