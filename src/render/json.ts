import type { ScanResult } from '../core/types.js';

/** The version of the JSON document; it changes only when a field changes meaning or goes away. */
export const SCHEMA_VERSION = 1;

export interface ToolInfo {
  name: string;
  version: string;
}

/**
 * Returns the JSON document for machines (`schema/scan-result.v1.json`). Strings from AWS are kept as
 * they are: JSON escapes control characters, so the document is safe to print and lossless for `jq`.
 */
export function renderJson(result: ScanResult, tool: ToolInfo): string {
  const document = {
    schemaVersion: SCHEMA_VERSION,
    tool,
    scannedAt: result.scannedAt,
    scope: result.scope,
    summary: result.summary,
    images: result.images,
    errors: result.errors,
    skipped: result.skipped,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
