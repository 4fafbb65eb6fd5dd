import type { ClassifiedImage, ScanError, ScanResult } from '../core/types.js';
import { SCHEMA_VERSION, type ToolInfo } from './json.js';

/**
 * NDJSON lines (`--output ndjson`), each a complete JSON object with a `type`: `image` lines as images
 * are classified, `error` lines as errors happen, and one `summary` line at the end that carries
 * everything the JSON document has but the images. A consumer knows the stream is whole when the
 * summary line has arrived.
 */
export function renderNdjsonImage(image: ClassifiedImage): string {
  return `${JSON.stringify({ type: 'image', ...image })}\n`;
}

export function renderNdjsonError(error: ScanError): string {
  return `${JSON.stringify({ type: 'error', ...error })}\n`;
}

export function renderNdjsonSummary(result: ScanResult, tool: ToolInfo): string {
  return `${JSON.stringify({
    type: 'summary',
    schemaVersion: SCHEMA_VERSION,
    tool,
    scannedAt: result.scannedAt,
    scope: result.scope,
    summary: result.summary,
    errors: result.errors,
    skipped: result.skipped,
  })}\n`;
}
