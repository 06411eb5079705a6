/**
 * For tests only: encrypts values and MACs the way sops does, to build files that exercise rules the
 * real fixtures lack (suffixes, regexes, typed values). The real fixtures pin the decoder to sops.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';

export function encryptForTest(
  plain: string | Buffer,
  type: string,
  dataKey: Buffer,
  additionalData: string,
): string {
  const iv = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
  cipher.setAAD(Buffer.from(additionalData, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString('base64')},iv:${iv.toString('base64')},tag:${tag.toString('base64')},type:${type}]`;
}

/** The encrypted `mac` entry over the given value texts (already in Go's formatting). */
export function macForTest(
  values: ReadonlyArray<string | Buffer>,
  dataKey: Buffer,
  lastModified: string,
  macOnlyEncrypted = false,
): string {
  const hash = createHash('sha512');
  if (macOnlyEncrypted) hash.update(createHash('sha256').update('sops').digest());
  for (const value of values) hash.update(value);
  return encryptForTest(hash.digest('hex').toUpperCase(), 'str', dataKey, lastModified);
}
