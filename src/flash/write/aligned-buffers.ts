/** Bytes per block read from the source and written to the device: big writes keep a card busy. */
export const BLOCK_BYTES = 4 * 1024 * 1024;
const WASM_PAGE = 64 * 1024;

// The project's lib settings leave out the WebAssembly types; this is the one constructor used.
interface WasmMemoryConstructor {
  new (descriptor: { initial: number; maximum: number; shared: boolean }): {
    buffer: ArrayBuffer | SharedArrayBuffer;
  };
}
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly;

/**
 * `count` blocks of memory, each page-aligned, optionally shareable with a worker. O_DIRECT needs buffers aligned to
 * the device's block size and Node's Buffer gives no such promise (malloc'd, 16-byte aligned); a WebAssembly.Memory
 * is mapped whole pages by V8, so its start — and every BLOCK_BYTES multiple after it — is page-aligned.
 */
export function alignedBlocks(count: number, shared: boolean): { memory: ArrayBufferLike; blocks: Buffer[] } {
  const pages = (count * BLOCK_BYTES) / WASM_PAGE;
  const { buffer } = new Memory({ initial: pages, maximum: pages, shared });
  const blocks = Array.from({ length: count }, (_, i) => Buffer.from(buffer, i * BLOCK_BYTES, BLOCK_BYTES));
  return { memory: buffer, blocks };
}
