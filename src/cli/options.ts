/**
 * The options of `ami-audit scan`, as data: commander, `--help` and the README's option table are all
 * made from this list, so they cannot drift apart. This module loads nothing heavy: `--help` and
 * `--version` must start fast.
 */
export interface OptionSpec {
  flags: string;
  description: string;
  /** Shown in `--help` and used when the option is absent. */
  defaultValue?: string | string[] | boolean | number;
  /** Group in the README's table. */
  group: 'where' | 'what' | 'checks' | 'output' | 'behaviour';
  /** Collect every occurrence instead of keeping the last (`--filter` may be given many times). */
  repeatable?: boolean;
}

export const SCAN_OPTIONS: OptionSpec[] = [
  { group: 'where', flags: '--region <names...>', description: 'regions to scan, or "all" for every region enabled for the account (default: each account\'s own, from AWS_REGION, AWS_DEFAULT_REGION or its profile)' },
  { group: 'where', flags: '--profile <names...>', description: 'named profiles from ~/.aws/config and ~/.aws/credentials, one account each (default: AWS_PROFILE, then the SDK\'s credential chain)' },
  { group: 'where', flags: '--role-arn <arns...>', description: 'IAM roles to assume, one account each (source credentials: the first --profile or the default chain)' },
  { group: 'where', flags: '--external-id <id>', description: 'external id for --role-arn, or for the --org-role of each account' },
  { group: 'where', flags: '--org', description: 'scan every ACTIVE account of the AWS Organization: lists them with Organizations ListAccounts (credentials of the management account or a delegated administrator, from --profile or the default chain), scans the caller\'s own account with its credentials and the others through --org-role' },
  { group: 'where', flags: '--org-role <name>', description: 'with --org: the IAM role assumed in each member account (OrganizationAccountAccessRole, which Organizations creates, is an administrator role: deploy examples/org-readonly-role.yaml instead)', defaultValue: 'OrganizationAccountAccessRole' },
  { group: 'where', flags: '--accounts <ids...>', description: 'with --org: only these 12-digit account ids' },
  { group: 'where', flags: '--exclude-accounts <ids...>', description: 'with --org: not these account ids (listed as skipped)' },
  { group: 'where', flags: '--shard <i/n>', description: 'with --org: scan only part i of n (1 to n) of the accounts, sorted by id, for one CI job per part; join the reports with "ami-audit merge"' },
  { group: 'where', flags: '--endpoint-url <url>', description: 'send EC2 calls to this URL instead of AWS (an EC2-compatible endpoint such as the bundled emulator)' },
  { group: 'what', flags: '--owners <ids...>', description: 'image owners: account ids, self, amazon, aws-marketplace, aws-backup-vault (default: self, unless --image-ids or --executable-users is given)' },
  { group: 'what', flags: '--executable-users <ids...>', description: 'images these users may launch: account ids, self, all' },
  { group: 'what', flags: '--image-ids <ids...>', description: 'only these images' },
  { group: 'what', flags: '--filter <spec>', description: 'a DescribeImages filter in the AWS CLI shorthand, e.g. Name=tag:Team,Values=web (repeatable; filters AND, values OR)', repeatable: true },
  { group: 'what', flags: '--include-deprecated', description: 'include deprecated images' },
  { group: 'what', flags: '--include-disabled', description: 'include disabled images' },
  { group: 'what', flags: '--input <file>', description: 'classify a saved "aws ec2 describe-images" JSON document (- for stdin) instead of calling AWS' },
  { group: 'checks', flags: '--checks <names...>', description: 'checks to run: imds, tpm, boot, lifecycle, consistency, secure-boot, sharing', defaultValue: ['imds', 'tpm', 'boot', 'lifecycle', 'consistency'] },
  { group: 'checks', flags: '--attributes <names...>', description: 'also read these attributes with DescribeImageAttribute, one call per image each (e.g. imdsSupport,bootMode,tpmSupport to verify DescribeImages)' },
  { group: 'checks', flags: '--fleet', description: 'also read what launches really get and who runs each image: the account\'s instance metadata defaults, the instances launched from it, and the $Latest and $Default launch templates that launch it (adds the fleet check; a few calls per region)' },
  { group: 'checks', flags: '--evidence [days]', description: 'also read CloudWatch\'s MetadataNoToken metrics of those instances over the last <days> days (1-455; 14 when no number is given) to tell images that still call IMDSv1 from those safe to flag (implies --fleet; adds the evidence check)' },
  { group: 'checks', flags: '--concurrency <n>', description: 'most DescribeImageAttribute calls in flight per region (1-100)', defaultValue: 10 },
  { group: 'checks', flags: '--attribute-rate <spec>', description: 'a ceiling on DescribeImageAttribute calls per region, as <burst>:<per-second> (e.g. 50:10 to leave part of EC2\'s 100:20 to other callers), or off; below it the pace adapts to what EC2 grants', defaultValue: 'off' },
  { group: 'checks', flags: '--region-concurrency <n>', description: 'most regions scanned at once in each account (1-32)', defaultValue: 4 },
  { group: 'checks', flags: '--account-concurrency <n>', description: 'most accounts scanned at once (1-64); regions in flight are at most this times --region-concurrency', defaultValue: 8 },
  { group: 'output', flags: '--output <format>', description: 'table (fitted to the terminal), json (one document), ndjson (one line per image as it is classified, then a summary line), csv (for spreadsheets), sarif (GitHub code scanning) or markdown (a summary); every format gives the same exit code', defaultValue: 'table' },
  { group: 'output', flags: '--report <format=path>', description: 'also write the report in another format to a file, e.g. sarif=ami-audit.sarif (repeatable: one scan, several reports)', repeatable: true },
  { group: 'output', flags: '--step-summary', description: 'append the Markdown summary to the file GITHUB_STEP_SUMMARY names (GitHub Actions)' },
  { group: 'output', flags: '--ignore-file <path>', description: 'known exceptions (YAML or JSON) with a reason and an optional expiry; suppressed findings are reported but do not fail the gate (default: .ami-audit-ignore.yml in the working directory, if present)' },
  { group: 'output', flags: '--baseline <report>', description: 'an earlier ami-audit JSON or NDJSON report: findings are marked new, updated or unchanged, and only new and updated ones count toward --fail-on' },
  { group: 'output', flags: '--sarif-include-suppressed', description: 'keep suppressed findings in SARIF, marked as accepted suppressions (GitHub shows them as open alerts; left out by default)' },
  { group: 'output', flags: '--fail-on <severity>', description: 'exit 1 when a finding reaches this severity: info, low, medium, high, critical, or none', defaultValue: 'high' },
  { group: 'output', flags: '--no-color', description: 'no colour in the table (NO_COLOR is honoured too)' },
  { group: 'behaviour', flags: '--max-attempts <n>', description: 'attempts per API call for 5xx, network errors and request timeouts, the first included (1-50; default: AWS_MAX_ATTEMPTS or 10); throttled answers spend none: they wait, until --timeout' },
  { group: 'behaviour', flags: '--retry-mode <mode>', description: 'how a throttled client waits: adaptive learns the rate EC2 grants, per region and action; standard backs each call off, 1 s doubling to 20 s (default: AWS_RETRY_MODE or adaptive)' },
  { group: 'behaviour', flags: '--request-timeout <seconds>', description: 'seconds one API attempt may take', defaultValue: 20 },
  { group: 'behaviour', flags: '--timeout <seconds>', description: 'seconds the whole scan may take; then it stops, reports what it read and exits 3' },
  { group: 'behaviour', flags: '--quiet', description: 'no progress line and no warnings on stderr (errors are still printed)' },
  { group: 'behaviour', flags: '--verbose', description: 'log each API call on stderr: action, region, duration, attempts (never credentials)' },
  { group: 'behaviour', flags: '--debug', description: 'like --verbose, plus the stack of an error' },
];

/** What commander hands the scan action, before validation. */
export interface RawScanOptions {
  region?: string[];
  profile?: string[];
  roleArn?: string[];
  externalId?: string;
  org?: boolean;
  orgRole?: string;
  accounts?: string[];
  excludeAccounts?: string[];
  shard?: string;
  accountConcurrency?: string | number;
  endpointUrl?: string;
  owners?: string[];
  executableUsers?: string[];
  imageIds?: string[];
  filter?: string[];
  includeDeprecated?: boolean;
  includeDisabled?: boolean;
  input?: string;
  checks: string[];
  attributes?: string[];
  fleet?: boolean;
  /** `true` when given without a number. */
  evidence?: boolean | string;
  concurrency: string | number;
  regionConcurrency: string | number;
  attributeRate: string;
  output: string;
  report?: string[];
  ignoreFile?: string;
  baseline?: string;
  sarifIncludeSuppressed?: boolean;
  stepSummary?: boolean;
  failOn: string;
  color: boolean;
  maxAttempts?: string;
  retryMode?: string;
  requestTimeout: string | number;
  timeout?: string;
  quiet?: boolean;
  verbose?: boolean;
  debug?: boolean;
}
