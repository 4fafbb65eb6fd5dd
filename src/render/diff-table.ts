import type { DiffResult } from '../core/diff.js';
import { count, diffTotals, isEmptyDiff } from './diff-summary.js';
import { drawChunkedTable } from './chunked-table.js';
import { stripControlSequences } from './sanitize.js';

/** Longest image name shown before it is cut with an ellipsis. */
const MAX_NAME_LENGTH = 48;

interface Row {
  change: string;
  imageId: string;
  accountId: string | null;
  region: string | null;
  cells: string[];
}

/** Returns text from a report made safe for one table cell. */
function cell(text: string | null, maxLength = Number.POSITIVE_INFINITY): string {
  if (text === null) return '-';
  const safe = stripControlSequences(text.replace(/[\r\n\t]+/g, ' '));
  return safe.length > maxLength ? `${safe.slice(0, maxLength - 1)}…` : safe;
}

/** Draws rows as one table, its column widths fitted to the widest cell of each column. */
function drawTable(head: string[], rows: string[][]): string[] {
  // Loops, not Math.max(...): a spread of a large diff's rows overflows the call stack.
  const colWidths = head.map((header) => header.length);
  for (const row of rows) row.forEach((text, index) => (colWidths[index] = Math.max(colWidths[index]!, text.length)));
  return drawChunkedTable({ head, colWidths: colWidths.map((width) => width + 2), style: { head: [], border: [] } }, rows, (row) => row);
}

/** Returns the rows as a table, with the account and region columns only when some row has one. */
function section(title: string, head: string[], rows: Row[]): string[] {
  const showAccount = rows.some((row) => row.accountId !== null);
  const showRegion = rows.some((row) => row.region !== null);
  const columns = ['Change', 'Image ID', ...(showAccount ? ['Account'] : []), ...(showRegion ? ['Region'] : []), ...head];
  const cells = rows.map((row) => [row.change, cell(row.imageId), ...(showAccount ? [cell(row.accountId)] : []), ...(showRegion ? [cell(row.region)] : []), ...row.cells]);
  return [title, ...drawTable(columns, cells)];
}

/**
 * Returns the diff as text for a terminal: a table of images added and removed, a table of findings
 * new, changed and fixed, and the totals. Every string from the reports is stripped of control
 * sequences, so a hostile name cannot drive the terminal.
 */
export function renderDiffTable(diff: DiffResult): string {
  if (isEmptyDiff(diff)) return `No change: the same images with the same findings.\n${diffTotals(diff)}\n`;
  const lines: string[] = [];
  const { images, findings } = diff;
  if (images.added.length + images.removed.length > 0) {
    const rows: Row[] = [
      ...images.added.map((image) => ({ change: 'added', ...image, cells: [cell(image.name, MAX_NAME_LENGTH)] })),
      ...images.removed.map((image) => ({ change: 'removed', ...image, cells: [cell(image.name, MAX_NAME_LENGTH)] })),
    ];
    // Loops, not push(...): a spread of a large diff's lines overflows the call stack.
    for (const line of section(`Images (${count(rows.length, 'change')})`, ['Name'], rows)) lines.push(line);
    lines.push('');
  }
  if (findings.new.length + findings.changed.length + findings.fixed.length > 0) {
    const suppressed = (finding: { suppressed?: unknown }): string => (finding.suppressed ? ' (suppressed)' : '');
    const rows: Row[] = [
      ...findings.new.map((finding) => ({ change: 'new', ...finding, cells: [cell(finding.ruleId), `${finding.severity}${suppressed(finding)}`] })),
      ...findings.changed.map((finding) => ({ change: 'changed', ...finding, cells: [cell(finding.ruleId), `${finding.previousSeverity} -> ${finding.severity}${suppressed(finding)}`] })),
      ...findings.fixed.map((finding) => ({ change: 'fixed', ...finding, cells: [cell(finding.ruleId), finding.severity] })),
    ];
    for (const line of section(`Findings (${count(rows.length, 'change')})`, ['Rule', 'Severity'], rows)) lines.push(line);
    lines.push('');
  }
  lines.push(diffTotals(diff));
  return `${lines.join('\n')}\n`;
}
