import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import type { HostProfile, ProvisionRecord } from '../../contract/index.js';
import { BOOTSTRAP_FILES } from '../../provision/index.js';
import { dropDeviceCache } from '../write/verify-device.js';
import { readFilesOnCardRoot } from './read-card-root-files.js';

const PUB = BOOTSTRAP_FILES.hostKeyPub.path;

/**
 * The host whose provisioned image is on the card, found by the public host key the card holds: every provisioning
 * records that file's digest, so a copy of the image under any name (or on any machine) is still recognised without
 * hashing whole images. Null when no record's key is there, or the card cannot be read by this user.
 */
export async function findProvisionOnCard(
  device: string,
  hosts: readonly Pick<HostProfile, 'name' | 'lastProvision'>[],
  signal?: AbortSignal,
): Promise<{ host: string; record: ProvisionRecord } | null> {
  const candidates = hosts.flatMap((host) => {
    const digest = host.lastProvision?.files.find((f) => f.path === PUB)?.sha256;
    return host.lastProvision && digest ? [{ host: host.name, record: host.lastProvision, digest }] : [];
  });
  if (candidates.length === 0) return null;
  const readable = await access(device, constants.R_OK).then(
    () => true,
    () => false,
  );
  if (!readable) return null;
  await dropDeviceCache(device);
  for (const offset of new Set(candidates.map((c) => c.record.rootPartitionOffset))) {
    // Not an ext4 root at this offset, or nothing readable there: simply not one of these hosts' images.
    const found = await readFilesOnCardRoot({ device, rootOffset: offset, paths: [PUB], signal }).catch(
      () => null,
    );
    const digest = found?.[0]?.exists ? found[0].sha256 : null;
    const match = candidates.find((c) => c.record.rootPartitionOffset === offset && c.digest === digest);
    if (match) return { host: match.host, record: match.record };
  }
  return null;
}
