import { gate } from '../core/policy.js';
import { scanDocument } from '../core/scan-document.js';
import type { ScanError } from '../core/types.js';
import { readImagesDocument } from '../input/read-images-document.js';
import { OUTPUT_FORMATS, type ReportRenderer, type ScanReport, type ToolInfo } from '../render/index.js';
import { stripControlSequences } from '../render/sanitize.js';
import type { RawScanOptions } from './options.js';
import { shouldColor, type CliIo } from './terminal.js';
import { validateScanOptions, type ScanSettings } from './validate-options.js';

/** Runs `ami-audit scan` and returns its exit status. Usage errors are thrown as `AmiAuditError`. */
export async function runScan(raw: RawScanOptions, io: CliIo, tool: ToolInfo): Promise<number> {
  const settings = validateScanOptions(raw, io.env);
  const width = (io.stdout as { columns?: number }).columns;
  const renderer = OUTPUT_FORMATS[settings.output].create({
    tool,
    color: shouldColor(settings.colorAllowed, io),
    ...(io.stdout.isTTY && width ? { width } : {}),
  });
  const write = (text: string): void => {
    if (text !== '') io.stdout.write(text);
  };
  write(renderer.begin());
  // A saved document needs no AWS call: the SDK is loaded only for a live scan.
  const report = settings.input !== undefined ? await scanInput(settings, renderer, write) : await (await import('./scan-aws.js')).scanAws(settings, io, renderer, write);

  for (const skipped of report.skipped) {
    if (!settings.quiet) io.stderr.write(`ami-audit: skipped ${stripControlSequences(`${skipped.region}${skipped.accountId ? ` in ${skipped.accountId}` : ''}: ${skipped.reason}`)}\n`);
  }
  const severalAccounts = report.scope.accounts.length > 1;
  for (const error of report.errors) io.stderr.write(`ami-audit: error: ${formatScanError(error, severalAccounts)}\n`);
  write(renderer.end(report));
  // The verdict comes from the summary's counts, which every path and every format keeps.
  return gate(report.summary, settings.failOn).exitCode;
}

/** Classifies a saved document and hands each image to the renderer; returns the report without them. */
async function scanInput(settings: ScanSettings, renderer: ReportRenderer, write: (text: string) => void): Promise<ScanReport> {
  const region = Array.isArray(settings.regions) && settings.regions.length === 1 ? settings.regions[0]! : null;
  const records = await readImagesDocument(settings.input!, region);
  const { images, ...report } = scanDocument(records, { checks: settings.checks, input: settings.input!, region });
  for (const image of images) write(renderer.image(image));
  return report;
}

/** One line for an error of the scan; the message came partly from AWS, so it is made safe to print. */
export function formatScanError(error: ScanError, nameAccount: boolean): string {
  const account = nameAccount && error.accountId && !error.message.includes(error.accountId) ? ` [account ${error.accountId}]` : '';
  return stripControlSequences(`${error.message}${error.awsCode && !error.message.includes(error.awsCode) ? ` [${error.awsCode}]` : ''}${account}`);
}
