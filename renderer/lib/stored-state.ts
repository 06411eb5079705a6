import { useCallback, useState } from 'react';

/**
 * State the renderer alone reads and keeps across restarts (how the user left a panel). localStorage can be missing
 * or full; the state then lives for this run only.
 */
export function useStoredState<T>(
  key: string,
  fallback: T,
  parse: (raw: unknown) => T | null,
): [T, (update: (old: T) => T) => void] {
  const [value, setValue] = useState<T>(() => read(key, parse) ?? fallback);
  const update = useCallback(
    (change: (old: T) => T) => {
      setValue((old) => {
        const next = change(old);
        write(key, next);
        return next;
      });
    },
    [key],
  );
  return [value, update];
}

function read<T>(key: string, parse: (raw: unknown) => T | null): T | null {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    return raw === null || raw === undefined ? null : parse(JSON.parse(raw));
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled: the state still holds for this run.
  }
}

export const parseBoolean = (raw: unknown): boolean | null => (typeof raw === 'boolean' ? raw : null);

export const parseStrings = (raw: unknown): string[] | null =>
  Array.isArray(raw) && raw.every((item) => typeof item === 'string') ? raw : null;
