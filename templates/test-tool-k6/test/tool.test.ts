import { describe, expect, it } from 'vitest';
import { summarize } from '../src/tool.js';

describe('summarize', () => {
  it("reads the totals of k6's summary export", () => {
    const json = JSON.stringify({ metrics: { http_reqs: { count: 40 }, http_req_failed: { passes: 3, fails: 37, value: 0.075 } } });
    expect(summarize(json)).toEqual({ requests: 40, failed: 3 });
  });

  it('names a file without metrics', () => {
    expect(() => summarize('{}')).toThrow(/no metrics/);
  });
});
