import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { ClassifiedImage, Readiness, ScanResult, Severity } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';
import { stripControlSequences } from './sanitize.js';

export interface TableOptions {
  /** Colour the verdicts and severities. The CLI decides from `NO_COLOR`, `--no-color` and the terminal. */
  color: boolean;
  /** Longest image name shown before it is cut with an ellipsis. */
  maxNameLength?: number;
  /** The terminal's width: names are cut further so that the table fits in it. */
  width?: number;
}

/** Narrowest the name column gets, however narrow the terminal. */
const MIN_NAME_LENGTH = 12;

/** Marks a boot mode the AMI leaves to the architecture; the legend under the table says so. */
const DEFAULT_MARK = '*';
const DEFAULT_LEGEND = `${DEFAULT_MARK} BootMode unset: the architecture's default (arm64 boots UEFI; x86_64 and i386 boot legacy BIOS)`;

const READINESS_LABEL: Record<Readiness, string> = { ready: 'ready', 'not-ready': 'NOT READY', unknown: 'UNKNOWN' };

/** Returns the table for people: one row per image, then a summary line. */
export function renderTable(result: ScanResult, options: TableOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  // The account column appears once the scan knows accounts (a live scan); a saved document has none.
  const showAccount = result.images.some((image) => image.accountId !== null);
  const head = ['Image ID', 'Name', ...(showAccount ? ['Account'] : []), 'Region', 'IMDS', 'Boot', 'TPM', 'Verdict', 'Findings'];
  // Every cell but the name, unpainted, to measure what the name may have of the width.
  const others = result.images.map((image) => [
    stripControlSequences(image.imageId),
    ...(showAccount ? [image.accountId ?? '-'] : []),
    image.region || '-',
    image.imdsSupport === 'v2.0' ? 'v2.0' : image.imdsSupport === null ? 'v1 allowed' : stripControlSequences(image.imdsSupport),
    bootLabel(image),
    image.tpmSupport === null ? '-' : stripControlSequences(image.tpmSupport),
    READINESS_LABEL[image.readiness],
    image.findings.map((finding) => `${finding.severity} ${finding.ruleId}`).join('\n') || '-',
  ]);
  const maxNameLength = nameLength(options, head, others);
  const table = new Table({ head, style: { head: options.color ? ['bold'] : [], border: options.color ? ['grey'] : [] } });
  result.images.forEach((image, index) => {
    const [imageId, ...rest] = others[index]!;
    const cells = [imageId!, truncate(stripControlSequences(image.name ?? '-'), maxNameLength), ...rest];
    cells[cells.length - 2] = paintReadiness(paint, image.readiness);
    cells[cells.length - 1] = image.findings.map((finding) => `${paintSeverity(paint, finding.severity)} ${finding.ruleId}`).join('\n') || '-';
    table.push(cells);
  });
  const empty = result.summary.complete ? 'No images matched.' : 'No images were read.';
  const lines = result.images.length > 0 ? [table.toString()] : [empty];
  if (result.images.some((image) => image.bootMode === null)) lines.push(DEFAULT_LEGEND);
  lines.push(summaryLine(result, paint));
  return `${lines.join('\n')}\n`;
}

/** Returns the one-line summary: verdict totals, finding totals, completeness. */
export function summaryLine(result: ScanResult, paint: ChalkInstance = new Chalk({ level: 0 })): string {
  const { summary } = result;
  const verdicts = `${summary.images} image${summary.images === 1 ? '' : 's'}: ${summary.byReadiness.ready} ready, ${summary.byReadiness['not-ready']} not ready, ${summary.byReadiness.unknown} unknown`;
  const severities = [...SEVERITIES]
    .reverse()
    .filter((severity) => summary.bySeverity[severity] > 0)
    .map((severity) => `${summary.bySeverity[severity]} ${severity}`);
  const findings = `findings: ${severities.length > 0 ? severities.join(', ') : 'none'}`;
  const completeness = summary.complete
    ? 'scan complete'
    : paint.red.bold(`SCAN INCOMPLETE: ${summary.errors} error${summary.errors === 1 ? '' : 's'}`);
  return `${verdicts}; ${findings}; ${completeness}`;
}

/** Shows the boot mode an instance gets, and marks one that comes from the architecture's default. */
function bootLabel(image: ClassifiedImage): string {
  return image.bootMode === null ? `${image.effectiveBootMode}${DEFAULT_MARK}` : stripControlSequences(image.bootMode);
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

/** Returns how long a name may be: the option's limit, cut further so the table fits the terminal. */
function nameLength(options: TableOptions, head: string[], others: string[][]): number {
  const limit = options.maxNameLength ?? 48;
  if (options.width === undefined) return limit;
  const widest = (texts: string[]) => Math.max(...texts.flatMap((text) => text.split('\n').map((line) => line.length)));
  const otherHeads = head.filter((_, index) => index !== 1);
  const otherWidths = otherHeads.map((title, column) => widest([title, ...others.map((row) => row[column]!)]));
  // Each column has a space of padding on both sides, and columns + 1 borders.
  const used = otherWidths.reduce((sum, width) => sum + width + 2, 0) + 2 + head.length + 1;
  return Math.max(MIN_NAME_LENGTH, Math.min(limit, options.width - used));
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
