import { readFile } from 'node:fs/promises';
import type { Image } from '@aws-sdk/client-ec2';
import { imageRecordFromEc2 } from '../aws/image-record.js';
import { isKnownValue, KNOWN_VALUES, type EnumField } from '../core/ec2-values.js';
import type { ImageRecord } from '../core/types.js';
import { AmiAuditError } from '../errors.js';
import { stripControlSequences } from '../render/sanitize.js';
import { checkImageShape, describeValue } from './check-image-shape.js';

/** The images of a saved document, and what the user should know about them (printed on stderr). */
export interface ImagesDocument {
  images: ImageRecord[];
  /** One line each, without a prefix; values from the file are already made safe to print. */
  warnings: string[];
}

/** Reads all of standard input as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Returns the images of a saved `aws ec2 describe-images` document (`{"Images": [...]}`), from a file
 * or from standard input (`-`). Anything else is an `InvalidInput` error that says what was expected.
 */
export async function readImagesDocument(path: string, region: string | null): Promise<ImagesDocument> {
  const source = path === '-' ? 'standard input' : path;
  let text: string;
  try {
    text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new AmiAuditError('InvalidInput', `Cannot read --input ${source}: ${reason}`, { cause: error });
  }
  return parseImagesDocument(text, source, region);
}

/** The longest piece of a value from the file that a message shows. */
const SHOWN_LENGTH = 64;
/** How many image ids a warning names before it says "and N more". */
const SHOWN_IDS = 3;

/** Returns text from the file made safe for one line on a terminal: controls stripped, cut, quoted. */
function show(text: string): string {
  const safe = stripControlSequences(text);
  return JSON.stringify(safe.length > SHOWN_LENGTH ? `${safe.slice(0, SHOWN_LENGTH)}…` : safe);
}

/** Returns "ami-a, ami-b, ami-c and 4 more" for a warning. */
function listIds(ids: readonly string[]): string {
  const shown = ids.slice(0, SHOWN_IDS).join(', ');
  return ids.length > SHOWN_IDS ? `${shown} and ${ids.length - SHOWN_IDS} more` : shown;
}

/** What ami-audit does with an image whose field holds a value EC2 did not document when it was written. */
const UNKNOWN_VALUE_EFFECT: Record<EnumField, string> = {
  Architecture: 'where BootMode is unset, the boot mode is not decided (BOOT_MODE_UNKNOWN)',
  BootMode: 'the boot mode is not decided (BOOT_MODE_UNKNOWN), and no boot or TPM finding is raised on a guess',
  ImdsSupport: 'IMDSv2 cannot be confirmed as required, so the image is not ready (IMDS_V1_ALLOWED)',
  TpmSupport: 'on an image that does not boot UEFI, the TPM check is not decided (TPM_UNDECIDED)',
  State: 'the image is reported as not available (NOT_AVAILABLE)',
};

/** Returns the images of a `describe-images` JSON text; `source` names it in error messages and warnings. */
export function parseImagesDocument(text: string, source: string, region: string | null): ImagesDocument {
  const expected = 'expected the JSON of "aws ec2 describe-images" ({"Images": [...]})';
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = stripControlSequences((error as Error).message).slice(0, 200);
    throw new AmiAuditError('InvalidInput', `--input ${source} is not valid JSON (${reason}): ${expected}`, { cause: error });
  }
  const images = (document as { Images?: unknown } | null)?.Images;
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !Array.isArray(images)) {
    throw new AmiAuditError('InvalidInput', `--input ${source} has no "Images" list: ${expected}`);
  }

  const problems: string[] = [];
  images.forEach((image: unknown, index) => {
    if (typeof image !== 'object' || image === null || Array.isArray(image)) {
      problems.push(`Images[${index}] must be an object with an "ImageId", got ${describeValue(image, show)}`);
      return;
    }
    const found = checkImageShape(image as Record<string, unknown>);
    if (!found) return;
    // Past the ImageId check, the id is ami- and hex digits: safe to print as it is.
    const id = found.field === 'ImageId' ? '' : ` (${(image as Image).ImageId})`;
    problems.push(`Images[${index}]${id} "${found.field}" ${found.problem}, got ${describeValue(found.value, show)}`);
  });
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} in the file)` : '';
    throw new AmiAuditError('InvalidInput', `--input ${source}: ${problems[0]}${more}`);
  }

  const warnings: string[] = [];
  const kept = dropDuplicates(images as Image[], source, warnings);
  warnUnknownValues(kept, source, warnings);
  return { images: kept.map((image) => imageRecordFromEc2(image, region, null)), warnings };
}

/**
 * Returns the images with each `ImageId` once (the first entry wins), and adds a warning for those
 * dropped: a document pieced together from several listings would otherwise count an image twice.
 * All images of a document share one region, so the id alone identifies an image.
 */
function dropDuplicates(images: readonly Image[], source: string, warnings: string[]): Image[] {
  const seen = new Set<string>();
  const kept: Image[] = [];
  const dropped: string[] = [];
  for (const image of images) {
    if (seen.has(image.ImageId!)) dropped.push(image.ImageId!);
    else {
      seen.add(image.ImageId!);
      kept.push(image);
    }
  }
  if (dropped.length > 0) {
    const distinct = [...new Set(dropped)];
    warnings.push(
      `--input ${source}: dropped ${dropped.length} duplicate entr${dropped.length === 1 ? 'y' : 'ies'} of ${distinct.length} image id${distinct.length === 1 ? '' : 's'} listed more than once (${listIds(distinct)}); each image is classified once, from its first entry`,
    );
  }
  return kept;
}

/**
 * Adds one warning for each value of an enumerated field that EC2 did not document when ami-audit was
 * written (and for images whose boot mode depends on a missing architecture). The value is kept as it
 * is in the output; the checks that depend on it say that they could not decide.
 */
function warnUnknownValues(images: readonly Image[], source: string, warnings: string[]): void {
  const unknown = new Map<string, { field: EnumField; value: string; ids: string[] }>();
  const noArchitecture: string[] = [];
  for (const image of images) {
    for (const field of Object.keys(KNOWN_VALUES) as EnumField[]) {
      const value: unknown = image[field];
      // An empty string is how EC2 writes an unset value; imageRecordFromEc2 reads it as unset.
      if (typeof value !== 'string' || value === '' || isKnownValue(field, value)) continue;
      const key = `${field}\u0000${value}`;
      const entry = unknown.get(key) ?? { field, value, ids: [] };
      entry.ids.push(image.ImageId!);
      unknown.set(key, entry);
    }
    if (!image.BootMode && !image.Architecture) noArchitecture.push(image.ImageId!);
  }
  for (const { field, value, ids } of unknown.values()) {
    const images = `${ids.length} image${ids.length === 1 ? '' : 's'} (${listIds(ids)})`;
    warnings.push(
      `--input ${source}: ${field} ${show(value)} on ${images} is not a value ami-audit knows (${KNOWN_VALUES[field].join(', ')}): kept as it is; ${UNKNOWN_VALUE_EFFECT[field]}`,
    );
  }
  if (noArchitecture.length > 0) {
    const count = noArchitecture.length === 1 ? '1 image' : `${noArchitecture.length} images`;
    const have = noArchitecture.length === 1 ? 'has' : 'have';
    warnings.push(`--input ${source}: ${count} (${listIds(noArchitecture)}) ${have} neither BootMode nor Architecture: the boot mode is not decided (BOOT_MODE_UNKNOWN)`);
  }
}
