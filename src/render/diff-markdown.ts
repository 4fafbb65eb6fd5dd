import type { DiffFinding, DiffImage, DiffResult } from '../core/diff.js';
import { count, diffTotals, isEmptyDiff } from './diff-summary.js';
import { markdownText } from './markdown.js';

/** Rows listed per section; the rest are counted. A pull-request comment is read, not searched. */
export const DIFF_MARKDOWN_MAX_ROWS = 100;

/** An image id as code; ids come from a file, so anything but the id's own characters is dropped. */
function code(imageId: string): string {
  return `\`${imageId.replace(/[^\w-]/g, '')}\``;
}

function text(value: string | null): string {
  return value === null ? '-' : markdownText(value);
}

/** Returns a GFM table of rows (the first DIFF_MARKDOWN_MAX_ROWS), with account and region only when some row has one. */
function table<T extends Pick<DiffImage, 'accountId' | 'region' | 'imageId'>>(title: string, head: string[], items: T[], cells: (item: T) => string[]): string[] {
  if (items.length === 0) return [];
  const showAccount = items.some((item) => item.accountId !== null);
  const showRegion = items.some((item) => item.region !== null);
  const columns = ['Image', ...(showAccount ? ['Account'] : []), ...(showRegion ? ['Region'] : []), ...head];
  const lines = ['', `### ${title} (${items.length})`, '', `| ${columns.join(' | ')} |`, `|${columns.map(() => '---|').join('')}`];
  for (const item of items.slice(0, DIFF_MARKDOWN_MAX_ROWS)) {
    const row = [code(item.imageId), ...(showAccount ? [text(item.accountId)] : []), ...(showRegion ? [text(item.region)] : []), ...cells(item)];
    lines.push(`| ${row.join(' | ')} |`);
  }
  if (items.length > DIFF_MARKDOWN_MAX_ROWS) lines.push('', `…and ${items.length - DIFF_MARKDOWN_MAX_ROWS} more: see the JSON diff.`);
  return lines;
}

const suppressed = (finding: DiffFinding): string => (finding.suppressed ? ' (suppressed)' : '');

/**
 * Returns the diff as Markdown for a pull request or `$GITHUB_STEP_SUMMARY`: the totals, a warning
 * when either report is incomplete, then findings new, changed and fixed and images added and
 * removed. Every string from the reports goes through `markdownText`.
 */
export function renderDiffMarkdown(diff: DiffResult, complete: boolean): string {
  const { findings, images } = diff;
  const lines = [`## ami-audit diff: ${count(findings.new.length, 'new finding')}, ${findings.fixed.length} fixed, ${findings.changed.length} changed`, ''];
  lines.push(
    complete
      ? `${diffTotals(diff)}.`
      : `**A report comes from an incomplete scan:** what looks fixed or removed may only have been unread, and an incomplete scan never passes the gate. ${diffTotals(diff)}.`,
  );
  if (isEmptyDiff(diff)) lines.push('', 'No change: the same images with the same findings.');
  for (const line of table('New findings', ['Rule', 'Severity'], findings.new, (finding) => [text(finding.ruleId), `${finding.severity}${suppressed(finding)}`])) lines.push(line);
  for (const line of table('Changed findings', ['Rule', 'Severity'], findings.changed, (finding) => [text(finding.ruleId), `${finding.previousSeverity} → ${finding.severity}${suppressed(finding)}`])) lines.push(line);
  for (const line of table('Fixed findings', ['Rule', 'Severity'], findings.fixed, (finding) => [text(finding.ruleId), finding.severity])) lines.push(line);
  for (const line of table('Images added', ['Name'], images.added, (image) => [text(image.name)])) lines.push(line);
  for (const line of table('Images removed', ['Name'], images.removed, (image) => [text(image.name)])) lines.push(line);
  return `${lines.join('\n')}\n`;
}
