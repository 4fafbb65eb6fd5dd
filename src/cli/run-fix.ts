import { selectTargets, type FixTarget } from '../core/fix-plan.js';
import { fixExitCode } from '../core/fix-summary.js';
import type { FixOutcome } from '../core/fix.js';
import { EXIT } from '../core/policy.js';
import { AmiAuditError } from '../errors.js';
import { readFixTargets } from '../input/read-fix-targets.js';
import { renderFixJson } from '../render/fix-json.js';
import { renderFixTable } from '../render/fix-table.js';
import { terminalSafe } from '../render/sanitize.js';
import { askToConfirm, plannedLines } from './confirm-fix.js';
import { validateFixOptions, type FixSettings, type RawFixOptions } from './fix-options.js';
import type { CliIo } from './terminal.js';

/**
 * Runs `ami-audit fix` and returns its exit status: 0 when every requested image ended flagged,
 * would-flag or already `v2.0`; 1 when any was refused; 3 when any failed; 2 for a usage error, for
 * `--apply` without a terminal and without `--yes`, and when the user declines at the prompt
 * (nothing was changed). Bad options and a bad `--from` file are thrown as `AmiAuditError` (exit 2).
 */
export async function runFix(raw: RawFixOptions, io: CliIo): Promise<number> {
  const settings = validateFixOptions(raw, io.env);
  const { targets, notSelected } = await targetsOf(settings, io);
  // Decided before any AWS call: a CI job without --yes learns it at once, with nothing changed.
  if (settings.apply && !settings.yes && io.stdin?.isTTY !== true) {
    io.stderr.write('ami-audit: error: fix --apply asks for confirmation and stdin is not a terminal: pass --yes to confirm in advance (nothing was changed)\n');
    return EXIT.usage;
  }
  const confirm = async (planned: Parameters<typeof askToConfirm>[0]): Promise<boolean> => {
    if (!settings.yes) return askToConfirm(planned, io);
    // --yes skips the question, not the warning: a CI log keeps what was changed and that it is for good.
    for (const line of plannedLines(planned)) io.stderr.write(`${line}\n`);
    return true;
  };
  const { fixAws } = await import('./fix-aws.js');
  const outcome: FixOutcome = await fixAws(
    settings,
    targets,
    { apply: settings.apply, forceBlocked: settings.forceBlocked, concurrency: settings.concurrency, notSelected, ...(settings.only ? { only: settings.only } : {}) },
    confirm,
    io,
  );
  io.stdout.write(settings.output === 'json' ? renderFixJson(outcome) : renderFixTable(outcome));
  if (outcome.aborted) {
    io.stderr.write('ami-audit: aborted: the answer was not the number of images, so nothing was changed\n');
    return EXIT.usage;
  }
  return fixExitCode(outcome.summary);
}

/** Returns the images to act on: `--image-ids`, or the images of the `--from` report that the options select. */
async function targetsOf(settings: FixSettings, io: CliIo): Promise<{ targets: FixTarget[]; notSelected: number }> {
  if (settings.from === undefined) {
    const region = settings.regions[0] ?? null;
    return { targets: settings.imageIds.map((imageId) => ({ imageId, region, accountId: null })), notSelected: 0 };
  }
  const report = await readFixTargets(settings.from);
  const missing = settings.imageIds.filter((id) => !report.targets.some((target) => target.imageId === id));
  if (missing.length > 0) {
    throw new AmiAuditError('Usage', `--image-ids ${missing.join(' ')} ${missing.length === 1 ? 'is' : 'are'} not in ${settings.from}: with --from, --image-ids chooses among the report's images`);
  }
  if (!report.complete) {
    io.stderr.write(`ami-audit: warning: ${terminalSafe(`${settings.from} comes from an incomplete scan: images it could not read are not in it`)}\n`);
  }
  const { selected, notSelected } = selectTargets(report.targets, {
    ...(settings.only ? { only: settings.only } : {}),
    regions: settings.regions,
    imageIds: settings.imageIds,
  });
  return { targets: selected, notSelected };
}
