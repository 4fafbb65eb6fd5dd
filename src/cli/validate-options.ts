import type { ImageQuery } from '../core/ports.js';
import { parseFilter } from '../core/filter-shorthand.js';
import type { FailOn } from '../core/policy.js';
import { DEFAULT_EVIDENCE_DAYS } from '../core/fleet/evidence.js';
import type { OrganizationSelection } from '../core/plan-organization.js';
import type { Shard } from '../core/types.js';
import { CHECK_NAMES, type CheckName } from '../core/rules.js';
import { closestRegion, isRegionShaped } from '../core/region-names.js';
import { isSeverity } from '../core/severity.js';
import { IMAGE_ATTRIBUTES, type ImageAttributeName } from '../core/types.js';
import type { BucketShape } from '../aws/token-bucket.js';
import { OUTPUT_FORMAT_NAMES, type OutputFormat } from '../render/index.js';
import { stripControlSequences } from '../render/sanitize.js';
import { endpointUrl, imageIdList, integerIn, maxAttempts, oneOf, retryMode, roleArns as roleArnList, secondsIn, usage } from './option-values.js';
import type { RawScanOptions } from './options.js';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../core/plan-accounts.js';


/** A scan's settings after validation: every value checked, every list split, every unit converted. */
export interface ScanSettings {
  /** Regions named with `--region`, or "all"; empty means "the SDK's default region". */
  regions: string[] | 'all';
  profiles: string[];
  roleArns: string[];
  externalId?: string;
  /** `--org`: list the organization and scan its accounts (`--org-role`, `--accounts`, `--exclude-accounts`, `--shard`). */
  org?: OrganizationSelection;
  endpointUrl?: string;
  query: ImageQuery;
  input?: string;
  checks: CheckName[];
  attributes: ImageAttributeName[];
  /** Days of CloudWatch metrics the evidence check reads. */
  evidenceDays?: number;
  concurrency: number;
  regionConcurrency: number;
  /** Most accounts scanned at once (`--account-concurrency`). */
  accountConcurrency: number;
  /** A ceiling on `DescribeImageAttribute` calls per region; undefined (the default) when there is none. */
  attributeRate?: BucketShape;
  output: OutputFormat;
  /** Reports written to files besides stdout (`--report <format>=<path>`). */
  reports: { format: OutputFormat; path: string }[];
  /** `--ignore-file`, when given; otherwise the default file is read if it exists. */
  ignoreFile?: string;
  /** `--baseline`: an earlier report to compare findings with. */
  baseline?: string;
  sarifIncludeSuppressed: boolean;
  /** The file `--step-summary` appends the Markdown summary to (GITHUB_STEP_SUMMARY). */
  stepSummary?: string;
  failOn: FailOn;
  /** Whether the user allowed colour (`--no-color` not given); the terminal decides the rest. */
  colorAllowed: boolean;
  maxAttempts: number;
  retryMode: 'standard' | 'adaptive';
  requestTimeoutMs: number;
  timeoutMs?: number;
  quiet: boolean;
  verbose: boolean;
  debug: boolean;
}

/** CloudWatch keeps hourly datapoints for 455 days (15 months): a longer window would read nothing more. */
const MAX_EVIDENCE_DAYS = 455;


