import { Chalk, type ChalkInstance } from 'chalk';
import type { ClassifiedImage, Readiness, ScanResult, Severity } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';
import { drawChunkedTable } from './chunked-table.js';
import { renderWhole, type OutputFormatSpec, type ReportRenderer, type ScanReport } from './renderer.js';
import { stripControlSequences } from './sanitize.js';

export interface TableOptions {
  /** Colour the verdicts and severities. The CLI decides from `NO_COLOR`, `--no-color` and the terminal. */
  color: boolean;
  /** Longest image name shown before it is cut with an ellipsis. */
  maxNameLength?: number;
  /** The terminal's width: columns are stacked and names cut so that the table fits in it. */
  width?: number;
}

/** Narrowest the name column gets, however narrow the terminal. */
const MIN_NAME_LENGTH = 12;
/** A name cut shorter than this reads badly: the table stacks columns first. */
const COMFORTABLE_NAME_LENGTH = 24;
const DEFAULT_NAME_LENGTH = 48;

/** Marks a boot mode the AMI leaves to the architecture; the legend under the table says so. */
const DEFAULT_MARK = '*';
const DEFAULT_LEGEND = `${DEFAULT_MARK} BootMode unset: the architecture's default (arm64 boots UEFI; x86_64 and i386 boot legacy BIOS; unknown when the architecture is missing or new)`;

/** Follows a finding an ignore-file entry covers: shown, but not counted by the gate. */
const SUPPRESSED_MARK = ' (suppressed)';

const READINESS_LABEL: Record<Readiness, string> = { ready: 'ready', 'not-ready': 'NOT READY', unknown: 'UNKNOWN' };

/** What the table keeps of an image: the text it prints, already made safe, and nothing else. */
interface TableRow {
  imageId: string;
  name: string;
  account: string;
  region: string;
  imds: string;
  boot: string;
  tpm: string;
  readiness: Readiness;
  findings: { severity: Severity; ruleId: string; suppressed: boolean }[];
  /** With `--fleet`: instances launched from the image, and how many of them allow IMDSv1 ('?' when unread). */
  instances: string;
  v1Allowed: string;
  /** With `--evidence`: the evidence verdict ('?' when unread). */
  evidence: string;
}

type FieldName = 'imageId' | 'name' | 'account' | 'region' | 'imds' | 'boot' | 'tpm' | 'instances' | 'v1Allowed' | 'evidence' | 'verdict' | 'findings';
/** The fleet view's columns: shown only when the scan read it. */
const FLEET_FIELDS: readonly FieldName[] = ['instances', 'v1Allowed'];
const EVIDENCE_FIELDS: readonly FieldName[] = ['evidence'];

/** One thing the table shows of an image: a header, plain lines to measure, painted lines to print. */
interface Field {
  header: string;
  lines(row: TableRow): string[];
  painted?(row: TableRow, paint: ChalkInstance): string[];
}

const FIELDS: Record<FieldName, Field> = {
  imageId: { header: 'Image ID', lines: (row) => [row.imageId] },
  name: { header: 'Name', lines: (row) => [row.name] },
  account: { header: 'Account', lines: (row) => [row.account] },
  region: { header: 'Region', lines: (row) => [row.region] },
  imds: { header: 'IMDS', lines: (row) => [row.imds] },
  boot: { header: 'Boot', lines: (row) => [row.boot] },
  tpm: { header: 'TPM', lines: (row) => [row.tpm] },
  instances: { header: 'Instances', lines: (row) => [row.instances] },
  v1Allowed: { header: 'V1 allowed', lines: (row) => [row.v1Allowed], painted: (row, paint) => [row.v1Allowed !== '0' && row.v1Allowed !== '-' ? paint.yellow(row.v1Allowed) : row.v1Allowed] },
  evidence: {
    header: 'Evidence',
    lines: (row) => [row.evidence],
    painted: (row, paint) => [row.evidence === 'blocked' ? paint.red.bold(row.evidence) : row.evidence === 'safe-to-flag' ? paint.green(row.evidence) : row.evidence],
  },
  verdict: {
    header: 'Verdict',
    lines: (row) => [READINESS_LABEL[row.readiness]],
    painted: (row, paint) => [paintReadiness(paint, row.readiness)],
  },
  findings: {
    header: 'Findings',
    lines: (row) => (row.findings.length > 0 ? row.findings.map((finding) => `${finding.severity} ${finding.ruleId}${finding.suppressed ? SUPPRESSED_MARK : ''}`) : ['-']),
    painted: (row, paint) =>
      row.findings.length > 0
        ? row.findings.map((finding) => (finding.suppressed ? paint.dim(`${finding.severity} ${finding.ruleId}${SUPPRESSED_MARK}`) : `${paintSeverity(paint, finding.severity)} ${finding.ruleId}`))
        : ['-'],
  },
};

