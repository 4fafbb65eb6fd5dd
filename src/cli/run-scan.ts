import { Baseline } from '../core/baseline.js';
import { EXIT, gate } from '../core/policy.js';
import { scanDocument } from '../core/scan-document.js';
import { Suppressor, type SuppressionReport } from '../core/suppressions.js';
import type { ScanError, SkippedRegion } from '../core/types.js';
import { readIgnoreFile } from '../input/read-ignore-file.js';
import { readImagesDocument } from '../input/read-images-document.js';
import { readReport } from '../input/read-report.js';
import type { RenderContext, ScanReport, ToolInfo } from '../render/index.js';
import { terminalSafe } from '../render/sanitize.js';
import { errorLines } from './error-lines.js';
import type { RawScanOptions } from './options.js';
import { fileSink, ReportFanOut, stdoutSink } from './report-sinks.js';
import { shouldColor, type CliIo } from './terminal.js';
import { validateScanOptions, type ScanSettings } from './validate-options.js';

/** Runs `ami-audit scan` and returns its exit status. Usage errors are thrown as `AmiAuditError`. */
export async function runScan(raw: RawScanOptions, io: CliIo, tool: ToolInfo): Promise<number> {
  const settings = validateScanOptions(raw, io.env);
  // Files the scan reads come before the files it writes: a bad ignore file or baseline leaves no empty report behind.
  const ignoreFile = await readIgnoreFile(settings.ignoreFile, process.cwd());
  const comparisons: Comparisons = {
    ...(ignoreFile ? { suppressor: new Suppressor(ignoreFile.entries, new Date()) } : {}),
    ...(settings.baseline !== undefined ? { baseline: await readBaseline(settings.baseline, io, settings.quiet) } : {}),
  };
  const width = (io.stdout as { columns?: number }).columns;
  const context: RenderContext = { tool, color: shouldColor(settings.colorAllowed, io), includeSuppressed: settings.sarifIncludeSuppressed, ...(io.stdout.isTTY && width ? { width } : {}) };
  // Files are plain text: no colour and no terminal width.
  const fileContext: RenderContext = { tool, color: false, includeSuppressed: settings.sarifIncludeSuppressed };
  const reports = new ReportFanOut([
    stdoutSink(settings.output, context, io.stdout),
    ...settings.reports.map((report) => fileSink(report.format, report.path, fileContext, `--report ${report.format}=${report.path}`)),
    ...(settings.stepSummary ? [fileSink('markdown', settings.stepSummary, fileContext, '--step-summary', true)] : []),
  ]);
  let report: ScanReport;
  try {
    // A saved document needs no AWS call: the SDK is loaded only for a live scan.
    report = settings.input !== undefined ? await scanInput(settings, io, reports, comparisons) : await (await import('./scan-aws.js')).scanAws(settings, io, reports, comparisons);
  } catch (error) {
    reports.abandon();
    throw error;
  }

  for (const skipped of report.skipped) if (!settings.quiet) io.stderr.write(`${terminalSafe(`ami-audit: ${skippedLine(skipped)}`)}\n`);
  const severalAccounts = report.scope.accounts.length > 1;
  for (const line of errorLines(report.errors, (error) => formatScanError(error, severalAccounts), severalAccounts)) io.stderr.write(`ami-audit: error: ${line}\n`);
  if (ignoreFile && report.summary.suppressions && !settings.quiet) {
    for (const line of suppressionLines(ignoreFile.path, report.summary.suppressions)) io.stderr.write(`ami-audit: warning: ${terminalSafe(line)}\n`);
  }
  const { notices, failures } = reports.end(report);
  for (const notice of notices) if (!settings.quiet) io.stderr.write(`ami-audit: warning: ${notice}\n`);
  for (const failure of failures) io.stderr.write(`ami-audit: error: ${terminalSafe(failure)}\n`);
  if (failures.length > 0) return EXIT.incomplete;
  // The verdict comes from the summary's counts, which every path and every format keeps.
  return gate(report.summary, settings.failOn).exitCode;
}

/** Classifies a saved document and hands each image to the reports; returns the report without them. */
async function scanInput(settings: ScanSettings, io: CliIo, reports: ReportFanOut, comparisons: Comparisons): Promise<ScanReport> {
  const region = Array.isArray(settings.regions) && settings.regions.length === 1 ? settings.regions[0]! : null;
  const { images: records, warnings } = await readImagesDocument(settings.input!, region);
  // Values from the file in a warning were made safe to print where the warning was written.
  if (!settings.quiet) for (const warning of warnings) io.stderr.write(`ami-audit: warning: ${warning}\n`);
  const { images, ...report } = scanDocument(records, { checks: settings.checks, input: settings.input!, region, ...comparisons });
  for (const image of images) reports.image(image);
  return report;
}

/** One line for something not scanned on purpose: a region of an account, or (region "all") a whole account. */
export function skippedLine(skipped: SkippedRegion): string {
  const account = `${skipped.accountId ?? ''}${skipped.accountName ? ` (${skipped.accountName})` : ''}`;
  if (skipped.region === 'all' && skipped.accountId) return `skipped account ${account}: ${skipped.reason}`;
  return `skipped ${skipped.region}${skipped.accountId ? ` in ${account}` : ''}: ${skipped.reason}`;
}

/** One line for an error of the scan; the message came partly from AWS, so it is made safe to print. */
export function formatScanError(error: ScanError, nameAccount: boolean): string {
  const account = nameAccount && error.accountId && !error.message.includes(error.accountId) ? ` [account ${error.accountId}]` : '';
  return terminalSafe(`${error.message}${error.awsCode && !error.message.includes(error.awsCode) ? ` [${error.awsCode}]` : ''}${account}`);
}

/** Lines for stderr about the ignore file: entries that stopped working, that are broken, or that matched nothing. */
export function suppressionLines(path: string, report: SuppressionReport): string[] {
  return [
    ...report.expired.map((entry) => `${path}: suppressions[${entry.index}] (${entry.rule}) expired on ${entry.expires} and no longer suppresses anything: fix the finding or renew the entry with a reason`),
    ...report.invalid.map((entry) => `${path}: suppressions[${entry.index}] (${entry.rule}) suppresses nothing: ${entry.problem}`),
    ...report.unused.map((entry) => `${path}: suppressions[${entry.index}] (${entry.rule}) matched no finding: remove it if the exception is gone`),
  ];
}

/** What a scan compares its findings with: known exceptions, and an earlier report. */
export interface Comparisons {
  suppressor?: Suppressor;
  baseline?: Baseline;
}

/** Reads `--baseline`, an earlier ami-audit report; a malformed one is a usage error before any API call. */
async function readBaseline(path: string, io: CliIo, quiet: boolean): Promise<Baseline> {
  const previous = await readReport(path);
  if (!previous.complete && !quiet) {
    io.stderr.write(`ami-audit: warning: ${terminalSafe(`--baseline ${path} comes from an incomplete scan: findings of what it did not read count as new`)}\n`);
  }
  return new Baseline(previous.images);
}
