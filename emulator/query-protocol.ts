// Parsing of EC2/STS Query requests: form-encoded parameters (`Action=...&Version=...`,
// flattened lists such as `Owner.1`, `Filter.1.Name`, `Filter.1.Value.1`), and the caller's
// region, service and access key id taken from the SigV4 credential scope
// (`Credential=AKID/20261127/us-east-1/ec2/aws4_request`). Signatures are not verified:
// the emulator has no secrets, it only needs to know who calls and where.

import { ApiError, Errors } from './errors.js';

export interface QueryFilter {
  name: string;
  values: string[];
}

export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

/** Read access to the flat Query parameter map with EC2's list conventions. */
export class QueryParams {
  private readonly map: Map<string, string>;

  constructor(entries: Iterable<[string, string]>) {
    this.map = new Map(entries);
  }

  get(name: string): string | undefined {
    return this.map.get(name);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  /** Every parameter, for fingerprinting requests (pagination tokens). */
  entries(): [string, string][] {
    return [...this.map.entries()];
  }

  /** A required scalar parameter; MissingParameter when absent or empty. */
  required(name: string): string {
    const v = this.map.get(name);
    if (v === undefined || v === '') throw Errors.missingParameter(name);
    return v;
  }

  /** `Prefix.1`, `Prefix.2`... in index order (indices need not be contiguous). */
  list(prefix: string): string[] {
    return this.indexed(prefix)
      .filter(([rest]) => rest === '')
      .map(([, , value]) => value);
  }

  /** `Filter.N.Name` / `Filter.N.Value.M` into filters, in index order. */
  filters(prefix = 'Filter'): QueryFilter[] {
    const byIndex = new Map<number, { name?: string; values: [number, string][] }>();
    for (const [rest, index, value] of this.indexed(prefix)) {
      const entry = byIndex.get(index) ?? { values: [] };
      byIndex.set(index, entry);
      if (rest === '.Name') entry.name = value;
      else {
        const m = /^\.Value\.(\d+)$/.exec(rest);
        if (m) entry.values.push([Number(m[1]), value]);
      }
    }
    return [...byIndex.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, e]) => {
        if (e.name === undefined) throw Errors.missingParameter(`${prefix}.Name`);
        return { name: e.name, values: e.values.sort((a, b) => a[0] - b[0]).map(([, v]) => v) };
      });
  }

  /** A boolean parameter (`true`/`false`, any case); InvalidParameterValue otherwise. */
  bool(name: string): boolean | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    const lower = v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw Errors.invalidParameterValue(`Value (${v}) for parameter ${name} is invalid. Expected a boolean.`);
  }

  /** An integer parameter; InvalidParameterValue when not an integer. */
  int(name: string): number | undefined {
    const v = this.map.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d+$/.test(v)) {
      throw Errors.invalidParameterValue(`Value (${v}) for parameter ${name} is invalid. Expected an integer.`);
    }
    return Number(v);
  }

  /** Entries `Prefix.<index><rest>` as [rest, index, value]. */
  private indexed(prefix: string): [string, number, string][] {
    const out: [string, number, string][] = [];
    const head = `${prefix}.`;
    for (const [key, value] of this.map) {
      if (!key.startsWith(head)) continue;
      const m = /^(\d+)(.*)$/.exec(key.slice(head.length));
      if (m) out.push([m[2]!, Number(m[1]), value]);
    }
    return out.sort((a, b) => a[1] - b[1]);
  }
}

/** Parses `Credential=AKID/date/region/service/aws4_request` out of a SigV4 Authorization header. */
export function parseCredentialScope(credential: string | undefined): CredentialScope | undefined {
  if (!credential) return undefined;
  const parts = credential.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request') return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  return { accessKeyId, date, region, service };
}

export function credentialFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /Credential=([^,\s]+)/.exec(header);
  return m?.[1];
}

export interface QueryRequest {
  params: QueryParams;
  action: string | undefined;
  version: string | undefined;
  /** From the credential scope; undefined for unsigned requests. */
  scope: CredentialScope | undefined;
}

/**
 * Builds a QueryRequest from the URL query string and the form body (EC2 accepts both GET
 * and POST; the SDK POSTs). Presigned requests carry the scope in `X-Amz-Credential`.
 */
export function parseQueryRequest(url: string, headers: Record<string, string | string[] | undefined>, body: string): QueryRequest {
  const search = new URL(url, 'http://localhost').searchParams;
  const entries: [string, string][] = [...search.entries()];
  const contentType = String(headers['content-type'] ?? '');
  if (body.length > 0) {
    if (contentType && !contentType.includes('application/x-www-form-urlencoded')) {
      throw new ApiError('InvalidParameterValue', `Unsupported content type: ${contentType}`);
    }
    entries.push(...new URLSearchParams(body).entries());
  }
  const params = new QueryParams(entries);
  const authorization = headers['authorization'];
  const credential =
    credentialFromAuthorization(Array.isArray(authorization) ? authorization[0] : authorization) ??
    params.get('X-Amz-Credential');
  return { params, action: params.get('Action'), version: params.get('Version'), scope: parseCredentialScope(credential) };
}
