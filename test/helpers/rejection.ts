import { expect } from 'vitest';
import { CompanionError } from '../../src/errors.js';
import { ImageError } from '../../src/image/image-errors.js';

/** The CompanionError `promise` rejects with (failing the test if it resolves or rejects with something else). */
export async function rejection(promise: Promise<unknown>): Promise<CompanionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompanionError);
  return error as CompanionError;
}

/** The ImageError `fn` throws (failing the test if it returns or throws something else). */
export function thrownImageError(fn: () => unknown): ImageError {
  let error: unknown = null;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ImageError);
  return error as ImageError;
}
