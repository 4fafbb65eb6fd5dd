import { createAccountPorts } from '../aws/accounts.js';
import type { ApiCallEvent, AwsClientSettings } from '../aws/client-config.js';
import { resolveDefaultRegion } from '../aws/ec2-sdk.js';
import { scan, type ScanObserver } from '../core/scan.js';
import type { ScanReport } from '../render/index.js';
import { stripControlSequences } from '../render/sanitize.js';
import { ScanProgress, startProgressLine } from './progress.js';
import type { ReportFanOut } from './report-sinks.js';
import type { CliIo } from './terminal.js';
import type { ScanSettings } from './validate-options.js';

/**
 * Scans AWS (or an EC2-compatible endpoint) with the SDK. Each image goes to the renderer as soon as
 * it is classified and is not kept, so memory stays flat in every format; progress goes to stderr.
 */
export async function scanAws(settings: ScanSettings, io: CliIo, reports: Pick<ReportFanOut, 'image' | 'error'>): Promise<ScanReport> {
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
  // The progress line is for a person at a terminal; verbose logs, or a report streaming to the same
  // terminal (every format but the table, which prints at the end), would tear it apart.
  const streamsToTerminal = settings.output !== 'table' && io.stdout.isTTY === true;
  const showProgress = io.stderr.isTTY === true && !settings.quiet && !settings.verbose && !streamsToTerminal;
  const progressLine = showProgress ? startProgressLine(progress, io.stderr) : undefined;
  const observer: ScanObserver = {
    onImage: (image) => {
      progress.onImage();
      reports.image(image);
    },
    onError: (error) => {
      progress.onError();
      reports.error(error);
    },
    onWarning: (message) => {
      if (!settings.quiet) io.stderr.write(`${showProgress ? '\r\x1b[K' : ''}ami-audit: warning: ${stripControlSequences(message)}\n`);
    },
    onRegionStart: () => progress.onRegionStart(),
    onRegionDone: () => progress.onRegionDone(),
  };
  try {
    const { images: _streamed, ...report } = await scan(
      {
        regions: settings.regions === 'all' ? 'all' : explicitRegions.length > 0 ? explicitRegions : [homeRegion],
        query: settings.query,
        checks: settings.checks,
        attributes: settings.attributes,
        concurrency: settings.concurrency,
        regionConcurrency: settings.regionConcurrency,
        ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
      },
      { accounts, observer, collectImages: false },
    );
    return report;
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

/** One `--verbose` line for an API call: action, region, duration, attempts, request id or error. */
function formatCall(event: ApiCallEvent): string {
  const outcome = event.errorCode ? `error=${event.errorCode}` : `requestId=${event.requestId ?? '-'}`;
  return `[api] ${event.action} ${event.region}${event.imageId ? ` ${event.imageId}` : ''} ${event.durationMs}ms attempts=${event.attempts} ${stripControlSequences(outcome)}`;
}
