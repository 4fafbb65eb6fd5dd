import type { FixOutcome } from '../core/fix.js';
import { imdsText, type FixResult } from '../core/fix-plan.js';
import type { FixSummary } from '../core/fix-summary.js';
import { drawChunkedTable } from './chunked-table.js';
import { count } from './diff-summary.js';
import { stripControlSequences, terminalSafe } from './sanitize.js';

/** Longest image name shown before it is cut with an ellipsis. */
const MAX_NAME_LENGTH = 40;

/** Returns text from AWS or a report made safe for one table cell. */
function cell(text: string | null | undefined, maxLength = Number.POSITIVE_INFINITY): string {
  if (text === null || text === undefined || text === '') return '-';
  const safe = stripControlSequences(text.replace(/[\r\n\t]+/g, ' '));
  return safe.length > maxLength ? `${safe.slice(0, maxLength - 1)}…` : safe;
}

/** Returns the ImdsSupport cell: the value before, and after when it was read back ("unset → v2.0"). */
function imdsCell(result: FixResult): string {
  if (result.imdsSupportBefore === undefined) return '-';
  const before = imdsText(result.imdsSupportBefore);
  if (result.imdsSupportAfter === undefined || result.action === 'already') return cell(before);
  return cell(`${before} → ${imdsText(result.imdsSupportAfter)}`);
}

/** Returns the run's counts in one sentence, and what to do next. */
export function fixTotals(outcome: Pick<FixOutcome, 'dryRun' | 'aborted' | 'summary'>): string {
  const s: FixSummary = outcome.summary;
  const notSelected = s.notSelected > 0 ? `; ${count(s.notSelected, 'image')} of the report not selected` : '';
  if (outcome.aborted) return `Aborted at the prompt: nothing was changed (${count(s.requested, 'image')} requested).`;
  if (outcome.dryRun) {
    const next = s.wouldFlag > 0 ? ' Run again with --apply to set ImdsSupport=v2.0 (it cannot be undone).' : '';
    return `Dry run, nothing was changed: ${s.wouldFlag} would be flagged, ${s.already} already v2.0, ${s.refused} refused, ${s.failed} failed${notSelected}.${next}`;
  }
  return `${s.flagged} flagged, ${s.already} already v2.0, ${s.refused} refused, ${s.failed} failed${notSelected}.`;
}

/**
 * Returns the fix run as text for a terminal: a table of the images (id, account, region, name,
 * ImdsSupport before and after, action), each image's reason under it, and the totals. Every string
 * from AWS or the report is stripped of control sequences.
 */
export function renderFixTable(outcome: FixOutcome): string {
  const { results } = outcome;
  if (results.length === 0) return `No image to flag.\n${fixTotals(outcome)}\n`;
  const head = ['Image ID', 'Account', 'Region', 'Name', 'ImdsSupport', 'Action'];
  const rows = results.map((result) => [cell(result.imageId), cell(result.accountId), cell(result.region), cell(result.name, MAX_NAME_LENGTH), imdsCell(result), result.action]);
  const widths = head.map((header) => header.length);
  for (const row of rows) row.forEach((text, index) => (widths[index] = Math.max(widths[index]!, text.length)));
  const lines = drawChunkedTable({ head, colWidths: widths.map((width) => width + 2), style: { head: [], border: [] } }, rows, (row) => row);
  lines.push('');
  for (const result of results) lines.push(`${cell(result.imageId)}: ${result.action}: ${terminalSafe(result.reason)}`);
  lines.push('', fixTotals(outcome));
  return `${lines.join('\n')}\n`;
}
