import type { ClassifiedImage, ScanError, ScanResult } from '../core/types.js';
import { SCHEMA_VERSION } from './json.js';
import { toJsonText } from './json-text.js';
import { renderWhole, type OutputFormatSpec, type ReportRenderer, type ScanReport, type ToolInfo } from './renderer.js';

/**
 * NDJSON lines (`--output ndjson`, `schema/scan-line.v1.json`), each a complete JSON object with a
 * `type`: `image` lines as images are classified, `error` lines as errors happen, and one `summary`
 * line at the end that carries everything the JSON document has but the images. A consumer knows the
 * stream is whole when the summary line has arrived.
 */
export class NdjsonRenderer implements ReportRenderer {
  constructor(private readonly tool: ToolInfo) {}

  begin(): string {
    return '';
  }

  image(image: ClassifiedImage): string {
    return renderNdjsonImage(image);
  }

  error(error: ScanError): string {
    return renderNdjsonError(error);
  }

  end(report: ScanReport): string {
    return renderNdjsonSummary(report, this.tool);
  }
}

export const ndjsonFormat: OutputFormatSpec = {
  name: 'ndjson',
  description: 'one JSON line per image as it is classified, then a summary line (schema/scan-line.v1.json)',
  create: (context) => new NdjsonRenderer(context.tool),
};

/** Returns the `image` line of one image. */
export function renderNdjsonImage(image: ClassifiedImage): string {
  return `${toJsonText({ type: 'image', ...image })}\n`;
}

/** Returns the `error` line of one error. */
export function renderNdjsonError(error: ScanError): string {
  return `${toJsonText({ type: 'error', ...error })}\n`;
}

/** Returns the closing `summary` line. */
export function renderNdjsonSummary(report: ScanReport, tool: ToolInfo): string {
  return `${toJsonText({
    type: 'summary',
    schemaVersion: SCHEMA_VERSION,
    tool,
    scannedAt: report.scannedAt,
    scope: report.scope,
    summary: report.summary,
    errors: report.errors,
    skipped: report.skipped,
  })}\n`;
}

/** Returns the NDJSON lines of a whole result. */
export function renderNdjson(result: ScanResult, tool: ToolInfo): string {
  return renderWhole(new NdjsonRenderer(tool), result);
}
