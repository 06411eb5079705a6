import { useEffect, useState } from 'react';
import type { DriveChoice } from '../../../src/contract/index.js';
import { call, companion } from '../../lib/companion.js';

const REFRESH_MS = 2000;

/**
 * The drives with the policy's verdict for `image`, re-listed every two seconds while `active` so a card
 * inserted or removed shows up; a failed listing goes to `onError`.
 */
export function useDriveChoices(
  { image, showAll, active }: { image: string; showAll: boolean; active: boolean },
  onError: (error: unknown) => void,
): DriveChoice[] {
  const [choices, setChoices] = useState<DriveChoice[]>([]);
  useEffect(() => {
    if (!active) return;
    let live = true;
    const load = () =>
      call(
        companion().flash.drives({
          showAllDrives: showAll,
          ...(image.trim() ? { image: image.trim() } : {}),
        }),
      )
        .then((list) => live && setChoices(list))
        .catch((e: unknown) => live && onError(e));
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [showAll, image, active, onError]);
  return choices;
}