/**
 * Layouts from widest to narrowest: each is a list of columns, each column a stack of fields. A
 * terminal too narrow for one gets the next, so columns are stacked before names are cut short.
 * `account` and `region` columns are left out where every row has the same value (said above the
 * table instead), from the second layout on.
 */
const LAYOUTS: FieldName[][][] = [
  [['imageId'], ['name'], ['account'], ['region'], ['imds'], ['boot'], ['tpm'], ['instances'], ['v1Allowed'], ['evidence'], ['verdict'], ['findings']],
  [['imageId'], ['name'], ['account'], ['region'], ['imds'], ['boot'], ['tpm'], ['instances'], ['v1Allowed'], ['evidence'], ['verdict'], ['findings']],
  [['imageId'], ['name'], ['account', 'region'], ['imds'], ['boot'], ['tpm'], ['instances', 'v1Allowed'], ['evidence'], ['verdict', 'findings']],
  [['imageId'], ['name'], ['account', 'region'], ['imds', 'boot', 'tpm'], ['instances', 'v1Allowed', 'evidence'], ['verdict', 'findings']],
  [['imageId', 'name'], ['account', 'region'], ['imds', 'boot', 'tpm'], ['instances', 'v1Allowed', 'evidence'], ['verdict', 'findings']],
];

/**
 * The table for people: one row per image, then a summary line. It keeps one small row of text per
 * image until the end, since the column widths depend on every row; it renders in linear time.
 */
export class TableRenderer implements ReportRenderer {
  private readonly rows: TableRow[] = [];
  private anyAccount = false;
  private anyDefaultedBoot = false;
  private anyFleet = false;
  private anyEvidence = false;

  constructor(private readonly options: TableOptions) {}

  begin(): string {
    return '';
  }

  image(image: ClassifiedImage): string {
    if (image.accountId !== null) this.anyAccount = true;
    if (image.bootMode === null) this.anyDefaultedBoot = true;
    if (image.usage) this.anyFleet = true;
    if (image.evidence) this.anyEvidence = true;
    const instances = image.usage?.instances;
    this.rows.push({
      imageId: stripControlSequences(image.imageId),
      name: stripControlSequences(image.name ?? '-'),
      account: image.accountId === null ? '-' : stripControlSequences(image.accountId),
      region: image.region ? stripControlSequences(image.region) : '-',
      imds: image.imdsSupport === 'v2.0' ? 'v2.0' : image.imdsSupport === null ? 'v1 allowed' : stripControlSequences(image.imdsSupport),
      boot: image.bootMode === null ? `${image.effectiveBootMode}${DEFAULT_MARK}` : stripControlSequences(image.bootMode),
      tpm: image.tpmSupport === null ? '-' : stripControlSequences(image.tpmSupport),
      readiness: image.readiness,
      findings: image.findings.map((finding) => ({ severity: finding.severity, ruleId: finding.ruleId, suppressed: finding.suppressed !== undefined })),
      instances: image.usage ? (instances ? `${instances.total}${instances.running < instances.total ? ` (${instances.running} running)` : ''}` : '?') : '-',
      v1Allowed: image.usage ? (instances ? String(instances.imdsV1Allowed) : '?') : '-',
      evidence: image.evidence?.verdict ?? (image.usage ? '?' : '-'),
    });
    return '';
  }

  error(): string {
    return '';
  }

  end(report: ScanReport): string {
    const paint = new Chalk({ level: this.options.color ? 1 : 0 });
    const lines: string[] = [];
    if (this.rows.length === 0) lines.push(report.summary.complete ? 'No images matched.' : 'No images were read.');
    // A loop, not push(...): a spread of 100,000 rows' lines overflows the call stack.
    else for (const line of this.renderRows(paint)) lines.push(line);
    // The lines under the table wrap at the terminal's width, like the table: a terminal would cut
    // them mid-word.
    const notes = [...(this.anyDefaultedBoot ? [DEFAULT_LEGEND] : []), ...fleetLines(report), summaryLine(report, paint)];
    for (const note of notes) for (const line of wrapWords(note, this.options.width)) lines.push(line);
    return `${lines.join('\n')}\n`;
  }

