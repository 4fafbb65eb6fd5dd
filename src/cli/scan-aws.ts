import { createAccountPorts } from '../aws/accounts.js';
import type { ApiCallEvent, AwsClientSettings } from '../aws/client-config.js';
import { noRegionError } from '../aws/ec2-sdk.js';
import { checkProfilesExist, readSharedConfig, regionFor } from '../aws/shared-config.js';
import { closestRegion, isRegionShaped, KNOWN_REGIONS } from '../core/region-names.js';
import { scan, type ScanObserver } from '../core/scan.js';
import { planOrganization } from '../core/plan-organization.js';
import type { ScanReport } from '../render/index.js';
import type { Comparisons } from './run-scan.js';
import { AmiAuditError } from '../errors.js';
import { terminalSafe } from '../render/sanitize.js';
import { ScanProgress, startProgressLine } from './progress.js';
import type { ReportFanOut } from './report-sinks.js';
import type { CliIo } from './terminal.js';
import type { ScanSettings } from './validate-options.js';

/**
 * Scans AWS (or an EC2-compatible endpoint) with the SDK. Each image goes to the renderer as soon as
 * it is classified and is not kept, so memory stays flat in every format; progress goes to stderr.
 */
export async function scanAws(settings: ScanSettings, io: CliIo, reports: Pick<ReportFanOut, 'image' | 'error'>, comparisons: Comparisons = {}): Promise<ScanReport> {
  const homeRegion = await homeRegionsFor(settings, io.env);
  for (const region of Array.isArray(settings.regions) ? settings.regions : []) {
    // Only the shape of a name is an error (AWS adds regions), but a near miss deserves a word.
    if (!KNOWN_REGIONS.includes(region) && !settings.quiet) {
      io.stderr.write(`ami-audit: warning: ${region} is not a region ami-audit knows (did you mean ${closestRegion(region)}?): scanning it anyway, as AWS adds regions\n`);
    }
  }
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
  const organization = settings.org ? await listOrganization(settings, clientSettings, homeRegion(settings.profiles[0]), onCall) : undefined;
  const accounts = organization
    ? organization.accounts
    : createAccountPorts(
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
      if (!settings.quiet) io.stderr.write(`${showProgress ? '\r\x1b[K' : ''}ami-audit: warning: ${terminalSafe(message)}\n`);
    },
    onRegionStart: () => progress.onRegionStart(),
    onRegionDone: () => progress.onRegionDone(),
  };
  try {
    const { images: _streamed, ...report } = await scan(
      {
        regions: settings.regions === 'all' ? 'all' : settings.regions.length > 0 ? settings.regions : 'home',
        query: settings.query,
        checks: settings.checks,
        attributes: settings.attributes,
        ...(settings.evidenceDays !== undefined ? { evidenceDays: settings.evidenceDays } : {}),
        concurrency: settings.concurrency,
        regionConcurrency: settings.regionConcurrency,
        accountConcurrency: settings.accountConcurrency,
        ...(settings.timeoutMs !== undefined ? { timeoutMs: settings.timeoutMs } : {}),
        ...comparisons,
      },
      { accounts, observer, collectImages: false, ...(organization ? { organization: organization.plan } : {}) },
    );
    return report;
  } finally {
    progressLine?.stop();
    for (const account of accounts) account.destroy();
    organization?.destroy();
  }
}

/**
 * Lists the organization with the caller's credentials (the first --profile or the default chain) and
 * returns the account ports of the accounts chosen, with the plan that chose them.
 */
async function listOrganization(settings: ScanSettings, clientSettings: AwsClientSettings, region: string, onCall: (event: ApiCallEvent) => void) {
  // Loaded only for --org: a scan of named accounts never pays for the Organizations client.
  const { SdkOrganizationPort, createOrganizationAccountPorts } = await import('../aws/organization.js');
  const profile = settings.profiles[0];
  const callerSettings = profile ? { ...clientSettings, profile } : clientSettings;
  const port = new SdkOrganizationPort(callerSettings, region, onCall);
  let plan;
  try {
    plan = await planOrganization(port, settings.org!);
  } finally {
    port.destroy();
  }
  const access = { role: settings.org!.role, ...(profile ? { profile } : {}), ...(settings.externalId ? { externalId: settings.externalId } : {}) };
  const { accounts, destroy } = createOrganizationAccountPorts(plan.accounts, access, clientSettings, region, onCall);
  return { plan, accounts, destroy };
}

/**
 * Returns each account's home region, by profile (undefined: the default chain), after checking,
 * before any network call, that every profile named exists and that every account has a region.
 *
 * With `--region` names, account-level calls (STS) go to the first of them, which keeps them in the
 * partition the user chose. Otherwise each profile brings its own region, as the AWS CLI picks it
 * (`AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`); `--region all` falls back to us-east-1.
 */
async function homeRegionsFor(settings: ScanSettings, env: NodeJS.ProcessEnv): Promise<(profile: string | undefined) => string> {
  const config = await readSharedConfig(env);
  // With --role-arn only the first profile is used, as the source of the AssumeRole calls.
  const used = settings.roleArns.length > 0 ? settings.profiles.slice(0, 1) : settings.profiles;
  checkProfilesExist(used.length > 0 ? used : env.AWS_PROFILE ? [env.AWS_PROFILE] : [], config);
  if (Array.isArray(settings.regions) && settings.regions.length > 0) {
    const first = settings.regions[0]!;
    return () => first;
  }
  const regions = new Map<string | undefined, string>();
  for (const profile of used.length > 0 ? used : [undefined]) {
    const region = regionFor(profile, config, env);
    if (region && !isRegionShaped(region)) {
      throw new AmiAuditError(
        'Usage',
        `The region "${terminalSafe(region)}" set for ${profile ? `profile "${terminalSafe(profile)}"` : 'the default profile'} (by AWS_REGION, AWS_DEFAULT_REGION or the profile's region) is not a region name: did you mean ${closestRegion(region)}?`,
      );
    }
    if (region) regions.set(profile, region);
    else if (settings.regions !== 'all') throw noRegionError(profile);
  }
  return (profile) => regions.get(profile) ?? 'us-east-1';
}

/** One `--verbose` line for an API call: action, region, duration, attempts, request id or error; the region, image id, request id and error code came from outside and are made safe. */
export function formatCall(event: ApiCallEvent): string {
  const outcome = event.errorCode ? `error=${event.errorCode}` : `requestId=${event.requestId ?? '-'}`;
  return terminalSafe(`[api] ${event.action} ${event.region}${event.imageId ? ` ${event.imageId}` : ''} ${event.durationMs}ms attempts=${event.attempts} ${outcome}`);
}
