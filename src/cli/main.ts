import { CommanderError } from 'commander';
import { EXIT } from '../core/policy.js';
import { isAmiAuditError } from '../errors.js';
import { terminalSafe } from '../render/sanitize.js';
import type { RawFixOptions } from './fix-options.js';
import type { RawScanOptions } from './options.js';
import { buildProgram } from './program.js';
import type { RawDiffOptions } from './run-diff.js';
import type { RawMergeOptions } from './run-merge.js';
import type { CliIo } from './terminal.js';

/** Runs the CLI and returns the exit status; the only place that decides how an error ends the process. */
export async function main(argv: string[], io: CliIo, version = '0.0.0'): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode = 0;
  const actions = {
    onScan: async (options: RawScanOptions) => {
      // The SDK warns on every run under Node 20; in a CI log that warning is noise, not news.
      io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      // Loaded here, not at the top: --help and --version must not pay for loading the AWS SDK.
      const { runScan } = await import('./run-scan.js');
      exitCode = await runScan(options, io, { name: 'ami-audit', version });
    },
    onDiff: async (oldPath: string, newPath: string, options: RawDiffOptions) => {
      // Loaded only for diff, like the scan: --help stays small.
      const { runDiff } = await import('./run-diff.js');
      exitCode = await runDiff(oldPath, newPath, options, io);
    },
    onFix: async (options: RawFixOptions) => {
      io.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      // Loaded only for fix: --help stays small, and the read-only commands never load the write path.
      const { runFix } = await import('./run-fix.js');
      exitCode = await runFix(options, io);
    },
    onMerge: async (paths: string[], options: RawMergeOptions) => {
      // Loaded only for merge: it renders reports but never calls AWS.
      const { runMerge } = await import('./run-merge.js');
      exitCode = await runMerge(paths, options, io, { name: 'ami-audit', version });
    },
  };
  const program = buildProgram(version, actions, { writeOut: (text) => io.stdout.write(text), writeErr: (text) => io.stderr.write(terminalSafe(text, { keepLineBreaks: true })) });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end with 0; a usage error with 2 (commander's own 1 would read as "findings").
      const informational = ['commander.helpDisplayed', 'commander.version'].includes(error.code);
      return informational ? 0 : EXIT.usage;
    }
    // Messages and stacks quote what they were given (a path, a JSON parse error, an AWS answer), so
    // everything goes through the one sanitiser: no escape sequence, no credential reaches stderr.
    if (isAmiAuditError(error)) {
      io.stderr.write(`ami-audit: error: ${terminalSafe(error.message)}\n`);
      if (debug && error.cause instanceof Error) io.stderr.write(`${terminalSafe(String(error.cause.stack), { keepLineBreaks: true })}\n`);
      return error.code === 'Internal' ? EXIT.incomplete : EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`ami-audit: internal error: ${terminalSafe(message.split('\n', 1)[0]!)}${debug ? '' : ' (run again with --debug for the stack)'}\n`);
    if (debug && error instanceof Error) io.stderr.write(`${terminalSafe(String(error.stack), { keepLineBreaks: true })}\n`);
    return EXIT.incomplete;
  }
}
