import { useEffect, useState } from 'react';
import type { HostProfile } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';
import type { PageIntent } from '../navigation.js';

/**
 * "Continue to first boot" after a flash: each new hand-over starts again from the host list (`reset`), then opens
 * the host whose image was written, once its profile is loaded; a hand-over without a known host stays on the list.
 */
export function useHandOver(
  intent: PageIntent<'first-boot'> | null,
  reset: () => void,
  open: (host: HostProfile) => void,
  fail: (error: unknown) => void,
): void {
  const [handedOver, setHandedOver] = useState(0);
  const [wanted, setWanted] = useState<string | null>(null);
  if (intent && intent.seq !== handedOver) {
    setHandedOver(intent.seq);
    reset();
    setWanted(intent.host);
  }
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    call(companion().hosts.list({}))
      .then((hosts) => {
        const host = hosts.find((h) => h.name === wanted);
        if (live && host) open(host);
      })
      .catch((e: unknown) => live && fail(e))
      .finally(() => live && setWanted(null));
    return () => {
      live = false;
    };
    // `open` and `fail` are fresh closures each render; only a new wanted host starts a load.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted]);
}
