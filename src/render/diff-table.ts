import Table from 'cli-table3';
import type { DiffResult } from '../core/diff.js';
import { count, diffTotals, isEmptyDiff } from './diff-summary.js';
import { stripControlSequences } from './sanitize.js';

/** Longest image name shown before it is cut with an ellipsis. */
const MAX_NAME_LENGTH = 48;
/**
 * Rows laid out by one cli-table3 table: its layout compares every cell with every earlier one, so
 * one table of a large diff would be quadratic (see render/table.ts); tables of this many rows with
 * the column widths fixed once are drawn as one.
 */
const ROWS_PER_CHUNK = 50;

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

/** Draws rows as one table, in chunks that share fixed column widths (see ROWS_PER_CHUNK). */
function drawTable(head: string[], rows: string[][]): string[] {
  const colWidths = head.map((header, index) => Math.max(header.length, ...rows.map((row) => row[index]!.length)) + 2);
  const lines: string[] = [];
  const chunks = Math.ceil(rows.length / ROWS_PER_CHUNK);
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const first = chunk === 0;
    const last = chunk === chunks - 1;
    const table = new Table({ ...(first ? { head } : {}), colWidths, style: { head: [], border: [], compact: true } });
    table.push(...rows.slice(chunk * ROWS_PER_CHUNK, (chunk + 1) * ROWS_PER_CHUNK));
    const drawn = table.toString().split('\n');
    lines.push(...drawn.slice(first ? 0 : 1, last ? drawn.length : -1));
  }
  return lines;
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
