import { useEffect, useState } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';
import { useCompanionEvents } from '../../lib/use-companion-events.js';
import type { Suggestion } from './image-status.js';

/** Each host's last provisioned image, newest first. */
export interface Provisioned {
  records: Suggestion[];
  /** The newest of them that is still on disk. */
  latest: Suggestion | null;
}

/**
 * The images this app provisioned, from the host profiles: listed on mount and again after each provisioning run
 * ends, since the page stays mounted while the user provisions on another page.
 */
export function useProvisionedImages(): Provisioned {
  const [provisioned, setProvisioned] = useState<Provisioned>({ records: [], latest: null });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    call(companion().hosts.list({}))
      .then(async (hosts) => {
        const records = newestFirst(hosts);
        const latest = await firstOnDisk(records);
        if (live) setProvisioned({ records, latest });
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [generation]);
  useCompanionEvents((event) => {
    if (event.type === 'task.updated' && event.task.kind === 'provision' && event.task.state === 'succeeded')
      setGeneration((g) => g + 1);
  });
  return provisioned;
}

function newestFirst(hosts: HostProfile[]): Suggestion[] {
  return hosts
    .flatMap((h) =>
      h.lastProvision ? [{ host: h.name, image: h.lastProvision.image, at: h.lastProvision.at }] : [],
    )
    .sort((a, b) => b.at.localeCompare(a.at))
    .map(({ host, image }) => ({ host, image }));
}

/** A moved or deleted image is not offered: the inspection of a missing file finds no bytes. */
async function firstOnDisk(records: Suggestion[]): Promise<Suggestion | null> {
  for (const record of records) {
    const inspection = await call(companion().image.inspect({ path: record.image })).catch(() => null);
    if (inspection && inspection.fileBytes > 0) return record;
  }
  return null;
}
