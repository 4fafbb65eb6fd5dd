/**
 * The options of `ami-audit fix`, as data (commander and `--help` are made from this list), and their
 * validation. This module loads nothing heavy: `--help` must start fast.
 */
import { EVIDENCE_VERDICTS, type EvidenceVerdict } from '../core/fix-plan.js';
import { closestRegion, isRegionShaped } from '../core/region-names.js';
import { endpointUrl, imageIdList, integerIn, maxAttempts, oneOf, retryMode, roleArns as roleArnList, secondsIn, usage } from './option-values.js';
import { stripControlSequences } from '../render/sanitize.js';

/** One option of `fix`: its flags, its help text, and its default when it has one. */
export interface FixOptionSpec {
  flags: string;
  description: string;
  defaultValue?: string | number;
}

/** The formats of `ami-audit fix --output`. */
export const FIX_OUTPUTS = ['table', 'json'] as const;
export type FixOutput = (typeof FIX_OUTPUTS)[number];

export const FIX_OPTIONS: FixOptionSpec[] = [
  { flags: '--image-ids <ids...>', description: 'the images to flag (in one region: --region, or the account\'s own); with --from, only these images of the report' },
  { flags: '--from <report>', description: 'flag the images of an ami-audit report (JSON or NDJSON of "scan"), each in the account and region the report gives' },
  { flags: '--only <verdicts...>', description: `with --from: only images whose evidence verdict ("scan --evidence") is one of ${EVIDENCE_VERDICTS.join(', ')}` },
  { flags: '--apply', description: 'make the change (after confirmation); without it every call is a dry run and nothing changes' },
  { flags: '--yes', description: 'with --apply: do not ask for confirmation (for CI; required when stdin is not a terminal)' },
  { flags: '--force-blocked', description: 'also flag images whose evidence verdict is blocked (their instances still use IMDSv1)' },
  { flags: '--region <names...>', description: 'the region of --image-ids (one); with --from, only images in these regions (default: the account\'s own region for --image-ids)' },
  { flags: '--profile <names...>', description: 'named profiles, one account each (default: AWS_PROFILE, then the SDK\'s credential chain)' },
  { flags: '--role-arn <arns...>', description: 'IAM roles to assume, one account each (source credentials: the first --profile or the default chain)' },
  { flags: '--external-id <id>', description: 'external id for --role-arn' },
  { flags: '--endpoint-url <url>', description: 'send EC2 and STS calls to this URL instead of AWS (an EC2-compatible endpoint such as the bundled emulator)' },
  { flags: '--concurrency <n>', description: 'most ModifyImageAttribute calls in flight (1-50); the calls are also paced under EC2\'s bucket for mutating calls (50 burst, 5 per second)', defaultValue: 5 },
  { flags: '--output <format>', description: 'table (for people) or json (schema/fix-result.v1.json)', defaultValue: 'table' },
  { flags: '--max-attempts <n>', description: 'attempts per API call for 5xx, network errors and request timeouts (1-50; default: AWS_MAX_ATTEMPTS or 10)' },
  { flags: '--retry-mode <mode>', description: 'how a throttled client waits: adaptive or standard (default: AWS_RETRY_MODE or adaptive)' },
  { flags: '--request-timeout <seconds>', description: 'seconds one API attempt may take', defaultValue: 20 },
  { flags: '--timeout <seconds>', description: 'seconds the whole run may take; then the calls still waiting (throttled ones wait) stop, and their images fail (exit 3)' },
  { flags: '--verbose', description: 'log each API call on stderr: action, region, duration, attempts (never credentials)' },
  { flags: '--debug', description: 'like --verbose, plus the stack of an error' },
];

/** What commander hands the fix action, before validation. */
export interface RawFixOptions {
  imageIds?: string[];
  from?: string;
  only?: string[];
  apply?: boolean;
  yes?: boolean;
  forceBlocked?: boolean;
  region?: string[];
  profile?: string[];
  roleArn?: string[];
  externalId?: string;
  endpointUrl?: string;
  concurrency?: string | number;
  output?: string;
  maxAttempts?: string;
  retryMode?: string;
  requestTimeout?: string | number;
  timeout?: string;
  verbose?: boolean;
  debug?: boolean;
}

