// What the shared tests (handler.test.ts) need to know about k6.
export const TOOL = 'k6';
/** k6 takes its load from the script's options; the tests run them as they are. */
export const QUICK = {};
export const SUMMARY = /k6 \w+ test: \d+ requests, \d+ failed, thresholds (met|crossed)/;
