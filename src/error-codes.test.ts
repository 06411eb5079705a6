import { describe, expect, it } from 'vitest';
import { CompanionError, hasCode, isCode, type CoreErrorCode } from './errors.js';
import { FirstBootError } from './firstboot/first-boot-errors.js';
import { FirstbootSshError, type FirstbootSshErrorCode } from './firstboot/ssh/ssh-errors.js';
import { FlashError, refusedBeforeWriting, type FlashErrorCode } from './flash/flash-errors.js';
import { ProvisionError } from './provision/provision-errors.js';

// The `@ts-expect-error` lines are the test that matters: `tsc` fails if a misspelt code ever compiles again.
describe('typed error codes', () => {
  it('refuses a code outside the domain union at compile time', () => {
    // @ts-expect-error misspelt
    void new FlashError('flash-device-bussy', 'm', 'h');
    // @ts-expect-error misspelt
    void new ProvisionError('provision-dest-exist', 'm', 'h');
    // @ts-expect-error misspelt
    void new FirstBootError('firstboot-not-fund', 'm', 'h');
    // @ts-expect-error misspelt
    void new FirstbootSshError('firstboot-ssh-unreachabel', 'm', 'h');
    // @ts-expect-error a code of another domain
    void new FlashError('provision-busy', 'm', 'h');
    const flash = new FlashError('flash-bootstrap-mismatch', 'm', 'h');
    // @ts-expect-error no overlap with the union
    expect(flash.code === 'flash-bootstrap-mismatc').toBe(false);
  });

  it('compares a plain CompanionError code only against a named union', () => {
    const wire = new CompanionError('flash-writer-still-running', 'm', 'h');
    expect(hasCode<FlashErrorCode>(wire, 'flash-writer-still-running')).toBe(true);
    expect(hasCode<FlashErrorCode>(wire, 'flash-writer-crashed', 'flash-device-busy')).toBe(false);
    expect(
      hasCode<FlashErrorCode>(new Error('flash-writer-still-running'), 'flash-writer-still-running'),
    ).toBe(false);
    // @ts-expect-error misspelt
    expect(hasCode<FirstbootSshErrorCode>(wire, 'firstboot-auth-faild')).toBe(false);
    // @ts-expect-error without a union nothing is accepted
    expect(isCode('cancelled', 'cancelled')).toBe(true);
    expect(isCode<CoreErrorCode>('cancelled', 'cancelled', 'internal')).toBe(true);
  });

  it('still tells refusals that left the card untouched by code, whatever process raised them', () => {
    expect(refusedBeforeWriting('system-disk')).toBe(true);
    expect(refusedBeforeWriting('image-truncated')).toBe(true);
    expect(refusedBeforeWriting('flash-verify-failed')).toBe(false);
  });
});