  private renderRows(paint: ChalkInstance): string[] {
    const hidden = new Set<FieldName>([...(this.anyFleet ? [] : FLEET_FIELDS), ...(this.anyEvidence ? [] : EVIDENCE_FIELDS)]);
    const layout = chooseLayout(this.rows, this.anyAccount, hidden, this.options);
    const lines = layout.caption ? [layout.caption] : [];
    const head = layout.columns.map((column) => column.fields.map((field) => FIELDS[field].header).join('\n'));
    const style = { head: this.options.color ? ['bold'] : [], border: this.options.color ? ['grey'] : [] };
    const colWidths = layout.columns.map((column) => column.width + 2);
    const drawn = drawChunkedTable({ head, colWidths, style }, this.rows, (row) => layout.columns.map((column) => cellText(column.fields, row, paint, layout.nameWidth)));
    for (const line of drawn) lines.push(line);
    return lines;
  }
}

interface ChosenLayout {
  columns: { fields: FieldName[]; width: number }[];
  nameWidth: number;
  caption?: string;
}

/** Returns the widest layout that fits the terminal, with the width each column and the name get. */
function chooseLayout(rows: readonly TableRow[], anyAccount: boolean, absent: ReadonlySet<FieldName>, options: TableOptions): ChosenLayout {
  const naturalName = Math.min(options.maxNameLength ?? DEFAULT_NAME_LENGTH, widestLine(rows, 'name'));
  const widths = new Map<FieldName, number>();
  for (const field of Object.keys(FIELDS) as FieldName[]) widths.set(field, field === 'name' ? naturalName : widestLine(rows, field));
  const constant = (field: 'account' | 'region') => rows.every((row) => row[field] === rows[0]![field]);

  let chosen: ChosenLayout | undefined;
  for (const [level, layout] of LAYOUTS.entries()) {
    const hidden = new Set<FieldName>([...absent, ...(anyAccount ? [] : ['account' as const])]);
    if (level > 0) for (const field of ['account', 'region'] as const) if (constant(field)) hidden.add(field);
    const columns = layout
      .map((fields) => fields.filter((field) => !hidden.has(field)))
      .filter((fields) => fields.length > 0)
      .map((fields) => ({ fields, width: Math.max(...fields.map((field) => Math.max(widths.get(field)!, headerWidth(fields)))) }));
    const caption = captionFor(hidden, rows, anyAccount);
    const candidate: ChosenLayout = { columns, nameWidth: naturalName, ...(caption ? { caption } : {}) };
    if (options.width === undefined) return candidate;
    const overflow = tableWidth(columns) - options.width;
    if (overflow <= 0) return candidate;
    // Cut the name as far as the terminal needs, if that leaves a name worth reading.
    const nameColumn = columns.find((column) => column.fields.includes('name'))!;
    const otherFieldsWidth = Math.max(0, ...nameColumn.fields.filter((field) => field !== 'name').map((field) => widths.get(field)!), headerWidth(nameColumn.fields));
    const nameWidth = Math.max(MIN_NAME_LENGTH, naturalName - overflow, otherFieldsWidth);
    chosen = { ...candidate, nameWidth: Math.min(naturalName, nameWidth) };
    nameColumn.width = Math.max(otherFieldsWidth, chosen.nameWidth);
    if (tableWidth(columns) <= options.width && chosen.nameWidth >= Math.min(naturalName, COMFORTABLE_NAME_LENGTH)) return chosen;
  }
  // The narrowest layout, with the name cut as far as it goes: a terminal this narrow wraps the rest.
  return chosen!;
}

function captionFor(hidden: Set<FieldName>, rows: readonly TableRow[], anyAccount: boolean): string | undefined {
  const parts: string[] = [];
  if (anyAccount && hidden.has('account') && rows[0]!.account !== '-') parts.push(`account ${rows[0]!.account}`);
  if (hidden.has('region') && rows[0]!.region !== '-') parts.push(`region ${rows[0]!.region}`);
  return parts.length > 0 ? `Images of ${parts.join(', ')}:` : undefined;
}

/** Width of a drawn table: each column padded by a space on both sides, and columns + 1 borders. */
function tableWidth(columns: readonly { width: number }[]): number {
  return columns.reduce((sum, column) => sum + column.width + 2, 0) + columns.length + 1;
}

function headerWidth(fields: readonly FieldName[]): number {
  return Math.max(...fields.map((field) => FIELDS[field].header.length));
}

function widestLine(rows: readonly TableRow[], field: FieldName): number {
  let widest = FIELDS[field].header.length;
  for (const row of rows) for (const line of FIELDS[field].lines(row)) if (line.length > widest) widest = line.length;
  return widest;
}

