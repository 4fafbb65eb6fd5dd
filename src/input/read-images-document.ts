import { readFile } from 'node:fs/promises';
import type { Image } from '@aws-sdk/client-ec2';
import { imageRecordFromEc2 } from '../aws/image-record.js';
import type { ImageRecord } from '../core/types.js';
import { AmiAuditError } from '../errors.js';

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
export async function readImagesDocument(path: string, region: string | null): Promise<ImageRecord[]> {
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

/** Returns the images of a `describe-images` JSON text; `source` names it in error messages. */
export function parseImagesDocument(text: string, source: string, region: string | null): ImageRecord[] {
  const expected = 'expected the JSON of "aws ec2 describe-images" ({"Images": [...]})';
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new AmiAuditError('InvalidInput', `--input ${source} is not valid JSON (${(error as Error).message}): ${expected}`, { cause: error });
  }
  const images = (document as { Images?: unknown } | null)?.Images;
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !Array.isArray(images)) {
    throw new AmiAuditError('InvalidInput', `--input ${source} has no "Images" list: ${expected}`);
  }
  return images.map((image: unknown, index) => {
    if (typeof image !== 'object' || image === null || typeof (image as Image).ImageId !== 'string') {
      throw new AmiAuditError('InvalidInput', `--input ${source}: Images[${index}] has no "ImageId" string: ${expected}`);
    }
    return imageRecordFromEc2(image as Image, region, null);
  });
}
