import { readFile } from 'node:fs/promises';
import type { ReportFinding, ReportImage, ReportSuppression } from '../core/diff.js';
import type { ReportPart } from '../core/merge.js';
import { isSeverity } from '../core/severity.js';
import { AmiAuditError } from '../errors.js';
import { terminalSafe } from '../render/sanitize.js';

/** The report version this ami-audit reads: the `schemaVersion` of `--output json` and `--output ndjson`. */
export const REPORT_SCHEMA_VERSION = 1;

/** A saved ami-audit report, its images read by one reader (`readReportImage` by default). */
export interface ReportFileOf<T> {
  images: T[];
  /** False when the report's summary says the scan was incomplete (a region or an image was not read). */
  complete: boolean;
  /** The file, as the user named it, for messages. */
  source: string;
}

/** A saved ami-audit report, reduced to what a comparison needs: each image's identity, name and findings. */
export type ReportFile = ReportFileOf<ReportImage>;

/** Reads one image object of a report, or throws an `InvalidInput` error naming `where` in `source`. */
export type ReportImageReader<T> = (image: unknown, where: string, source: string) => T;

const EXPECTED = 'expected the output of "ami-audit scan --output json" or "--output ndjson"';
/** The longest piece of a value from the file that a message shows. */
const SHOWN_LENGTH = 64;

/** Returns text from the file made safe for one line on a terminal: sanitised, cut, quoted. */
export function show(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'nothing' : Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
  const safe = terminalSafe(value);
  return JSON.stringify(safe.length > SHOWN_LENGTH ? `${safe.slice(0, SHOWN_LENGTH)}…` : safe);
}

/** Returns the `InvalidInput` error for a report: the file, then the problem. */
export function invalid(source: string, problem: string, cause?: unknown): AmiAuditError {
  return new AmiAuditError('InvalidInput', `${source}: ${problem}`, cause === undefined ? undefined : { cause });
}

/** Reads and parses an ami-audit report (JSON or NDJSON, told apart by content); see `parseReport`. */
export async function readReport(path: string): Promise<ReportFile> {
  return parseReport(await readText(path), path);
}

/** Reads and parses an ami-audit report like `readReport`, each image read by `readOne`. */
export async function readReportWith<T>(path: string, readOne: ReportImageReader<T>): Promise<ReportFileOf<T>> {
  return parseReportWith(await readText(path), path, readOne);
}

/** Reads an ami-audit report whole, every image with all its fields; see `parseWholeReport`. */
export async function readWholeReport(path: string): Promise<ReportPart> {
  return parseWholeReport(await readText(path), path);
}

/** Returns a file's text, or throws the one-line `InvalidInput` error that says why it cannot be read. */
async function readText(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a report' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new AmiAuditError('InvalidInput', `Cannot read ${path}: ${reason}`, { cause: error });
  }
  return text;
}

/** Returns true for a JSON object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns the images, findings and completeness of an ami-audit report given as text: the JSON
 * document of `--output json`, or the lines of `--output ndjson` (image lines, then a summary line
 * that carries `schemaVersion` and `tool`). Anything else is an `InvalidInput` error whose one-line
 * message names `source` and what is wrong; values from the text in it are made safe to print.
 */
export function parseReport(text: string, source: string): ReportFile {
  return parseReportWith(text, source, readReportImage);
}

/** Parses an ami-audit report like `parseReport`, each image read by `readOne`. */
export function parseReportWith<T>(text: string, source: string, readOne: ReportImageReader<T>): ReportFileOf<T> {
  const parsed = parseText(text, source);
  return { images: parsed.images.map(({ value, where }) => readOne(value, where, source)), complete: parsed.complete, source };
}

/**
 * Returns a whole ami-audit report given as text (JSON or NDJSON, as `parseReport` reads them): its
 * scope, summary, errors and skipped entries, and each image as the file has it, with every field,
 * including fields this version does not know. Each image is checked as `parseReport` checks it.
 */