function cellText(fields: readonly FieldName[], row: TableRow, paint: ChalkInstance, nameWidth: number): string {
  return fields
    .flatMap((field) => {
      if (field === 'name') return [truncate(row.name, nameWidth)];
      const spec = FIELDS[field];
      return spec.painted ? spec.painted(row, paint) : spec.lines(row);
    })
    .join('\n');
}

export const tableFormat: OutputFormatSpec = {
  name: 'table',
  description: 'a table for people, fitted to the terminal (the default)',
  create: (context) => new TableRenderer({ color: context.color, ...(context.width ? { width: context.width } : {}) }),
};

/** Returns the table of a whole result. */
export function renderTable(result: ScanResult, options: TableOptions): string {
  return renderWhole(new TableRenderer(options), result);
}

/**
 * Returns the fleet view's lines under the table: instances that allow IMDSv1, images by evidence
 * verdict, and the notes (launch templates whose image is an SSM parameter). Empty without `--fleet`.
 */
export function fleetLines(report: Pick<ScanReport, 'summary'>): string[] {
  const fleet = report.summary.fleet;
  if (!fleet) return [];
  const { instances } = fleet;
  const lines = [`Fleet: ${instances.total} instance${instances.total === 1 ? '' : 's'} of these images (${instances.running} running), ${instances.imdsV1Allowed} allow IMDSv1`];
  if (fleet.byEvidence) {
    const verdicts = Object.entries(fleet.byEvidence).map(([verdict, count]) => `${count} ${verdict}`);
    lines.push(`Evidence (CloudWatch MetadataNoToken): ${verdicts.join(', ')}`);
  }
  for (const note of fleet.notes) lines.push(`Note: ${stripControlSequences(note.message)}`);
  return lines;
}

/** Returns the one-line summary: verdict totals, finding totals, completeness. */
export function summaryLine(report: Pick<ScanReport, 'summary'>, paint: ChalkInstance = new Chalk({ level: 0 })): string {
  const { summary } = report;
  const verdicts = `${summary.images} image${summary.images === 1 ? '' : 's'}: ${summary.byReadiness.ready} ready, ${summary.byReadiness['not-ready']} not ready, ${summary.byReadiness.unknown} unknown`;
  const severities = [...SEVERITIES]
    .reverse()
    .filter((severity) => summary.bySeverity[severity] > 0)
    .map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  const suppressed = summary.suppressions?.applied ?? 0;
  const asides = [
    ...(suppressed > 0 ? [`${suppressed} suppressed`] : []),
    ...(summary.baseline ? [`against the baseline: ${summary.baseline.new} new, ${summary.baseline.updated} updated, ${summary.baseline.unchanged} unchanged, ${summary.baseline.absent} gone`] : []),
  ];
  const findings = `findings: ${severities.length > 0 ? severities.join(', ') : 'none'}${asides.length > 0 ? ` (${asides.join('; ')})` : ''}`;
  const completeness = summary.complete
    ? 'scan complete'
    : paint.red.bold(`SCAN INCOMPLETE: ${summary.errors} error${summary.errors === 1 ? '' : 's'}`);
  return `${verdicts}; ${findings}; ${completeness}`;
}

function paintReadiness(paint: ChalkInstance, readiness: Readiness): string {
  const label = READINESS_LABEL[readiness];
  if (readiness === 'ready') return paint.green(label);
  if (readiness === 'not-ready') return paint.red.bold(label);
  return paint.yellow.bold(label);
}

function paintSeverity(paint: ChalkInstance, severity: Severity): string {
  const colours: Record<Severity, ChalkInstance> = {
    critical: paint.bgRed.white.bold,
    high: paint.red,
    medium: paint.yellow,
    low: paint.cyan,
    info: paint.gray,
  };
  return colours[severity](severity);
}

/** Colour codes take no room on the screen: they are left out when a line is measured. */
const COLOUR_CODE = /\x1b\[[0-9;]*m/g;

/** Splits a line at spaces into lines no wider than `width` (visible characters); a word longer than that stays whole. */
export function wrapWords(text: string, width: number | undefined): string[] {
  if (width === undefined || text.replace(COLOUR_CODE, '').length <= width) return [text];
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (current !== '' && candidate.replace(COLOUR_CODE, '').length > width) {
      lines.push(current);
      current = word;
    } else {
      current = candidate;
    }
  }
  lines.push(current);
  return lines;
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
