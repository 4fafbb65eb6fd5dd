import { severityRank } from '../core/severity.js';
import type { ClassifiedImage, ScanResult } from '../core/types.js';
import { renderWhole, type OutputFormatSpec, type ReportRenderer } from './renderer.js';
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
  ['findings', (image) => image.findings.map((finding) => `${finding.severity} ${finding.ruleId}${finding.suppressed ? ' (suppressed)' : ''}`).join('; ')],
  // The fleet view (--fleet, --evidence): empty cells for a scan without it, or for what could not be read.
  ['effectiveHttpTokens', (image) => image.effectiveHttpTokens ?? null],
  ['effectiveSource', (image) => image.effectiveSource ?? null],
  ['instances', (image) => count(image.usage?.instances?.total)],
  ['runningInstances', (image) => count(image.usage?.instances?.running)],
  ['imdsV1AllowedInstances', (image) => count(image.usage?.instances?.imdsV1Allowed)],
  ['launchTemplates', (image) => image.usage?.launchTemplates?.map((template) => `${template.id}:${template.version}${template.httpTokens ? `:${template.httpTokens}` : ''}`).join('; ') ?? null],
  ['evidence', (image) => image.evidence?.verdict ?? null],
  ['noTokenCalls', (image) => count(image.evidence?.noTokenCalls)],
  ['rejectedCalls', (image) => count(image.evidence?.rejectedCalls)],
  // The account's name in AWS Organizations (--org); last, so the columns before it keep their places.
  ['accountName', (image) => image.accountName ?? null],
];

function count(value: number | undefined): string | null {
  return value === undefined ? null : String(value);
}

/**
 * CSV for spreadsheets (RFC 4180, a header row, CRLF line ends), one row per image as it is
 * classified. Every cell is quoted, stripped of control characters and escape sequences, and then
 * defused against formula injection (see `csvCell`).
 */
export class CsvRenderer implements ReportRenderer {
  begin(): string {
    return `${COLUMNS.map(([header]) => header).join(',')}\r\n`;
  }

  image(image: ClassifiedImage): string {
    return `${COLUMNS.map(([, cell]) => csvCell(cell(image))).join(',')}\r\n`;
  }

  error(): string {
    return '';
  }

  end(): string {
    return '';
  }
}

export const csvFormat: OutputFormatSpec = {
  name: 'csv',
  description: 'one row per image, for spreadsheets (cells defused against formula injection)',
  create: () => new CsvRenderer(),
};

/** Returns the CSV of a whole result. */
export function renderCsv(result: ScanResult): string {
  return renderWhole(new CsvRenderer(), result);
}

/** Characters that make a spreadsheet read a cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Returns one quoted CSV cell. Control characters and escape sequences are removed first, and only
 * then is a cell that a spreadsheet would run as a formula (it starts with =, +, -, @, tab or CR:
 * anyone who names or describes an image can write one) prefixed with a single quote, as OWASP
 * advises. The order matters: "\u001b[0m=1+1" or "\u0000=1+1" only start with "=" once stripped.
 */
export function csvCell(value: string | boolean | null): string {
  if (value === null) return '""';
  let text = stripControlSequences(typeof value === 'boolean' ? String(value) : value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

function highestSeverity(image: ClassifiedImage): string | null {
  if (image.findings.length === 0) return null;
  return image.findings.reduce((top, finding) => (severityRank(finding.severity) > severityRank(top.severity) ? finding : top)).severity;
}
