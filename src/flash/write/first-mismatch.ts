/** Index of the first byte where `a` and `b` differ within their common length (or where one ends early); -1 if equal. */
export function firstMismatch(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  // Buffer.compare runs in C++; halving narrows a multi-MiB block down in ~22 compares instead of a JS byte loop.
  let from = 0;
  let to = length;
  if (Buffer.compare(a.subarray(0, length), b.subarray(0, length)) === 0) {
    return a.length === b.length ? -1 : length;
  }
  while (to - from > 64) {
    const mid = from + Math.floor((to - from) / 2);
    if (Buffer.compare(a.subarray(from, mid), b.subarray(from, mid)) !== 0) to = mid;
    else from = mid;
  }
  for (let i = from; i < to; i++) if (a[i] !== b[i]) return i;
  return -1;
}
