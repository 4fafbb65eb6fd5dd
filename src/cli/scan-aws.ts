import { createAccountPorts } from '../aws/accounts.js';
import type { ApiCallEvent, AwsClientSettings } from '../aws/client-config.js';
import { resolveDefaultRegion } from '../aws/ec2-sdk.js';
import { scan, type ScanObserver } from '../core/scan.js';
import type { ScanResult } from '../core/types.js';
import { renderNdjsonError, renderNdjsonImage } from '../render/ndjson.js';
import { terminalSafe } from '../render/sanitize.js';
import { ScanProgress, startProgressLine } from './progress.js';
import type { CliIo } from './terminal.js';
import type { ScanSettings } from './validate-options.js';

/** Scans AWS (or an EC2-compatible endpoint) with the SDK; streams NDJSON lines and progress as it goes. */
export async function scanAws(settings: ScanSettings, io: CliIo): Promise<ScanResult> {
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
      if (!settings.quiet) io.stderr.write(`${showProgress ? '\r\x1b[K' : ''}ami-audit: warning: ${terminalSafe(message)}\n`);
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

/** One `--verbose` line for an API call: action, region, duration, attempts, request id or error; the region, image id, request id and error code came from outside and are made safe. */
function formatCall(event: ApiCallEvent): string {
  const outcome = event.errorCode ? `error=${event.errorCode}` : `requestId=${event.requestId ?? '-'}`;
  return terminalSafe(`[api] ${event.action} ${event.region}${event.imageId ? ` ${event.imageId}` : ''} ${event.durationMs}ms attempts=${event.attempts} ${outcome}`);
}
