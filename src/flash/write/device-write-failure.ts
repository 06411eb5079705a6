/**
 * A device write that failed, and where. The errno alone cannot tell a full card from a failing one: a card (or a
 * loop over a full file system) that runs out of room before its stated end says ENOSPC as well.
 */
export class DeviceWriteFailure extends Error {
  constructor(
    readonly code: string | undefined,
    /** The first byte that did not get written. */
    readonly offset: number,
    /** Where the failed write would have ended. */
    readonly end: number,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
