import { describe, expect, it } from 'vitest';
import { merge3 } from '../../src/merge.js';
import { planRegeneration } from '../../src/regenerate.js';

const labels = { ours: 'yours', base: 'base', theirs: 'new' };

describe('merge3', () => {
  it('takes both sides of changes to different lines', () => {
    expect(merge3('A\nb\nc\n', 'a\nb\nc\n', 'a\nb\nC\n', labels)).toEqual({ text: 'A\nb\nC\n', conflict: false });
  });

  it('marks changes to the same lines as a conflict, with the base between', () => {
    expect(merge3('a\nX\nc', 'a\nb\nc', 'a\nY\nc', labels)).toEqual({
      text: 'a\n<<<<<<< yours\nX\n||||||| base\nb\n=======\nY\n>>>>>>> new\nc',
      conflict: true,
    });
  });

  it('is no conflict when both made the same change', () => {
    expect(merge3('a\nX\nc', 'a\nb\nc', 'a\nX\nc', labels)).toEqual({ text: 'a\nX\nc', conflict: false });
  });
});

describe('planRegeneration', () => {
  const run = (current: Record<string, string>, base: Record<string, string>, next: Record<string, string>, restore: string[] = []) =>
    Object.fromEntries(
      planRegeneration((p) => current[p], new Map(Object.entries(base)), new Map(Object.entries(next)), labels, new Set(restore)).map((c) => [
        c.path,
        [c.status, c.next],
      ]),
    );

  it('decides every case of the owner × template table', () => {
    const result = run(
      { same: 'x', untouched: 'old', edited: 'mine', 'edited-same-template': 'mine', gone: 'old', 'gone-edited': 'mine', extra: 'mine' },
      { same: 'x', untouched: 'old', edited: 'a\nb\nc', 'edited-same-template': 'old', deleted: 'old', gone: 'old', 'gone-edited': 'old' },
      { same: 'x', untouched: 'new', edited: 'a\nb\nC', 'edited-same-template': 'old', deleted: 'new', brand: 'new', extra: 'theirs' },
    );
    expect(result).toEqual({
      same: ['unchanged', undefined],
      untouched: ['updated', 'new'],
      edited: ['conflict', '<<<<<<< yours\nmine\n||||||| base\na\nb\nc\n=======\na\nb\nC\n>>>>>>> new'],
      'edited-same-template': ['unchanged', undefined],
      deleted: ['kept-deleted', undefined],
      brand: ['added', 'new'],
      gone: ['removed', null],
      'gone-edited': ['kept', undefined],
      extra: ['conflict', expect.stringContaining('<<<<<<< yours\nmine')],
    });
  });

  it('restores a deleted file when asked', () => {
    expect(run({}, { f: 'old' }, { f: 'new' }, ['f'])).toEqual({ f: ['added', 'new'] });
  });
});
