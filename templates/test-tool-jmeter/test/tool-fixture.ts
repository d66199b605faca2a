// What the shared tests (handler.test.ts) need to know about JMeter.
export const TOOL = 'jmeter';
/** The test plans set their own threads and loops; the tests run them as they are. */
export const QUICK = {};
export const SUMMARY = /jmeter \w+ test: \d+ samples, \d+ failed/;
