import type { FixOutcome } from '../core/fix.js';
import { toJsonText } from './json-text.js';

/** The version of the fix document (`schema/fix-result.v1.json`); it changes only when a field changes meaning. */
export const FIX_SCHEMA_VERSION = 1;

/** Returns the JSON document of a fix run (`schema/fix-result.v1.json`): a result per image and the counts. */
export function renderFixJson(outcome: FixOutcome): string {
  return `${toJsonText({ schemaVersion: FIX_SCHEMA_VERSION, dryRun: outcome.dryRun, aborted: outcome.aborted, results: outcome.results, summary: outcome.summary }, 2)}\n`;
}
