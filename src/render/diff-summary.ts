import type { DiffResult } from '../core/diff.js';

/** Returns "N thing" or "N things". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Returns the diff's totals in one line, the same in every human format: "2 new, 1 fixed, ...". */
export function diffTotals(diff: DiffResult): string {
  const { findings, images } = diff;
  return `findings: ${findings.new.length} new, ${findings.fixed.length} fixed, ${findings.changed.length} changed; images: ${images.added.length} added, ${images.removed.length} removed`;
}

/** Returns true when the two reports hold the same images with the same findings. */
export function isEmptyDiff(diff: DiffResult): boolean {
  return [diff.images.added, diff.images.removed, diff.findings.new, diff.findings.fixed, diff.findings.changed].every((list) => list.length === 0);
}
