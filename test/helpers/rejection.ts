import { expect } from 'vitest';
import { CompanionError } from '../../src/errors.js';

/** The CompanionError `promise` rejects with (failing the test if it resolves or rejects with something else). */
export async function rejection(promise: Promise<unknown>): Promise<CompanionError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CompanionError);
  return error as CompanionError;
}
