import { describe, expect, it, vi } from 'vitest';
import { CompanionError } from '../errors.js';
import { createRouter, type Handlers } from './router.js';

function handlers(overrides: Partial<Handlers>): Handlers {
  return new Proxy(overrides as Handlers, {
    get: (target, key) =>
      (target as Record<string | symbol, unknown>)[key] ?? (() => Promise.reject(new Error('unused'))),
  });
}

describe('createRouter', () => {
  it('refuses an unknown channel without calling anything', async () => {
    const router = createRouter(handlers({}));
    const result = await router.invoke('fs.readAnything', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('validates the request before the handler runs', async () => {
    const startSelfTest = vi.fn();
    const router = createRouter(handlers({ 'tasks.startSelfTest': startSelfTest }));
    const result = await router.invoke('tasks.startSelfTest', { steps: 'many', stepMs: 10 });
    expect(startSelfTest).not.toHaveBeenCalled();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-request');
      expect(result.error.message).toMatch(/steps: .*number/);
      expect(result.error.hint).not.toBe('');
    }
  });

  it('rejects unexpected fields (strict schemas), so a typo is not silently ignored', async () => {
    const router = createRouter(handlers({}));
    const result = await router.invoke('tasks.cancel', { id: 't-1', force: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('terminal.start takes a size only: a program, argv, environment or folder from the page is refused', async () => {
    const start = vi.fn(async () => ({ id: 'pty-1', shell: '/bin/sh' }));
    const router = createRouter(handlers({ 'terminal.start': start }));
    for (const extra of [
      { file: '/bin/sh' },
      { args: ['-c', 'id'] },
      { env: { PATH: '/tmp' } },
      { cwd: '/' },
    ]) {
      const result = await router.invoke('terminal.start', { cols: 80, rows: 24, ...extra });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    }
    expect(start).not.toHaveBeenCalled();
    expect(await router.invoke('terminal.start', { cols: 80, rows: 24 })).toMatchObject({ ok: true });
    expect(start).toHaveBeenCalledWith({ cols: 80, rows: 24 });
  });

  it('passes the parsed request and returns the value', async () => {
    const router = createRouter(
      handlers({ 'tasks.cancel': async ({ id }) => ({ cancelled: id === 't-1' }) }),
    );
    expect(await router.invoke('tasks.cancel', { id: 't-1' })).toEqual({
      ok: true,
      value: { cancelled: true },
    });
  });

  it('maps a typed error to code, message and hint', async () => {
    const router = createRouter(
      handlers({
        'tasks.cancel': async () => {
          throw new CompanionError('busy', 'The card is busy.', 'Wait for the flash to finish.');
        },
      }),
    );
    expect(await router.invoke('tasks.cancel', { id: 't-1' })).toEqual({
      ok: false,
      error: { code: 'busy', message: 'The card is busy.', hint: 'Wait for the flash to finish.' },
    });
  });

  it('reports an unexpected error as internal and tells the host', async () => {
    const onInternal = vi.fn();
    const router = createRouter(
      handlers({
        'tasks.list': async () => {
          throw new TypeError('x is undefined');
        },
      }),
      onInternal,
    );
    const result = await router.invoke('tasks.list', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: 'x is undefined' } });
    expect(onInternal).toHaveBeenCalledOnce();
  });

  it('catches a handler whose answer drifted from the contract', async () => {
    const router = createRouter(handlers({ 'tasks.cancel': async () => ({ cancelled: 'yes' }) as never }));
    expect(await router.invoke('tasks.cancel', { id: 't-1' })).toMatchObject({
      ok: false,
      error: { code: 'internal' },
    });
  });
});
