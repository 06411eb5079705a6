import { useState } from 'react';
import type { PageIntent } from '../navigation.js';
import type { FlashOptions } from './choose-step.js';
import { useProvisionedImages, type Provisioned } from './use-flash-context.js';

/** Where the image in the field came from: the user's own choice is never replaced by an offer. */
type Origin = 'untouched' | 'typed' | 'offered' | 'handed-over';

export interface FlashImage {
  options: FlashOptions;
  setOptions: (patch: Partial<FlashOptions>) => void;
  /** Fills the field as if the user had chosen it (a running flash's image, the offered one). */
  choose: (image: string) => void;
  provisioned: Provisioned;
  /** The host whose image `path` is: a provisioned record, else the hand-over that brought it. */
  hostOf: (path: string) => string | null;
}

/**
 * The Flash page's image and options. A hand-over from Provision ("Flash this image") fills the image while the page
 * may take it (`canTake`: not during a write, when it is dropped); otherwise the newest provisioned image still on disk is offered,
 * filling the field only while the user has not chosen one.
 */
export function useFlashImage(intent: PageIntent<'flash'> | null, canTake: boolean, onTaken: () => void) {
  const [options, setOptionsState] = useState<FlashOptions>({ image: '', showAll: false, verify: true });
  const [origin, setOrigin] = useState<Origin>('untouched');
  const [handedOver, setHandedOver] = useState<PageIntent<'flash'> | null>(null);
  const [offered, setOffered] = useState<string | null>(null);
  const provisioned = useProvisionedImages();

  let originNow = origin;
  if (intent && intent.seq !== handedOver?.seq) {
    setHandedOver(intent);
    // During a write the hand-over is dropped: the running view stays, and the user asked while it ran.
    if (canTake) {
      setOptionsState((o) => ({ ...o, image: intent.image }));
      setOrigin('handed-over');
      originNow = 'handed-over';
      onTaken();
    }
  }
  const latest = provisioned.latest;
  if (latest && latest.image !== offered) {
    setOffered(latest.image);
    if ((originNow === 'untouched' || originNow === 'offered') && canTake) {
      setOptionsState((o) => ({ ...o, image: latest.image }));
      setOrigin('offered');
    }
  }

  const setOptions = (patch: Partial<FlashOptions>) => {
    if (patch.image !== undefined) setOrigin('typed');
    setOptionsState((now) => ({ ...now, ...patch }));
  };
  const choose = (image: string) => {
    setOrigin('typed');
    setOptionsState((now) => ({ ...now, image }));
  };
  const hostOf = (path: string) =>
    provisioned.records.find((r) => r.image === path)?.host ??
    (handedOver && handedOver.image === path ? handedOver.host : null);
  return { options, setOptions, choose, provisioned, hostOf } satisfies FlashImage;
}
