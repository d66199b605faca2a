// What the shared tests (handler.test.ts) need to know about Artillery.
export const TOOL = 'artillery';
/** Artillery takes its phases from the scenario; the tests run them as they are. */
export const QUICK = {};
export const SUMMARY = /artillery \w+ test: \d+ requests, \d+ not 2xx, \d+ errors, ensure checks (met|failed)/;
