import { EXIT } from './policy.js';
import type { FixResult } from './fix-plan.js';

/** The counts of a fix run: every requested image ends in exactly one of the five actions. */
export interface FixSummary {
  /** Images the run was asked about (after `--only`, `--region` and `--image-ids` selected them). */
  requested: number;
  flagged: number;
  wouldFlag: number;
  already: number;
  refused: number;
  failed: number;
  /** Images of the report that `--only`, `--region` or `--image-ids` left out. */
  notSelected: number;
}

/** Returns the counts of the results. */
export function summarizeFix(results: readonly FixResult[], notSelected = 0): FixSummary {
  const summary: FixSummary = { requested: results.length, flagged: 0, wouldFlag: 0, already: 0, refused: 0, failed: 0, notSelected };
  for (const result of results) {
    if (result.action === 'flagged') summary.flagged += 1;
    else if (result.action === 'would-flag') summary.wouldFlag += 1;
    else if (result.action === 'already') summary.already += 1;
    else if (result.action === 'refused') summary.refused += 1;
    else summary.failed += 1;
  }
  return summary;
}

/**
 * Returns the exit status of a fix run: 3 when any image failed (the run could not finish what it
 * was asked: that wins over a refusal), 1 when any was refused, else 0 (every image ended flagged,
 * would-flag or already; also when the selection left no image: nothing was asked, nothing went wrong).
 */
export function fixExitCode(summary: FixSummary): number {
  if (summary.failed > 0) return EXIT.incomplete;
  if (summary.refused > 0) return EXIT.findings;
  return EXIT.clean;
}
