import { severityRank } from '../core/severity.js';
import type { ClassifiedImage, ScanResult } from '../core/types.js';
import { stripControlSequences } from './sanitize.js';

const COLUMNS: [header: string, cell: (image: ClassifiedImage) => string | boolean | null][] = [
  ['accountId', (image) => image.accountId],
  ['region', (image) => image.region],
  ['imageId', (image) => image.imageId],
  ['name', (image) => image.name],
  ['description', (image) => image.description],
  ['ownerId', (image) => image.ownerId],
  ['public', (image) => image.public],
  ['architecture', (image) => image.architecture],
  ['state', (image) => image.state],
  ['creationDate', (image) => image.creationDate],
  ['deprecationTime', (image) => image.deprecationTime],
  ['imdsSupport', (image) => image.imdsSupport],
  ['bootMode', (image) => image.bootMode],
  ['effectiveBootMode', (image) => image.effectiveBootMode],
  ['tpmSupport', (image) => image.tpmSupport],
  ['readiness', (image) => image.readiness],
  ['highestSeverity', (image) => highestSeverity(image)],
  ['findings', (image) => image.findings.map((finding) => `${finding.severity} ${finding.ruleId}`).join('; ')],
];

/**
 * Returns the images as CSV (RFC 4180, a header row, CRLF line ends) for spreadsheets. Every cell is
 * quoted; a cell that a spreadsheet would run as a formula (it starts with =, +, -, @, tab or CR:
 * anyone who names or describes an image can write one) is prefixed with a single quote, as OWASP
 * advises; control characters and escape sequences are removed.
 */
export function renderCsv(result: ScanResult): string {
  const lines = [COLUMNS.map(([header]) => header).join(',')];
  for (const image of result.images) lines.push(COLUMNS.map(([, cell]) => csvCell(cell(image))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Returns one quoted CSV cell, defused against formula injection. */
export function csvCell(value: string | boolean | null): string {
  if (value === null) return '""';
  let text = typeof value === 'boolean' ? String(value) : value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${stripControlSequences(text).replace(/"/g, '""')}"`;
}

function highestSeverity(image: ClassifiedImage): string | null {
  if (image.findings.length === 0) return null;
  return image.findings.reduce((top, finding) => (severityRank(finding.severity) > severityRank(top.severity) ? finding : top)).severity;
}
