import type { DiffResult } from '../core/diff.js';
import { toJsonText } from './json-text.js';

/** The version of the diff document (`schema/diff-result.v1.json`); it changes only when a field changes meaning. */
export const DIFF_SCHEMA_VERSION = 1;

/**
 * Returns the JSON document of a diff (`schema/diff-result.v1.json`). `complete` is false when either
 * report came from an incomplete scan, so that "fixed" and "removed" may only have been unread.
 */
export function renderDiffJson(diff: DiffResult, complete: boolean): string {
  return `${toJsonText({ schemaVersion: DIFF_SCHEMA_VERSION, complete, images: diff.images, findings: diff.findings }, 2)}\n`;
}
