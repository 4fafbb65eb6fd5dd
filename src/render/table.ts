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
}

const READINESS_LABEL: Record<Readiness, string> = { ready: 'ready', 'not-ready': 'NOT READY', unknown: 'UNKNOWN' };

/** Returns the table for people: one row per image, then a summary line. */
export function renderTable(result: ScanResult, options: TableOptions): string {
  const paint = new Chalk({ level: options.color ? 1 : 0 });
  const maxNameLength = options.maxNameLength ?? 48;
  // The account column appears once the scan knows accounts (a live scan); a saved document has none.
  const showAccount = result.images.some((image) => image.accountId !== null);
  const table = new Table({
    head: ['Image ID', 'Name', ...(showAccount ? ['Account'] : []), 'Region', 'IMDS', 'Boot', 'TPM', 'Verdict', 'Findings'],
    style: { head: options.color ? ['bold'] : [], border: options.color ? ['grey'] : [] },
  });
  for (const image of result.images) {
    table.push([
      image.imageId,
      truncate(stripControlSequences(image.name ?? '-'), maxNameLength),
      ...(showAccount ? [image.accountId ?? '-'] : []),
      image.region || '-',
      image.imdsSupport === 'v2.0' ? 'v2.0' : image.imdsSupport === null ? 'v1 allowed' : stripControlSequences(image.imdsSupport),
      bootLabel(image),
      image.tpmSupport === null ? '-' : stripControlSequences(image.tpmSupport),
      paintReadiness(paint, image.readiness),
      image.findings.map((finding) => `${paintSeverity(paint, finding.severity)} ${finding.ruleId}`).join('\n') || '-',
    ]);
  }
  const empty = result.summary.complete ? 'No images matched.' : 'No images were read.';
  const lines = result.images.length > 0 ? [table.toString()] : [empty];
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
  return image.bootMode === null ? `${image.effectiveBootMode} (default)` : stripControlSequences(image.bootMode);
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

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}