/** Returns validated settings, or throws a usage error that names the option and the fix. */
export function validateScanOptions(raw: RawScanOptions, env: NodeJS.ProcessEnv): ScanSettings {
  const checks = oneOfEach(splitList(raw.checks), CHECK_NAMES, '--checks');
  const evidenceDays = raw.evidence === undefined || raw.evidence === false ? undefined : raw.evidence === true ? DEFAULT_EVIDENCE_DAYS : integerIn(raw.evidence, 1, MAX_EVIDENCE_DAYS, '--evidence');
  // --evidence reads the instances --fleet lists: it brings both checks.
  if ((raw.fleet === true || evidenceDays !== undefined) && !checks.includes('fleet')) checks.push('fleet');
  if (evidenceDays !== undefined && !checks.includes('evidence')) checks.push('evidence');
  const attributes = oneOfEach(splitList(raw.attributes), IMAGE_ATTRIBUTES, '--attributes');
  if (attributes.includes('blockDeviceMapping')) {
    usage('--attributes blockDeviceMapping cannot be read: EC2 answers AuthFailure for it by design (the attribute is deprecated), and DescribeImages already returns each image\'s block device mappings; drop it from --attributes');
  }
  const output = oneOf(raw.output, OUTPUT_FORMAT_NAMES, '--output');
  const failOn = raw.failOn === 'none' || isSeverity(raw.failOn) ? raw.failOn : usage(`--fail-on "${raw.failOn}" is not a severity: choose info, low, medium, high, critical or none`);
  const retry = retryMode(raw.retryMode, env);
  const regions = regionNames(raw.region);
  const roleArns = roleArnList(unique(namesOf(raw.roleArn, '--role-arn')));
  const org = organizationSelection(raw, roleArns);
  if (raw.externalId !== undefined && roleArns.length === 0 && !org) usage('--external-id goes with --role-arn or --org');
  const settings: ScanSettings = {
    regions: regions[0] === 'all' ? 'all' : regions,
    profiles: unique(namesOf(raw.profile, '--profile')),
    roleArns,
    query: {
      owners: defaultOwners(raw),
      executableUsers: splitList(raw.executableUsers),
      imageIds: imageIds(raw.imageIds),
      filters: (raw.filter ?? []).map(parseFilter),
      includeDeprecated: raw.includeDeprecated === true,
      includeDisabled: raw.includeDisabled === true,
    },
    checks,
    attributes,
    ...(checks.includes('evidence') ? { evidenceDays: evidenceDays ?? DEFAULT_EVIDENCE_DAYS } : {}),
    concurrency: integerIn(raw.concurrency, 1, 100, '--concurrency'),
    regionConcurrency: integerIn(raw.regionConcurrency, 1, 32, '--region-concurrency'),
    accountConcurrency: integerIn(raw.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY, 1, 64, '--account-concurrency'),
    output,
    reports: (raw.report ?? []).map(reportSpec),
    sarifIncludeSuppressed: raw.sarifIncludeSuppressed === true,
    failOn,
    colorAllowed: raw.color !== false,
    maxAttempts: maxAttempts(raw.maxAttempts, env),
    retryMode: retry,
    requestTimeoutMs: Math.round(secondsIn(raw.requestTimeout, 0.1, 3600, '--request-timeout') * 1000),
    quiet: raw.quiet === true,
    verbose: raw.verbose === true || raw.debug === true,
    debug: raw.debug === true,
  };
  if (org) settings.org = org;
  const attributeRate = bucketShape(raw.attributeRate ?? 'off');
  if (attributeRate) settings.attributeRate = attributeRate;
  if (raw.ignoreFile !== undefined) settings.ignoreFile = raw.ignoreFile;
  if (raw.baseline !== undefined) settings.baseline = raw.baseline;
  if (raw.stepSummary === true) settings.stepSummary = stepSummaryPath(env);
  if (raw.timeout !== undefined) settings.timeoutMs = Math.round(secondsIn(raw.timeout, 0.1, 86_400, '--timeout') * 1000);
  if (raw.externalId !== undefined) settings.externalId = raw.externalId;
  if (raw.endpointUrl !== undefined) settings.endpointUrl = endpointUrl(raw.endpointUrl);
  if (raw.input !== undefined) {
    settings.input = raw.input;
    if (settings.regions === 'all' || settings.profiles.length > 1 || roleArns.length > 0 || org) {
      usage('--input classifies one saved document: --region all, several --profile, --role-arn and --org need AWS');
    }
    if (checks.includes('fleet') || checks.includes('evidence')) {
      usage('--fleet, --evidence and the fleet and evidence checks read instances, launch templates and CloudWatch in AWS: drop them with --input, or scan AWS');
    }
    const needsAws = settings.attributes.length > 0 || checks.some((check) => check === 'secure-boot' || check === 'sharing');
    if (needsAws) usage('--input cannot read attributes with DescribeImageAttribute: drop --attributes and the secure-boot and sharing checks, or scan AWS');
    if (settings.query.imageIds.length + settings.query.executableUsers.length + settings.query.filters.length > 0) {
      usage('--image-ids, --executable-users and --filter select images in AWS and do not apply to --input: filter the document with jq first');
    }
  }
  return settings;
}

