import { createAccountPorts } from '../aws/accounts.js';
import type { AwsClientSettings } from '../aws/client-config.js';
import { noRegionError } from '../aws/ec2-sdk.js';
import { checkProfilesExist, readSharedConfig, regionFor } from '../aws/shared-config.js';
import { runFixPlan, type FixDeps, type FixOutcome, type FixRequest } from '../core/fix.js';
import type { FixTarget } from '../core/fix-plan.js';
import type { FixSettings } from './fix-options.js';
import { formatCall } from './scan-aws.js';
import type { CliIo } from './terminal.js';

/**
 * Runs the fix against AWS (or an EC2-compatible endpoint) with the SDK: the accounts of
 * `--profile`/`--role-arn` (or the default chain), clients with the user's retry settings, and for
 * each region a writer paced under EC2's bucket of mutating calls. `--image-ids` without `--region`
 * look in the account's own region. Every client is destroyed at the end.
 */
export async function fixAws(settings: FixSettings, targets: FixTarget[], request: Omit<FixRequest, 'targets'>, confirm: FixDeps['confirm'], io: CliIo): Promise<FixOutcome> {
  const config = await readSharedConfig(io.env);
  // With --role-arn only the first profile is used, as the source of the AssumeRole calls.
  const used = settings.roleArns.length > 0 ? settings.profiles.slice(0, 1) : settings.profiles;
  checkProfilesExist(used.length > 0 ? used : io.env.AWS_PROFILE ? [io.env.AWS_PROFILE] : [], config);
  const homeRegion = (profile: string | undefined): string => {
    const region = settings.regions[0] ?? regionFor(profile, config, io.env);
    if (region) return region;
    // A report gives each image's region: only STS needs one then, and any region answers it.
    if (settings.from !== undefined) return 'us-east-1';
    throw noRegionError(profile);
  };
  const clientSettings: AwsClientSettings = {
    maxAttempts: settings.maxAttempts,
    retryMode: settings.retryMode,
    requestTimeoutMs: settings.requestTimeoutMs,
    ...(settings.endpointUrl ? { endpointUrl: settings.endpointUrl } : {}),
  };
  const accounts = createAccountPorts(
    { profiles: settings.profiles, roleArns: settings.roleArns, ...(settings.externalId ? { externalId: settings.externalId } : {}) },
    clientSettings,
    homeRegion,
    settings.verbose ? (event) => io.stderr.write(`${formatCall(event)}\n`) : undefined,
  );
  try {
    // --image-ids without --region are in the one account's own region; a report's images keep theirs.
    const home = accounts[0]!.homeRegion ?? null;
    const placed = settings.from === undefined ? targets.map((target) => ({ ...target, region: target.region ?? home })) : targets;
    // --timeout counts from the start, a prompt included: it is meant for unattended runs.
    const signal = settings.timeoutMs !== undefined ? AbortSignal.timeout(settings.timeoutMs) : undefined;
    return await runFixPlan({ ...request, targets: placed, ...(signal ? { signal } : {}) }, { accounts, confirm });
  } finally {
    for (const account of accounts) account.destroy();
  }
}
