/** How a Pi was found, in words for the task log, the Tasks panel and the CLI. */
export const FOUND_VIA = {
  manual: '(the address you gave)',
  mdns: '(by its .local name)',
  dns: '(through DNS)',
} as const;
