/** The only two IPC channels: every contract verb goes through `invoke` with its name; events come back on `event`. */
export const IPC_INVOKE = 'companion:invoke';
export const IPC_EVENT = 'companion:event';
