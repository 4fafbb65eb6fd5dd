// MaxResults/NextToken pagination. Tokens are opaque to clients but carry the offset and a
// fingerprint of the request, so a token replayed with different parameters (or a made-up
// token) is rejected like EC2 rejects an invalid token.

import { createHash } from 'node:crypto';
import { Errors } from './errors.js';
import type { QueryParams } from './query-protocol.js';

export interface PageRequest {
  maxResults: number | undefined;
  nextToken: string | undefined;
}

/** Reads MaxResults (validated against the action's range) and NextToken. */
export function readPageRequest(params: QueryParams, min: number, max: number): PageRequest {
  const maxResults = params.int('MaxResults');
  if (maxResults !== undefined && (maxResults < min || maxResults > max)) {
    throw Errors.invalidParameterValue(
      `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
    );
  }
  const nextToken = params.get('NextToken') || undefined;
  return { maxResults, nextToken };
}

function fingerprint(params: QueryParams): string {
  const relevant = params
    .entries()
    .filter(([k]) => !['NextToken', 'MaxResults', 'DryRun', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-Date'].includes(k))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

/**
 * Slices one page out of `items`. Without MaxResults everything from the token's offset is
 * returned in one page (DescribeImages behaves like that). `cap` lets the emulator return
 * shorter pages than asked, as EC2 may.
 */
export function paginate<T>(items: T[], params: QueryParams, page: PageRequest, cap?: number): { items: T[]; nextToken?: string } {
  const fp = fingerprint(params);
  let offset = 0;
  if (page.nextToken !== undefined) {
    const decoded = decodeToken(page.nextToken);
    if (!decoded || decoded.f !== fp || decoded.o > items.length) throw Errors.invalidPaginationToken(page.nextToken);
    offset = decoded.o;
  }
  let size = page.maxResults ?? items.length - offset;
  if (page.maxResults !== undefined && cap !== undefined && cap > 0) size = Math.min(size, cap);
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  if (page.maxResults === undefined || end >= items.length) return { items: slice };
  return { items: slice, nextToken: encodeToken({ o: end, f: fp }) };
}

interface TokenBody {
  o: number;
  f: string;
}

function encodeToken(body: TokenBody): string {
  return Buffer.from(JSON.stringify({ v: 1, ...body })).toString('base64url');
}

function decodeToken(token: string): TokenBody | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody> & { v?: number };
    if (parsed.v !== 1 || !Number.isInteger(parsed.o) || (parsed.o as number) < 0 || typeof parsed.f !== 'string') return undefined;
    return { o: parsed.o as number, f: parsed.f };
  } catch {
    return undefined;
  }
}

/** An opaque token for other paginations (JSON services): any small JSON object, base64url. */
export function encodeOpaqueToken(body: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ v: 2, ...body })).toString('base64url');
}

/** The object of encodeOpaqueToken, or undefined for a token the emulator did not make. */
export function decodeOpaqueToken(token: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || (parsed as { v?: unknown }).v !== 2) return undefined;
    return parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
