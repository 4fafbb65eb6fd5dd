import { csvFormat } from './csv.js';
import { jsonFormat } from './json.js';
import { markdownFormat } from './markdown.js';
import { ndjsonFormat } from './ndjson.js';
import type { OutputFormatSpec } from './renderer.js';
import { sarifFormat } from './sarif.js';
import { tableFormat } from './table.js';

/** Every output format, by name: `--output` chooses one, and the help text lists them from here. */
export const OUTPUT_FORMATS = {
  table: tableFormat,
  json: jsonFormat,
  ndjson: ndjsonFormat,
  csv: csvFormat,
  sarif: sarifFormat,
  markdown: markdownFormat,
} as const satisfies Record<string, OutputFormatSpec>;

export type OutputFormat = keyof typeof OUTPUT_FORMATS;
export const OUTPUT_FORMAT_NAMES = Object.keys(OUTPUT_FORMATS) as OutputFormat[];

export type { OutputFormatSpec, RenderContext, ReportRenderer, ScanReport, ToolInfo } from './renderer.js';