export function parseWholeReport(text: string, source: string): ReportPart {
  const parsed = parseText(text, source);
  for (const { value, where } of parsed.images) readReportImage(value, where, source);
  const { header } = parsed;
  if (typeof header.scannedAt !== 'string') throw invalid(source, `has no "scannedAt": ${EXPECTED}`);
  if (!isObject(header.scope) || !Array.isArray(header.scope.accounts) || !Array.isArray(header.scope.regions)) throw invalid(source, `has no "scope" with "accounts" and "regions": ${EXPECTED}`);
  const errors = listOf(header.errors, '"errors"', source);
  errors.forEach((error, index) => {
    if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') throw invalid(source, `errors[${index}] must be an object with "code" and "message", got ${show(error)}`);
  });
  const skipped = listOf(header.skipped, '"skipped"', source);
  skipped.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.region !== 'string' || typeof entry.reason !== 'string') throw invalid(source, `skipped[${index}] must be an object with "region" and "reason", got ${show(entry)}`);
  });
  return {
    source,
    scannedAt: header.scannedAt,
    scope: header.scope as unknown as ReportPart['scope'],
    images: parsed.images.map(({ value }) => value as unknown as ReportPart['images'][number]),
    errors: errors as unknown as ReportPart['errors'],
    skipped: skipped as unknown as ReportPart['skipped'],
    summary: header.summary as unknown as ReportPart['summary'],
  };
}

function listOf(value: unknown, where: string, source: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(source, `has no ${where} list: ${EXPECTED}`);
  return value;
}

/** A report split into its header (the document, or the NDJSON summary line) and its images, not yet checked one by one. */
interface ParsedText {
  header: Record<string, unknown>;
  images: { value: unknown; where: string }[];
  complete: boolean;
}

function parseText(text: string, source: string): ParsedText {
  const body = text.replace(/^\uFEFF/, '');
  let whole: unknown;
  let parseError: Error | undefined;
  try {
    whole = JSON.parse(body);
  } catch (error) {
    parseError = error as Error;
  }
  if (parseError === undefined) {
    // A scan that listed no image streams one line only: its summary.
    if (isObject(whole) && typeof whole.type === 'string' && !('images' in whole)) return fromLines([whole], source);
    return fromDocument(whole, source);
  }
  const lines = body.split('\n').filter((line) => line.trim() !== '');
  const first = lines.length > 1 ? tryParse(lines[0]!) : undefined;
  if (isObject(first) && typeof first.type === 'string') {
    return fromLines(
      lines.map((line, index) => {
        const value = tryParse(line);
        if (!isObject(value)) throw invalid(source, `line ${index + 1} is not a JSON object (was the stream cut short?): ${EXPECTED}`);
        return value;
      }),
      source,
    );
  }
  const reason = terminalSafe(parseError.message).slice(0, 200);
  throw invalid(source, `is not valid JSON (${reason}): ${EXPECTED}`, parseError);
}

function tryParse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Checks that a document or summary line says it is an ami-audit report of the version this reads. */
function checkHeader(header: Record<string, unknown>, source: string): void {
  const tool = header.tool;
  if (!isObject(tool) || tool.name !== 'ami-audit') {
    const hint = Array.isArray(header.Images) ? ' (this looks like "aws ec2 describe-images" output: run "ami-audit scan --input <file> --output json" on it first)' : '';
    const named = isObject(tool) && tool.name !== undefined ? ` ("tool.name" is ${show(tool.name)})` : '';
    throw invalid(source, `is not an ami-audit report${named}${hint}: ${EXPECTED}`);
  }
  if (header.schemaVersion !== REPORT_SCHEMA_VERSION) {
    throw invalid(source, `has schemaVersion ${show(header.schemaVersion)}, and this ami-audit reads schemaVersion ${REPORT_SCHEMA_VERSION}: compare reports written by the same major version of ami-audit`);
  }
}

/** Returns whether the summary says the scan was complete; a summary without `complete` is not a report's. */
function readComplete(summary: unknown, where: string, source: string): boolean {
  if (!isObject(summary) || typeof summary.complete !== 'boolean') throw invalid(source, `${where} has no "complete": true or false: ${EXPECTED}`);
  return summary.complete;
}

