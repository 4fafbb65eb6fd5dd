import { gateExitCode } from '../core/policy.js';
import { scanDocument } from '../core/scan-document.js';
import type { ScanError, ScanResult } from '../core/types.js';
import { readImagesDocument } from '../input/read-images-document.js';
import { renderCsv } from '../render/csv.js';
import { renderJson, type ToolInfo } from '../render/json.js';
import { renderNdjsonImage, renderNdjsonSummary } from '../render/ndjson.js';
import { terminalSafe } from '../render/sanitize.js';
import { renderTable } from '../render/table.js';
import type { RawScanOptions } from './options.js';
import { shouldColor, type CliIo } from './terminal.js';
import { validateScanOptions, type ScanSettings } from './validate-options.js';

/** Runs `ami-audit scan` and returns its exit status. Usage errors are thrown as `AmiAuditError`. */
export async function runScan(raw: RawScanOptions, io: CliIo, tool: ToolInfo): Promise<number> {
  const settings = validateScanOptions(raw, io.env);
  // A saved document needs no AWS call: the SDK is loaded only for a live scan.
  const result = settings.input !== undefined ? await scanInput(settings, io) : await (await import('./scan-aws.js')).scanAws(settings, io);

  for (const skipped of result.skipped) {
    if (!settings.quiet) io.stderr.write(`${terminalSafe(`ami-audit: skipped ${skipped.region}${skipped.accountId ? ` in ${skipped.accountId}` : ''}: ${skipped.reason}`)}\n`);
  }
  const severalAccounts = result.scope.accounts.length > 1;
  for (const error of result.errors) io.stderr.write(`ami-audit: error: ${formatScanError(error, severalAccounts)}\n`);
  if (settings.output === 'json') io.stdout.write(renderJson(result, tool));
  else if (settings.output === 'ndjson') io.stdout.write(renderNdjsonSummary(result, tool));
  else if (settings.output === 'csv') io.stdout.write(renderCsv(result));
  else {
    const width = (io.stdout as { columns?: number }).columns;
    io.stdout.write(renderTable(result, { color: shouldColor(settings.colorAllowed, io), ...(io.stdout.isTTY && width ? { width } : {}) }));
  }
  return gateExitCode(result, settings.failOn);
}

async function scanInput(settings: ScanSettings, io: CliIo): Promise<ScanResult> {
  const region = Array.isArray(settings.regions) && settings.regions.length === 1 ? settings.regions[0]! : null;
  const images = await readImagesDocument(settings.input!, region);
  const result = scanDocument(images, { checks: settings.checks, input: settings.input!, region });
  if (settings.output === 'ndjson') for (const image of result.images) io.stdout.write(renderNdjsonImage(image));
  return result;
}

/** One line for an error of the scan; the message came partly from AWS, so it is made safe to print. */
export function formatScanError(error: ScanError, nameAccount: boolean): string {
  const account = nameAccount && error.accountId && !error.message.includes(error.accountId) ? ` [account ${error.accountId}]` : '';
  return terminalSafe(`${error.message}${error.awsCode && !error.message.includes(error.awsCode) ? ` [${error.awsCode}]` : ''}${account}`);
}
