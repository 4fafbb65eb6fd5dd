import type { ClassifiedImage } from '../core/types.js';
import { indentedJson, toJsonText } from './json-text.js';
import { renderWhole, type OutputFormatSpec, type RenderContext, type ReportRenderer, type ScanReport, type ToolInfo } from './renderer.js';
import type { ScanResult } from '../core/types.js';

export type { ToolInfo };

/** The version of the JSON document; it changes only when a field changes meaning or goes away. */
export const SCHEMA_VERSION = 1;

/**
 * The JSON document for machines (`schema/scan-result.v1.json`), written as a stream: the header,
 * then each image as it is classified, then the summary, errors and skipped regions once the scan is
 * over. Memory stays flat however many images there are, and the text is the same as one
 * pretty-printed `JSON.stringify` of the whole document. Strings from AWS keep their data; every
 * character a terminal would obey is escaped (`toJsonText`).
 */
export class JsonRenderer implements ReportRenderer {
  private images = 0;

  constructor(private readonly tool: ToolInfo) {}

  begin(): string {
    return `{\n  "schemaVersion": ${SCHEMA_VERSION},\n  "tool": ${indentedJson(this.tool, 2)},\n  "images": [`;
  }

  image(image: ClassifiedImage): string {
    this.images += 1;
    return `${this.images === 1 ? '' : ','}\n    ${indentedJson(image, 4)}`;
  }

  error(): string {
    return '';
  }

  end(report: ScanReport): string {
    const rest = {
      scannedAt: report.scannedAt,
      scope: report.scope,
      summary: report.summary,
      errors: report.errors,
      skipped: report.skipped,
    };
    const fields = Object.entries(rest).map(([key, value]) => `  ${toJsonText(key)}: ${indentedJson(value, 2)}`);
    return `${this.images === 0 ? '' : '\n  '}],\n${fields.join(',\n')}\n}\n`;
  }
}

export const jsonFormat: OutputFormatSpec = {
  name: 'json',
  description: 'one JSON document (schema/scan-result.v1.json), written as the scan goes',
  create: (context: RenderContext) => new JsonRenderer(context.tool),
};

/** Returns the JSON document of a whole result. */
export function renderJson(result: ScanResult, tool: ToolInfo): string {
  return renderWhole(new JsonRenderer(tool), result);
}
