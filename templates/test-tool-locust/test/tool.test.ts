import { describe, expect, it } from 'vitest';
import { aggregated } from '../src/tool.js';

describe('aggregated', () => {
  it('reads the totals of a Locust statistics file', () => {
    const csv = 'Type,Name,Request Count,Failure Count,Median Response Time\nGET,/,7,2,12\n,Aggregated,7,2,12\n';
    expect(aggregated(csv)).toEqual({ requests: 7, failures: 2, median: 12 });
  });

  it('rounds an exact median to whole milliseconds', () => {
    const csv = 'Type,Name,Request Count,Failure Count,Median Response Time\n,Aggregated,6,0,3.041641999516287\n';
    expect(aggregated(csv).median).toBe(3);
  });

  it('names a file without totals', () => {
    expect(() => aggregated('Type,Name\n')).toThrow(/no Aggregated row/);
  });
});
