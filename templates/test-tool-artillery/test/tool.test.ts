import { describe, expect, it } from 'vitest';
import { counters } from '../src/tool.js';

describe('counters', () => {
  it("reads requests, non-2xx answers and errors from Artillery's report", () => {
    const json = JSON.stringify({
      aggregate: { counters: { 'http.requests': 10, 'http.codes.200': 7, 'http.codes.503': 2, 'errors.ETIMEDOUT': 1 } },
    });
    expect(counters(json)).toEqual({ requests: 10, notOk: 2, errors: 1 });
  });

  it('names a report without counters', () => {
    expect(() => counters('{}')).toThrow(/no aggregate counters/);
  });
});
