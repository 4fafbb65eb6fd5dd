import type { ClassifiedImage, ScanError, ScanResult } from '../core/types.js';

/** What a scan is at its end, without the images: they were handed to the renderer one by one. */
export type ScanReport = Omit<ScanResult, 'images'>;

/** The program that wrote a report: named in JSON, NDJSON and SARIF. */
export interface ToolInfo {
  name: string;
  version: string;
}

/** What a renderer may know of where its text goes. */
export interface RenderContext {
  tool: ToolInfo;
  /** Colour verdicts and severities (the table); the CLI decides from NO_COLOR, --no-color and the terminal. */
  color: boolean;
  /** The terminal's width, when the text goes to a terminal. */
  width?: number;
  /** SARIF: keep suppressed findings, marked as accepted suppressions (GitHub would show them as open). */
  includeSuppressed?: boolean;
}

/**
 * One output format, fed as the scan goes: `begin` before the first image, `image` as each image is
 * classified, `error` as each error happens, `end` once the scan is over. Each returns the text to
 * write next (possibly empty). A renderer that streams keeps nothing per image, so its memory stays
 * flat however large the estate; one that needs every image to lay itself out (the table) keeps
 * only what it prints.
 */
export interface ReportRenderer {
  begin(): string;
  image(image: ClassifiedImage): string;
  error(error: ScanError): string;
  end(report: ScanReport): string;
  /** Lines for stderr once `end` has run: what the format had to leave out, for instance. */
  notices?(): string[];
}

/** A format in the registry: its name, a line for `--help`, and how to make a renderer for one report. */
export interface OutputFormatSpec {
  name: string;
  description: string;
  create(context: RenderContext): ReportRenderer;
}

/** Returns the whole text of a result in one format: the renderer fed every image, then the end. */
export function renderWhole(renderer: ReportRenderer, result: ScanResult): string {
  const { images, ...report } = result;
  const parts = [renderer.begin()];
  for (const image of images) parts.push(renderer.image(image));
  parts.push(report.errors.map((error) => renderer.error(error)).join(''));
  parts.push(renderer.end(report));
  return parts.join('');
}