/** The settings of a fix run after validation. */
export interface FixSettings {
  imageIds: string[];
  from?: string;
  only?: EvidenceVerdict[];
  apply: boolean;
  yes: boolean;
  forceBlocked: boolean;
  regions: string[];
  profiles: string[];
  roleArns: string[];
  externalId?: string;
  endpointUrl?: string;
  concurrency: number;
  output: FixOutput;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  requestTimeoutMs: number;
  timeoutMs?: number;
  verbose: boolean;
  debug: boolean;
}

/** Returns validated settings, or throws a usage error that names the option and the fix. */
export function validateFixOptions(raw: RawFixOptions, env: NodeJS.ProcessEnv): FixSettings {
  const imageIds = imageIdList(names(raw.imageIds, '--image-ids'));
  if (imageIds.length === 0 && raw.from === undefined) usage('fix needs the images to flag: pass --image-ids <ids...> or --from <report.json>');
  const regions = names(raw.region, '--region');
  for (const region of regions) {
    if (!isRegionShaped(region)) usage(`--region "${stripControlSequences(region)}" is not a region name: did you mean ${closestRegion(region)}?`);
  }
  if (raw.from === undefined && regions.length > 1) usage('--image-ids look in one region: give one --region, and run fix once per region (or use --from, whose report gives each image\'s region)');
  const only = raw.only === undefined ? undefined : names(raw.only, '--only').map((verdict) => oneOf(verdict, EVIDENCE_VERDICTS, '--only'));
  if (only !== undefined && raw.from === undefined) usage('--only selects images of a report by their evidence verdict: it goes with --from');
  const roleArns = roleArnList(names(raw.roleArn, '--role-arn'));
  if (raw.externalId !== undefined && roleArns.length === 0) usage('--external-id goes with --role-arn');
  const profiles = names(raw.profile, '--profile');
  if (raw.from === undefined && (roleArns.length > 1 || (roleArns.length === 0 && profiles.length > 1))) {
    usage('--image-ids belong to one account: give one --profile or --role-arn (or use --from, whose report gives each image\'s account)');
  }
  if (raw.yes === true && raw.apply !== true) usage('--yes confirms --apply: without --apply fix only dry-runs, and there is nothing to confirm');
  const settings: FixSettings = {
    imageIds,
    ...(only ? { only } : {}),
    apply: raw.apply === true,
    yes: raw.yes === true,
    forceBlocked: raw.forceBlocked === true,
    regions,
    profiles,
    roleArns,
    concurrency: integerIn(raw.concurrency ?? 5, 1, 50, '--concurrency'),
    output: oneOf(raw.output ?? 'table', FIX_OUTPUTS, '--output'),
    maxAttempts: maxAttempts(raw.maxAttempts, env),
    retryMode: retryMode(raw.retryMode, env),
    requestTimeoutMs: Math.round(secondsIn(raw.requestTimeout ?? 20, 0.1, 3600, '--request-timeout') * 1000),
    verbose: raw.verbose === true || raw.debug === true,
    debug: raw.debug === true,
  };
  if (raw.timeout !== undefined) settings.timeoutMs = Math.round(secondsIn(raw.timeout, 0.1, 86_400, '--timeout') * 1000);
  if (raw.from !== undefined) settings.from = raw.from;
  if (raw.externalId !== undefined) settings.externalId = raw.externalId;
  if (raw.endpointUrl !== undefined) settings.endpointUrl = endpointUrl(raw.endpointUrl);
  return settings;
}

/** Splits list options given as words or comma-separated, each name once; an empty name is refused. */
function names(values: string[] | undefined, flag: string): string[] {
  if (values === undefined) return [];
  const list = values.flatMap((value) => value.split(',')).map((value) => value.trim());
  if (list.includes('')) usage(`${flag} has an empty name: give ${flag} one or more names`);
  return [...new Set(list)];
}