/** The role Organizations creates in the accounts it creates (an administrator role). */
export const DEFAULT_ORG_ROLE = 'OrganizationAccountAccessRole';
const ACCOUNT_ID = /^\d{12}$/;
/** An IAM role name, optionally with a path (`audit/ami-audit-read`). */
const ROLE_NAME = /^[\w+=,.@-]+(?:\/[\w+=,.@-]+)*$/;

/**
 * Returns what `--org` asks for, or undefined without it. The options that only mean something for
 * an organization are refused without it, and `--org` is refused with what would contradict it: a
 * list of roles (it chooses the roles itself) or several profiles (one set of credentials lists it).
 */
function organizationSelection(raw: RawScanOptions, roleArns: string[]): OrganizationSelection | undefined {
  const include = accountIds(raw.accounts, '--accounts');
  const exclude = accountIds(raw.excludeAccounts, '--exclude-accounts');
  const role = raw.orgRole ?? DEFAULT_ORG_ROLE;
  if (raw.org !== true) {
    const stray = [include.length > 0 && '--accounts', exclude.length > 0 && '--exclude-accounts', raw.shard !== undefined && '--shard', role !== DEFAULT_ORG_ROLE && '--org-role'].filter(Boolean);
    if (stray.length > 0) usage(`${stray.join(', ')} ${stray.length === 1 ? 'goes' : 'go'} with --org: add --org to scan the organization's accounts`);
    return undefined;
  }
  if (roleArns.length > 0) usage('--org and --role-arn do not go together: --org assumes --org-role in every account it lists; use --role-arn alone for a list of roles');
  if (splitList(raw.profile).length > 1) usage("--org lists the organization with one set of credentials: give at most one --profile (the management account's or a delegated administrator's)");
  if (!ROLE_NAME.test(role) || role.length > 512) usage(`--org-role "${stripControlSequences(role)}" is not an IAM role name: give a name such as ami-audit-read (not an ARN)`);
  return { role, include, exclude, ...(raw.shard !== undefined ? { shard: shardOf(raw.shard) } : {}) };
}

/** Returns the 12-digit account ids of an option, each once. */
function accountIds(values: string[] | undefined, flag: string): string[] {
  const ids = unique(namesOf(values, flag));
  for (const id of ids) if (!ACCOUNT_ID.test(id)) usage(`${flag} "${stripControlSequences(id)}" is not an AWS account id: give 12 digits, such as 123456789012`);
  return ids;
}

/** Parses `--shard <i>/<n>`: part i (from 1) of n. */
function shardOf(spec: string): Shard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(spec.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    return usage(`--shard "${stripControlSequences(spec)}" is not valid: give <i>/<n> with 1 <= i <= n, such as 1/4 (part 1 of 4)`);
  }
  return { index, count };
}

/**
 * Returns the owners to ask for. Without --owners a scan lists the caller's own images (`self`): the
 * alternative is every image the account may launch, over 100,000 in a large region. Image ids and
 * executable users already narrow the listing, so they get no implicit owner that would hide what
 * they name.
 */
function defaultOwners(raw: RawScanOptions): string[] {
  if (raw.owners !== undefined) return splitList(raw.owners);
  return splitList(raw.imageIds).length > 0 || splitList(raw.executableUsers).length > 0 ? [] : ['self'];
}

