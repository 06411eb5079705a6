/** glibc's major()/minor() of a Linux dev_t as "major:minor", the way sysfs and mountinfo write it (a dev_t is wider
 * than 32 bits, so no plain shifts above bit 31). */
export function devnumOf(rdev: number): string {
  const low = rdev >>> 0;
  const high = Math.floor(rdev / 2 ** 32) >>> 0;
  const major = ((low >>> 8) & 0xfff) | (high & 0xfffff000);
  const minor = (low & 0xff) | ((low >>> 12) & 0xfff00) | ((high & 0xfff) << 20);
  return `${major >>> 0}:${minor >>> 0}`;
}
