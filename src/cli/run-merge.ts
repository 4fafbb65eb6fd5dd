import { mergeReports } from '../core/merge.js';
import { EXIT, gate, type FailOn } from '../core/policy.js';
import { isSeverity } from '../core/severity.js';
import { AmiAuditError } from '../errors.js';
import { readWholeReport } from '../input/read-report.js';
import { OUTPUT_FORMAT_NAMES, OUTPUT_FORMATS, type OutputFormat, type RenderContext, type ToolInfo } from '../render/index.js';
import { renderWhole } from '../render/renderer.js';
import { terminalSafe } from '../render/sanitize.js';
import { errorLines } from './error-lines.js';
import { formatScanError, skippedLine } from './run-scan.js';
import { shouldColor, type CliIo } from './terminal.js';

/** What commander hands the merge action, before validation. */
export interface RawMergeOptions {
  output?: string;
  failOn?: string;
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
}

/** Returns the validated `--output` and `--fail-on`, or throws a usage error naming the choices. */
function validateMergeOptions(raw: RawMergeOptions): { output: OutputFormat; failOn: FailOn } {
  const output = raw.output ?? 'json';
  if (!(OUTPUT_FORMAT_NAMES as string[]).includes(output)) throw new AmiAuditError('Usage', `--output "${terminalSafe(output)}" is not valid: choose ${OUTPUT_FORMAT_NAMES.join(', ')}`);
  const failOn = raw.failOn ?? 'high';
  if (failOn !== 'none' && !isSeverity(failOn)) throw new AmiAuditError('Usage', `--fail-on "${terminalSafe(failOn)}" is not a severity: choose info, low, medium, high, critical or none`);
  return { output: output as OutputFormat, failOn };
}

/**
 * Runs `ami-audit merge <reports...>`: one report made of several (JSON or NDJSON of `ami-audit scan`,
 * the shards of an organization scan), written in any output format, and the gate's exit status on
 * it, as a scan of everything at once would give: 3 when a part was incomplete or a shard is missing.
 */
export async function runMerge(paths: string[], raw: RawMergeOptions, io: CliIo, tool: ToolInfo): Promise<number> {
  const { output, failOn } = validateMergeOptions(raw);
  const parts = await Promise.all(paths.map((path) => readWholeReport(path)));
  const { result, warnings } = mergeReports(parts);
  const width = (io.stdout as { columns?: number }).columns;
  const context: RenderContext = { tool, color: shouldColor(raw.color !== false, io), ...(io.stdout.isTTY && width ? { width } : {}) };
  const renderer = OUTPUT_FORMATS[output].create(context);
  io.stdout.write(renderWhole(renderer, result));
  if (!raw.quiet) {
    for (const warning of warnings) io.stderr.write(`ami-audit: warning: ${terminalSafe(warning)}\n`);
    for (const skipped of result.skipped) io.stderr.write(`${terminalSafe(`ami-audit: ${skippedLine(skipped)}`)}\n`);
    for (const notice of renderer.notices?.() ?? []) io.stderr.write(`ami-audit: warning: ${notice}\n`);
  }
  for (const line of errorLines(result.errors, (error) => formatScanError(error, true), true)) io.stderr.write(`ami-audit: error: ${line}\n`);
  const verdict = gate(result.summary, failOn);
  // An incomplete part may have no error of its own to count: it still may not pass.
  return verdict.exitCode === EXIT.clean || verdict.exitCode === EXIT.findings ? (result.summary.complete ? verdict.exitCode : EXIT.incomplete) : verdict.exitCode;
}
