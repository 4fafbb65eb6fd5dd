import { Command, Option } from 'commander';
import { SCAN_OPTIONS, type RawScanOptions } from './options.js';

export const EXIT_CODES_HELP = `
Exit codes:
  0  the scan was complete and no finding reached --fail-on
  1  the scan was complete and at least one finding reached --fail-on
  2  usage or configuration error (bad option, bad --filter or --input, no region, no credentials)
  3  the scan was incomplete (a region or an image could not be read), or ami-audit failed
       (including a report that could not be written)
  141  standard output was closed by its reader (| head): the scan stopped quietly

Examples:
  ami-audit scan --region us-east-1 eu-west-1
  ami-audit scan --input examples/estate.json --output json | jq '.images[] | select(.readiness != "ready") | .imageId'
  ami-audit scan --filter Name=tag:Team,Values=web --fail-on critical`;

/**
 * Returns the commander program. `onScan` runs the scan; it is passed in so that this module, which
 * `--help` and `--version` load, never imports the AWS SDK.
 */
export function buildProgram(
  version: string,
  onScan: (options: RawScanOptions) => Promise<void>,
  output: { writeOut(text: string): void; writeErr(text: string): void },
): Command {
  const program = new Command('ami-audit')
    // Set before the subcommand is added: commander copies these settings into it at creation.
    .configureOutput({
      writeOut: (text) => output.writeOut(text),
      writeErr: (text) => output.writeErr(text),
      outputError: (text, write) => write(`ami-audit: ${text.trimEnd()} (see "ami-audit scan --help")\n`),
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
    .action(async (_options, command: Command) => onScan(command.opts<RawScanOptions>()));

  for (const spec of SCAN_OPTIONS) {
    const option = new Option(spec.flags, spec.description);
    if (spec.defaultValue !== undefined && !spec.flags.startsWith('--no-')) {
      option.default(spec.defaultValue, Array.isArray(spec.defaultValue) ? spec.defaultValue.join(' ') : String(spec.defaultValue));
    }
    if (spec.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    scanCommand.addOption(option);
  }
  return program;
}
