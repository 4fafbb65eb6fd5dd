import { Command, Option } from 'commander';
import { SCAN_OPTIONS, type RawScanOptions } from './options.js';
import type { RawDiffOptions } from './run-diff.js';
import { FIX_OPTIONS, type RawFixOptions } from './fix-options.js';
import type { RawMergeOptions } from './run-merge.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0  the scan was complete and no finding reached --fail-on
  1  the scan was complete and at least one finding reached --fail-on
       (suppressed findings, and with --baseline unchanged ones, do not count)
  2  usage or configuration error (bad option, bad --filter or --input, no region, no credentials)
  3  the scan was incomplete (an account, a region or an image could not be read), or ami-audit failed
       (including a report that could not be written)
  141  standard output was closed by its reader (| head): the scan stopped quietly

Examples:
  ami-audit scan --region us-east-1 eu-west-1
  ami-audit scan --input examples/estate.json --output json | jq '.images[] | select(.readiness != "ready") | .imageId'
  ami-audit scan --filter Name=tag:Team,Values=web --fail-on critical
  ami-audit scan --org --org-role ami-audit-read --external-id "$ID" --region all --output ndjson`;

export const DIFF_HELP = `
Exit codes:
  0  both reports were complete and no new or changed finding reached --fail-on
  1  a new or changed finding that is not suppressed reached --fail-on (fixed ones never fail)
  2  usage error, or a file that cannot be read, is not an ami-audit report or has another schemaVersion
  3  either report comes from an incomplete scan: the diff is printed with a warning, but an incomplete
       scan never passes a gate ("fixed" or "removed" may only have been unread)
  141  standard output was closed by its reader (| head)

An image is the same image when its account, region and image id match; a finding is the same
finding when its image and rule match, and "changed" when its severity differs.
Both reports may be JSON (--output json) or NDJSON (--output ndjson) of "ami-audit scan".

Examples:
  ami-audit diff baseline.json current.json
  ami-audit diff baseline.json current.json --output json | jq '.findings.new[] | .imageId + " " + .ruleId'
  ami-audit diff baseline.json current.json --output markdown --fail-on critical >> "$GITHUB_STEP_SUMMARY"`;

export const FIX_HELP = `
Without --apply every image gets a dry run (ModifyImageAttribute with DryRun): nothing changes.
With --apply, ImdsSupport=v2.0 is set for good: EC2 cannot unset it (the only way back is a new AMI
from the snapshots). On a terminal fix lists the images and asks you to type their number; --yes
confirms in advance (required when stdin is not a terminal).

Each image is read again (DescribeImages) before the change, so a stale report cannot flag the wrong
thing, and read back after it. An image is refused, with the reason, when it is not owned by the
caller's account (public images of others included), is not available, or its report verdict is
blocked (unless --force-blocked); an image already v2.0 is reported as "already".

Exit codes:
  0  every requested image ended flagged, would-flag (dry run) or already v2.0
  1  at least one image was refused (and none failed)
  2  usage error, a --from file that is not an ami-audit report, --apply without a terminal and
       without --yes, or the confirmation was not given: nothing was changed
  3  at least one image failed (an AWS error, or a change that did not read back as v2.0)

Examples:
  ami-audit fix --image-ids ami-0123456789abcdef0 --region eu-west-1
  ami-audit scan --evidence --output json > report.json
  ami-audit fix --from report.json --only safe-to-flag
  ami-audit fix --from report.json --only safe-to-flag --apply --yes --output json`;

/** The commands' actions, passed in so that this module, which `--help` and `--version` load, loads none of them. */
export interface CommandActions {
  /** Runs `scan` (which loads the AWS SDK). */
  onScan(options: RawScanOptions): Promise<void>;
  /** Runs `diff <old> <new>`. */
  onDiff(oldPath: string, newPath: string, options: RawDiffOptions): Promise<void>;
  /** Runs `fix` (which loads the AWS SDK). */
  onFix(options: RawFixOptions): Promise<void>;
  /** Runs `merge <reports...>`. */
  onMerge(paths: string[], options: RawMergeOptions): Promise<void>;
}

export const MERGE_HELP = `
Exit codes (as "ami-audit scan" on everything at once):
  0  every report was complete and no finding reached --fail-on
  1  every report was complete and at least one finding reached --fail-on
  2  usage error, a file that is not an ami-audit report, or shards of different splits
  3  a report comes from an incomplete scan, or a shard of the split is missing
  141  standard output was closed by its reader (| head)

