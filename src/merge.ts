// Line-based 3-way merge with standard conflict markers.
import { diff3Merge } from 'node-diff3';

/** The first line of a conflict that regenerate wrote (see merge3's labels). */
export const OURS_LABEL = 'your version';

/** Does `text` still hold a conflict that regenerate wrote (its own first line, LF or CRLF)? */
export const hasConflictMarkers = (text: string) => OWN_MARKER.test(text);
const OWN_MARKER = new RegExp(`^<{7} ${OURS_LABEL}\r?$`, 'm');

/**
 * Does `text` hold any line of a conflict block, however labelled or half-removed (`<<<<<<< HEAD`,
 * a lone `=======` or `>>>>>>>`)? Asked only of files a conflict touched: elsewhere a line of
 * seven `=` is a Markdown heading.
 */
export const hasMarkerLines = (text: string) => /^(?:<{7}|\|{7}|={7}|>{7})(?:[ \t].*)?\r?$/m.test(text);

export interface MergeLabels {
  ours: string;
  base: string;
  theirs: string;
}

/**
 * Merges the changes from `base` to `ours` and from `base` to `theirs`. Where both changed the same
 * lines differently, the result holds conflict markers (diff3 style, with the base in between).
 */
export function merge3(ours: string, base: string, theirs: string, labels: MergeLabels): { text: string; conflict: boolean } {
  const split = (s: string) => s.split('\n');
  const regions = diff3Merge(split(ours), split(base), split(theirs), { excludeFalseConflicts: true });
  const lines: string[] = [];
  let conflict = false;
  for (const region of regions) {
    if (region.ok) {
      lines.push(...region.ok);
      continue;
    }
    conflict = true;
    const c = region.conflict!;
    lines.push(`<<<<<<< ${labels.ours}`, ...c.a, `||||||| ${labels.base}`, ...c.o, '=======', ...c.b, `>>>>>>> ${labels.theirs}`);
  }
  return { text: lines.join('\n'), conflict };
}