function fromDocument(document: unknown, source: string): ParsedText {
  if (!isObject(document)) throw invalid(source, `is not an ami-audit report (a JSON ${Array.isArray(document) ? 'array' : typeof document === 'object' ? 'null' : typeof document}): ${EXPECTED}`);
  checkHeader(document, source);
  if (!Array.isArray(document.images)) throw invalid(source, `has no "images" list: ${EXPECTED}`);
  const complete = readComplete(document.summary, '"summary"', source);
  return { header: document, images: document.images.map((value: unknown, index) => ({ value, where: `images[${index}]` })), complete };
}

function fromLines(lines: Record<string, unknown>[], source: string): ParsedText {
  const summaryAt = lines.findIndex((line) => line.type === 'summary');
  if (summaryAt === -1) throw invalid(source, 'has no summary line: the NDJSON stream was cut short before the scan ended, so it cannot be compared');
  const summary = lines[summaryAt]!;
  checkHeader(summary, source);
  if (summaryAt !== lines.length - 1) throw invalid(source, `has lines after its summary line (line ${summaryAt + 1}): ${EXPECTED}`);
  const complete = readComplete(summary.summary, `the summary line's "summary"`, source);
  const images: ParsedText['images'] = [];
  // Error lines are counted in the summary already; a line of a type added later is left for its reader.
  lines.forEach((line, index) => {
    if (line.type === 'image') {
      const { type: _type, ...image } = line;
      images.push({ value: image, where: `line ${index + 1}` });
    }
  });
  return { header: summary, images, complete };
}

const optionalString = (value: unknown): value is string | null | undefined => value === undefined || value === null || typeof value === 'string';

/** Returns one image of the report, or throws naming the first field that does not fit. */
/** Reads one image of a report as a comparison needs it, or throws the `InvalidInput` error naming `where`. */
export function readReportImage(image: unknown, where: string, source: string): ReportImage {
  if (!isObject(image)) throw invalid(source, `${where} must be an image object, got ${show(image)}`);
  if (typeof image.imageId !== 'string' || image.imageId === '') throw invalid(source, `${where} "imageId" must be a string, got ${show(image.imageId)}`);
  const at = `${where} (${show(image.imageId)})`;
  for (const field of ['region', 'accountId', 'name'] as const) {
    if (!optionalString(image[field])) throw invalid(source, `${at} "${field}" must be a string or null, got ${show(image[field])}`);
  }
  if (!Array.isArray(image.findings)) throw invalid(source, `${at} "findings" must be a list, got ${show(image.findings)}`);
  const findings = image.findings.map((finding: unknown, index): ReportFinding => {
    const path = `${at} findings[${index}]`;
    if (!isObject(finding)) throw invalid(source, `${path} must be an object with "ruleId" and "severity", got ${show(finding)}`);
    if (typeof finding.ruleId !== 'string' || finding.ruleId === '') throw invalid(source, `${path} "ruleId" must be a string, got ${show(finding.ruleId)}`);
    if (typeof finding.severity !== 'string' || !isSeverity(finding.severity)) {
      throw invalid(source, `${path} "severity" must be info, low, medium, high or critical, got ${show(finding.severity)}`);
    }
    const suppressed = readSuppression(finding.suppressed, `${path} "suppressed"`, source);
    return { ruleId: finding.ruleId, severity: finding.severity, ...(suppressed ? { suppressed } : {}) };
  });
  return {
    accountId: (image.accountId as string | null | undefined) ?? null,
    region: (image.region as string | null | undefined) ?? null,
    imageId: image.imageId,
    name: (image.name as string | null | undefined) ?? null,
    findings,
  };
}

/** Returns a finding's suppression (`{reason, expires}`), undefined when it has none. */
function readSuppression(value: unknown, where: string, source: string): ReportSuppression | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  if (!isObject(value)) throw invalid(source, `${where} must be an object {"reason": ..., "expires": ...}, got ${show(value)}`);
  if (!optionalString(value.reason) || !optionalString(value.expires)) throw invalid(source, `${where} "reason" and "expires" must be strings`);
  return { ...(typeof value.reason === 'string' ? { reason: value.reason } : {}), ...(typeof value.expires === 'string' ? { expires: value.expires } : {}) };
}