The summary is counted again from the images; errors and skipped accounts and regions are kept.
Reports of "ami-audit scan --org --shard i/n" say which shard they are: a missing one is named
and makes the merged report incomplete.

Examples:
  ami-audit merge shard-*.json --output json > organization.json
  ami-audit merge shard-*.ndjson --output sarif > ami-audit.sarif
  ami-audit diff last-week.json organization.json`;

/** Returns the commander program with the `scan`, `diff`, `fix` and `merge` commands bound to `actions`. */
export function buildProgram(
  version: string,
  actions: CommandActions,
  output: { writeOut(text: string): void; writeErr(text: string): void },
): Command {
  const program = new Command('ami-audit')
    // Set before the subcommand is added: commander copies these settings into it at creation.
    .configureOutput({
      writeOut: (text) => output.writeOut(text),
      writeErr: (text) => output.writeErr(text),
      outputError: (text, write) => write(`ami-audit: ${oneLine(text)} (see "ami-audit scan --help")\n`),
    })
    .description('Find the Amazon EC2 machine images (AMIs) that are not IMDSv2-ready, and gate CI on it.')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride();

  const scanCommand = program
    .command('scan')
    .description('List AMIs with DescribeImages, classify IMDS, boot mode and NitroTPM, and report')
    .exitOverride()
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (_options, command: Command) => actions.onScan(command.opts<RawScanOptions>()));

  for (const spec of SCAN_OPTIONS) {
    const option = new Option(spec.flags, spec.description);
    if (spec.defaultValue !== undefined && !spec.flags.startsWith('--no-')) {
      option.default(spec.defaultValue, Array.isArray(spec.defaultValue) ? spec.defaultValue.join(' ') : String(spec.defaultValue));
    }
    if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    scanCommand.addOption(option);
  }

  program
    .command('diff')
    .description('Compare two reports of "ami-audit scan": images added and removed, findings new, fixed and changed')
    .argument('<old>', 'the earlier report (JSON or NDJSON of ami-audit scan)')
    .argument('<new>', 'the later report')
    // Its own hint: the program's points at "scan --help".
    .configureOutput({ outputError: (text, write) => write(`ami-audit: ${oneLine(text)} (see "ami-audit diff --help")\n`) })
    .addOption(new Option('--output <format>', 'table (for people), json (schema/diff-result.v1.json) or markdown (a pull request or job summary)').default('table'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a new or changed finding reaches this severity: info, low, medium, high, critical, or none').default('high'))
    .addOption(new Option('--debug', 'the stack of an error'))
    .exitOverride()
    .addHelpText('after', DIFF_HELP)
    .action(async (oldPath: string, newPath: string, options: RawDiffOptions) => actions.onDiff(oldPath, newPath, options));

  const fixCommand = program
    .command('fix')
    .description('Set ImdsSupport=v2.0 on AMIs (a dry run unless --apply): by id, or the images of a report')
    .configureOutput({ outputError: (text, write) => write(`ami-audit: ${oneLine(text)} (see "ami-audit fix --help")\n`) })
    .exitOverride()
    .addHelpText('after', FIX_HELP)
    .action(async (_options, command: Command) => actions.onFix(command.opts<RawFixOptions>()));
  for (const spec of FIX_OPTIONS) {
    const option = new Option(spec.flags, spec.description);
    if (spec.defaultValue !== undefined) option.default(spec.defaultValue, String(spec.defaultValue));
    fixCommand.addOption(option);
  }

  program
    .command('merge')
    .description('Combine reports of "ami-audit scan" (JSON or NDJSON, such as the shards of --org --shard) into one report')
    .argument('<reports...>', 'the reports to combine')
    .configureOutput({ outputError: (text, write) => write(`ami-audit: ${oneLine(text)} (see "ami-audit merge --help")\n`) })
    .addOption(new Option('--output <format>', 'json, ndjson, table, csv, sarif or markdown').default('json'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding reaches this severity: info, low, medium, high, critical, or none').default('high'))
    .addOption(new Option('--no-color', 'no colour in the table'))
    .addOption(new Option('--quiet', 'no warnings on stderr (errors are still printed)'))
    .addOption(new Option('--debug', 'the stack of an error'))
    .exitOverride()
    .addHelpText('after', MERGE_HELP)
    .action(async (paths: string[], options: RawMergeOptions) => actions.onMerge(paths, options));
  return program;
}

/** Commander puts its suggestion ("Did you mean --output?") on a line of its own; a usage error is one line. */
function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ');
}