/**
 * Returns the regions named with `--region`, each once, or ["all"]. A name that is not shaped like a
 * region is refused here, with the nearest known region: sent to AWS it would fail only after the
 * network calls, as an AuthFailure that does not say "typo". A well-shaped name that is not in the
 * list is accepted, since AWS adds regions.
 */
function regionNames(values: string[] | undefined): string[] {
  const regions = unique(namesOf(values, '--region'));
  if (regions.includes('all') && regions.length > 1) usage('--region all scans every enabled region: give it alone, or name the regions');
  for (const region of regions) {
    if (region !== 'all' && !isRegionShaped(region)) {
      usage(`--region "${stripControlSequences(region)}" is not a region name: did you mean ${closestRegion(region)}? (or --region all)`);
    }
  }
  return regions;
}

/** Returns the image ids of `--image-ids`, each once; a malformed id is a usage error, not a failed call. */
function imageIds(values: string[] | undefined): string[] {
  return imageIdList(unique(namesOf(values, '--image-ids')));
}

/**
 * Splits a list option like `splitList`, but refuses an empty name (`--region ''`, `--profile a,`):
 * dropped silently, it would turn into the default (AWS_REGION, the default profile) without a word.
 */
function namesOf(values: string[] | undefined, flag: string): string[] {
  if (values === undefined) return [];
  const names = values.flatMap((value) => value.split(',')).map((value) => value.trim());
  if (names.includes('')) usage(`${flag} has an empty name: give ${flag} one or more names, or leave it out for the default`);
  return names;
}

/** Returns the values in their first order, each once: a region or account named twice is scanned once. */
function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Splits list options given either as separate words or comma-separated (`--owners self,amazon`). */
export function splitList(values: string[] | string | undefined): string[] {
  if (values === undefined) return [];
  const list = Array.isArray(values) ? values : [values];
  return list.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== '');
}


function oneOfEach<T extends string>(values: string[], choices: readonly T[], flag: string): T[] {
  const chosen: T[] = [];
  for (const value of values) {
    // EC2 attribute names are camelCase; accept any case so "imdssupport" finds "imdsSupport".
    const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
    if (!match) usage(`Unknown name "${value}" in ${flag}: choose from ${choices.join(', ')}`);
    else if (!chosen.includes(match)) chosen.push(match);
  }
  return chosen;
}



/** Parses `--attribute-rate`: `<burst>:<per-second>` or `off`. */
function bucketShape(spec: string): BucketShape | undefined {
  if (spec === 'off') return undefined;
  const match = /^(\d+):(\d+(?:\.\d+)?)$/.exec(spec);
  const capacity = Number(match?.[1]);
  const refillPerSecond = Number(match?.[2]);
  if (!match || capacity < 1 || refillPerSecond <= 0) {
    return usage(`--attribute-rate "${spec}" is not valid: give <burst>:<per-second> such as 50:10, or off`);
  }
  return { capacity, refillPerSecond };
}


/** Parses `--report <format>=<path>`. */
function reportSpec(spec: string): { format: OutputFormat; path: string } {
  const match = /^([a-z]+)=(.+)$/.exec(spec);
  if (!match) return usage(`--report "${spec}" is not valid: give <format>=<path>, such as sarif=ami-audit.sarif (formats: ${OUTPUT_FORMAT_NAMES.join(', ')})`);
  return { format: oneOf(match[1]!, OUTPUT_FORMAT_NAMES, '--report format'), path: match[2]! };
}

/** The file GitHub Actions reads the job summary from. */
function stepSummaryPath(env: NodeJS.ProcessEnv): string {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return usage('--step-summary appends to the file GITHUB_STEP_SUMMARY names, and it is not set: run it in GitHub Actions, or use --report markdown=<path>');
  return path;
}

