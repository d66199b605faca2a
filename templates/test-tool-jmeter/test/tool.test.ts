import { describe, expect, it } from 'vitest';
import { samples } from '../src/tool.js';

const HEADER = 'timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage';

describe('samples', () => {
  it('counts samples and failures, with commas inside quoted fields', () => {
    const csv = `${HEADER}\n1,5,home,200,OK,t 1-1,text,true,\n2,9,home,500,"Server, Error",t 1-1,text,false,"code, 500"\n`;
    expect(samples(csv)).toEqual({ samples: 2, failed: 1, firstFailure: 'home answered 500' });
  });

  it('names a results file in another format', () => {
    expect(() => samples('<testResults/>')).toThrow(/no "success" column/);
  });
});
