// The AWS JSON protocols (1.0 and 1.1): a POST whose `X-Amz-Target: <prefix>.<Operation>` header
// names the service and the operation, with the input as a JSON body. Answers are JSON; errors carry
// `__type` (which the SDK reads for the exception name) and the message, and query-compatible
// services (CloudWatch) also send `x-amzn-query-error: <Code>;<Sender|Receiver>`, which the SDK
// reads first, so `err.Code`/`err.name` are the codes the older Query API used.

import type { Account, Estate, RegionState } from './estate.js';
import { ApiError } from './errors.js';
import { credentialFromAuthorization, parseCredentialScope, type CredentialScope } from './query-protocol.js';

/** What a JSON operation handler gets. */
export interface JsonContext {
  input: Record<string, unknown>;
  estate: Estate;
  account: Account;
  regionName: string;
  /** The region's resources (regional services only). */
  region: RegionState | undefined;
  now: Date;
  /** Empty ListAccounts pages served before each non-empty one (the emptyAccountPages knob). */
  emptyAccountPages: number;
}

export type JsonHandler = (ctx: JsonContext) => unknown;

/** A JSON service: its target prefix, protocol version, operations and error wording. */
export interface JsonService {
  /** The service's name in IAM actions and SigV4 scopes (`organizations`, `monitoring`...). */
  iamPrefix: string;
  targetPrefix: string;
  jsonVersion: '1.0' | '1.1';
  /** Sends `x-amzn-query-error` with the Query error code (CloudWatch's awsQueryCompatible trait). */
  queryCompatible: boolean;
  /** Regional services refuse calls into a region the account has not enabled. */
  regional: boolean;
  /** Member holding the error message (`message` or `Message`, as the service's model names it). */
  messageKey: 'message' | 'Message';
  /** Smithy namespace of the service's error shapes, for `__type`. */
  errorNamespace: string;
  /** `__type` shape name of a Query error code, when the two differ (query-compatible services). */
  errorShapes?: Record<string, string>;
  operations: Record<string, JsonHandler>;
  /** The service's wording of the emulator's own errors. */
  errors: {
    throttled(): ApiError;
    internal(): ApiError;
    unavailable(): ApiError;
    denied(account: Account, operation: string): ApiError;
    regionDisabled(region: string): ApiError;
  };
}

export interface JsonRequest {
  service: JsonService | undefined;
  target: string;
  operation: string;
  input: Record<string, unknown>;
  scope: CredentialScope | undefined;
}

/** True for a request in a JSON protocol (it names its operation in X-Amz-Target). */
export function isJsonRequest(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['x-amz-target'] !== undefined;
}

/** Indexes services by target prefix. */
export function jsonServiceTable(services: JsonService[]): Map<string, JsonService> {
  return new Map(services.map((s) => [s.targetPrefix, s]));
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Reads target, operation, input and credential scope. Throws ApiError for an unknown target,
 * a content type of the wrong protocol version or a body that is not a JSON object.
 */
export function parseJsonRequest(
  headers: Record<string, string | string[] | undefined>,
  body: string,
  services: Map<string, JsonService>,
): JsonRequest {
  const target = header(headers, 'x-amz-target') ?? '';
  const dot = target.lastIndexOf('.');
  const service = services.get(target.slice(0, dot));
  const operation = dot > 0 ? target.slice(dot + 1) : target;
  const scope = parseCredentialScope(credentialFromAuthorization(header(headers, 'authorization')));
  const request: JsonRequest = { service, target, operation, input: {}, scope };
  if (!service || !(operation in service.operations)) {
    throw new ApiError('UnknownOperationException', `Unknown operation ${target}`, 400);
  }
  const contentType = header(headers, 'content-type') ?? '';
  if (!contentType.startsWith(`application/x-amz-json-${service.jsonVersion}`)) {
    throw new ApiError('SerializationException', `Expected Content-Type application/x-amz-json-${service.jsonVersion}, got ${contentType || 'none'}`, 400);
  }
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new ApiError('SerializationException', 'The request body is not valid JSON', 400);
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ApiError('SerializationException', 'The request body must be a JSON object', 400);
  }
  request.input = input as Record<string, unknown>;
  return request;
}

/** Rewords the emulator's generic errors (throttling, injected faults) in the service's terms. */
export function adaptGenericError(service: JsonService, err: ApiError): ApiError {
  switch (err.code) {
    case 'RequestLimitExceeded':
      return service.errors.throttled();
    case 'InternalError':
      return service.errors.internal();
    case 'Unavailable':
      return service.errors.unavailable();
    default:
      return err;
  }
}

export interface JsonAnswer {
  status: number;
  contentType: string;
  headers: Record<string, string>;
  body: string;
}

/** A successful answer. */
export function jsonResult(service: JsonService, output: unknown): JsonAnswer {
  return { status: 200, contentType: `application/x-amz-json-${service.jsonVersion}`, headers: {}, body: JSON.stringify(output ?? {}) };
}

/** An error answer in the service's envelope (without a service: plain JSON 1.1, as for an unknown target). */
export function jsonError(service: JsonService | undefined, err: ApiError): JsonAnswer {
  const shape = service?.errorShapes?.[err.code] ?? err.code;
  const type = service ? `${service.errorNamespace}#${shape}` : shape;
  const body = { __type: type, [service?.messageKey ?? 'message']: err.message, ...err.fields };
  const headers: Record<string, string> = { 'x-amzn-ErrorType': shape };
  if (service?.queryCompatible) headers['x-amzn-query-error'] = `${err.code};${err.status >= 500 ? 'Receiver' : 'Sender'}`;
  return { status: err.status, contentType: `application/x-amz-json-${service?.jsonVersion ?? '1.1'}`, headers, body: JSON.stringify(body) };
}

/** Reads an optional integer member; `invalid` builds the service's error for a bad value. */
export function optionalInteger(input: Record<string, unknown>, name: string, invalid: (message: string) => ApiError): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalid(`${name} must be an integer`);
  return v;
}

/** Reads an optional string member. */
export function optionalString(input: Record<string, unknown>, name: string, invalid: (message: string) => ApiError): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalid(`${name} must be a string`);
  return v;
}
