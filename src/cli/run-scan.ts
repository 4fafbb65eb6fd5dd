import { createAccountPorts } from '../aws/accounts.js';
import type { ApiCallEvent, AwsClientSettings } from '../aws/client-config.js';
import { resolveDefaultRegion } from '../aws/ec2-sdk.js';
import { gateExitCode } from '../core/policy.js';
import { scan, type ScanObserver } from '../core/scan.js';
import { scanDocument } from '../core/scan-document.js';
import type { ScanError, ScanResult } from '../core/types.js';
import { readImagesDocument } from '../input/read-images-document.js';
import { renderCsv } from '../render/csv.js';
import { renderJson, type ToolInfo } from '../render/json.js';
import { renderNdjsonError, renderNdjsonImage, renderNdjsonSummary } from '../render/ndjson.js';
import { stripControlSequences } from '../render/sanitize.js';
import { renderTable } from '../render/table.js';
import type { RawScanOptions } from './options.js';
import { ScanProgress, startProgressLine } from './progress.js';
import { shouldColor, type CliIo } from './terminal.js';
import { validateScanOptions, type ScanSettings } from './validate-options.js';

/** Runs `ami-audit scan` and returns its exit status. Usage errors are thrown as `AmiAuditError`. */
export async function runScan(raw: RawScanOptions, io: CliIo, tool: ToolInfo): Promise<number> {
  const settings = validateScanOptions(raw, io.env);
  const result = settings.input !== undefined ? await scanInput(settings, io) : await scanAws(settings, io);

  for (const skipped of result.skipped) {
    if (!settings.quiet) io.stderr.write(`ami-audit: skipped ${skipped.region}${skipped.accountId ? ` in ${skipped.accountId}` : ''}: ${skipped.reason}\n`);
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

async function scanAws(settings: ScanSettings, io: CliIo): Promise<ScanResult> {
  const explicitRegions = settings.regions === 'all' ? [] : settings.regions;
  const homeRegion = explicitRegions[0] ?? (await homeRegionFor(settings));
  const progress = new ScanProgress();
  const onCall = (event: ApiCallEvent): void => {
    progress.onCall(event);
    if (settings.verbose) io.stderr.write(`${formatCall(event)}\n`);
  };
  const clientSettings: AwsClientSettings = {
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    requestTimeoutMs: settings.requestTimeoutMs,
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
    ...(settings.attributeRate ? { attributeRate: settings.attributeRate } : {}),
  };
  const accounts = createAccountPorts(
    { profiles: settings.profiles, roleArns: settings.roleArns, ...(settings.externalId ? { externalId: settings.externalId } : {}) },
    clientSettings,
    homeRegion,
    onCall,
  );
  // The progress line is for a person at a terminal; verbose logs, or NDJSON lines streaming to the
  // same terminal, would tear it apart.
  const streamsToTerminal = settings.output === 'ndjson' && io.stdout.isTTY === true;
  const showProgress = io.stderr.isTTY === true && !settings.quiet && !settings.verbose && !streamsToTerminal;
  const progressLine = showProgress ? startProgressLine(progress, io.stderr) : undefined;
  const streaming = settings.output === 'ndjson';
  const observer: ScanObserver = {
    onImage: (image) => {
      progress.onImage();
      if (streaming) io.stdout.write(renderNdjsonImage(image));
    },
    onError: (error) => {
      progress.onError();
      if (streaming) io.stdout.write(renderNdjsonError(error));
    },
    onWarning: (message) => {
      if (!settings.quiet) io.stderr.write(`${showProgress ? '\r\x1b[K' : ''}ami-audit: warning: ${stripControlSequences(message)}\n`);
    },
    onRegionStart: () => progress.onRegionStart(),
    onRegionDone: () => progress.onRegionDone(),
  };
  try {
    return await scan(
      {
        regions: settings.regions === 'all' ? 'all' : explicitRegions.length > 0 ? explicitRegions : [homeRegion],
        query: settings.query,
        checks: settings.checks,
        attributes: settings.attributes,
        concurrency: settings.concurrency,
        regionConcurrency: settings.regionConcurrency,
        ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
      },
      { accounts, observer, collectImages: !streaming },
    );
  } finally {
    progressLine?.stop();
    for (const account of accounts) account.destroy();
    }
}

/** The region for account-level calls (STS, DescribeRegions): the SDK's default, or us-east-1 for `--region all`. */
async function homeRegionFor(settings: ScanSettings): Promise<string> {
  try {
    return await resolveDefaultRegion(settings.profiles[0]);
  } catch (error) {
    if (settings.regions === 'all') return 'us-east-1';
    throw error;
  }
}

/** One line for an error of the scan; the message came partly from AWS, so it is made safe to print. */
export function formatScanError(error: ScanError, nameAccount: boolean): string {
  const account = nameAccount && error.accountId && !error.message.includes(error.accountId) ? ` [account ${error.accountId}]` : '';
  return stripControlSequences(`${error.message}${error.awsCode && !error.message.includes(error.awsCode) ? ` [${error.awsCode}]` : ''}${account}`);
}

/** One `--verbose` line for an API call: action, region, duration, attempts, request id or error. */
function formatCall(event: ApiCallEvent): string {
  const outcome = event.errorCode ? `error=${event.errorCode}` : `requestId=${event.requestId ?? '-'}`;
  return `[api] ${event.action} ${event.region}${event.imageId ? ` ${event.imageId}` : ''} ${event.durationMs}ms attempts=${event.attempts} ${stripControlSequences(outcome)}`;
}
