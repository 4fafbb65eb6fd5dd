// CloudWatch (JSON 1.0, `GraniteServiceVersion20100801.<Operation>`, query-compatible errors):
// GetMetricData over the estate's AWS/EC2 MetadataNoToken and MetadataNoTokenRejected metrics,
// dimension InstanceId. Datapoints between StartTime (inclusive) and EndTime (exclusive) are
// aggregated into Period buckets aligned on multiples of the period; an instance without datapoints
// gets an empty result (never zeros), and only the instance's owner sees its metrics. Answers hold
// at most maxDatapointsPerCall datapoints (CloudWatch: 100,800); the rest follows with NextToken,
// and a query cut short reads StatusCode PartialData.

import { createHash } from 'node:crypto';
import type { EstateInstance } from '../estate.js';
import { METADATA_METRICS, type MetadataMetricName, type MetricSeries } from '../estate-fleet.js';
import { ApiError } from '../errors.js';
import type { JsonContext, JsonService } from '../json-protocol.js';
import { decodeOpaqueToken, encodeOpaqueToken } from '../pagination.js';

/** CloudWatch's own cap on datapoints per GetMetricData answer. */
export const CLOUDWATCH_MAX_DATAPOINTS = 100_800;
const MAX_QUERIES = 500;
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

const validation = (message: string) => new ApiError('ValidationError', message, 400);
const invalidValue = (message: string) => new ApiError('InvalidParameterValue', message, 400);
const missing = (message: string) => new ApiError('MissingParameter', message, 400);

interface Query {
  id: string;
  label: string | undefined;
  returnData: boolean;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  periodMs: number;
  stat: string;
}

interface Series {
  query: Query;
  /** Bucket starts (epoch ms) and values, in ScanBy order. */
  times: number[];
  values: number[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON 1.0 timestamp: epoch seconds (the SDK's form), or an ISO string. */
function readTime(v: unknown, name: string): number {
  if (v === undefined || v === null) throw missing(`The parameter ${name} is required.`);
  const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw invalidValue(`The parameter ${name} must be a timestamp.`);
  return ms;
}

function readQueries(input: Record<string, unknown>): Query[] {
  const raw = input.MetricDataQueries;
  if (!Array.isArray(raw) || raw.length === 0) throw missing('The parameter MetricDataQueries is required.');
  if (raw.length > MAX_QUERIES) {
    throw validation(
      `1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_QUERIES}`,
    );
  }
  const ids = new Set<string>();
  return raw.map((q, i) => {
    const at = `MetricDataQueries.member.${i + 1}`;
    if (!isObject(q)) throw validation(`${at} must be an object.`);
    if (typeof q.Id !== 'string' || !QUERY_ID.test(q.Id) || q.Id.length > 255) {
      throw validation(`The value ${JSON.stringify(q.Id)} for parameter ${at}.Id is not valid: it must start with a lower-case letter and hold only letters, digits and _.`);
    }
    if (ids.has(q.Id)) throw validation(`The values for parameter id in MetricDataQueries are not unique: ${q.Id}.`);
    ids.add(q.Id);
    if (q.Expression !== undefined) throw validation(`${at}.Expression: metric math is not served by this emulator; use MetricStat.`);
    const ms = q.MetricStat;
    if (!isObject(ms)) throw validation(`Exactly one of MetricStat or Expression must be set in ${at}.`);
    const metric = ms.Metric;
    if (!isObject(metric) || typeof metric.Namespace !== 'string' || typeof metric.MetricName !== 'string') {
      throw missing(`The parameters ${at}.MetricStat.Metric.Namespace and MetricName are required.`);
    }
    const dims = metric.Dimensions ?? [];
    if (!Array.isArray(dims) || !dims.every((d) => isObject(d) && typeof d.Name === 'string' && typeof d.Value === 'string')) {
      throw invalidValue(`${at}.MetricStat.Metric.Dimensions must be a list of {Name, Value}.`);
    }
    const period = ms.Period;
    if (!Number.isInteger(period) || (period as number) < 1) throw validation(`The parameter ${at}.MetricStat.Period must be a positive integer.`);
    if (![1, 5, 10, 20, 30].includes(period as number) && (period as number) % 60 !== 0) {
      throw validation(`The parameter ${at}.MetricStat.Period must be 1, 5, 10, 20, 30 or a multiple of 60.`);
    }
    if (typeof ms.Stat !== 'string' || ms.Stat === '') throw missing(`The parameter ${at}.MetricStat.Stat is required.`);
    return {
      id: q.Id,
      label: typeof q.Label === 'string' ? q.Label : undefined,
      returnData: q.ReturnData !== false,
      namespace: metric.Namespace,
      metricName: metric.MetricName,
      dimensions: dims as { Name: string; Value: string }[],
      periodMs: (period as number) * 1000,
      stat: ms.Stat,
    };
  });
}

// Owner of each instance id, per region's instance list (built once; instances do not change).
const ownersCache = new WeakMap<EstateInstance[], Map<string, string | undefined>>();
function ownerOf(instances: EstateInstance[], id: string): string | undefined {
  let owners = ownersCache.get(instances);
  if (!owners) {
    owners = new Map(instances.map((i) => [i.InstanceId, i.OwnerId]));
    ownersCache.set(instances, owners);
  }
  return owners.get(id);
}

/** The raw series a query names, if the caller may see it. */
function seriesFor(ctx: JsonContext, q: Query): MetricSeries | undefined {
  if (q.namespace !== 'AWS/EC2' || !METADATA_METRICS.includes(q.metricName as MetadataMetricName)) return undefined;
  if (q.dimensions.length !== 1 || q.dimensions[0]!.Name !== 'InstanceId') return undefined;
  const instanceId = q.dimensions[0]!.Value;
  if (!ctx.region || ownerOf(ctx.region.instances, instanceId) !== ctx.account.accountId) return undefined;
  return ctx.region.metrics.get(instanceId)?.[q.metricName as MetadataMetricName];
}

/** First index whose time is >= t. */
function lowerBound(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Aggregates the datapoints in [start, end) into period buckets with the query's statistic. */
function aggregate(raw: MetricSeries | undefined, q: Query, start: number, end: number, ascending: boolean): Series {
  const buckets = new Map<number, { sum: number; count: number; min: number; max: number }>();
  if (raw) {
    for (let i = lowerBound(raw.times, start); i < raw.times.length && raw.times[i]! < end; i++) {
      const key = Math.floor(raw.times[i]! / q.periodMs) * q.periodMs;
      const v = raw.values[i]!;
      const b = buckets.get(key);
      if (b) {
        b.sum += v;
        b.count++;
        b.min = Math.min(b.min, v);
        b.max = Math.max(b.max, v);
      } else buckets.set(key, { sum: v, count: 1, min: v, max: v });
    }
  }
  const keys = [...buckets.keys()].sort((a, b) => (ascending ? a - b : b - a));
  const value = (b: { sum: number; count: number; min: number; max: number }): number => {
    switch (q.stat) {
      case 'SampleCount':
        return b.count;
      case 'Average':
        return b.sum / b.count;
      case 'Minimum':
        return b.min;
      case 'Maximum':
        return b.max;
      default:
        return b.sum; // Sum, and any other statistic (percentiles...) answers the sum.
    }
  };
  return { query: q, times: keys, values: keys.map((k) => value(buckets.get(k)!)) };
}

function fingerprint(input: Record<string, unknown>): string {
  const { NextToken: _token, MaxDatapoints: _max, ...rest } = input;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

function getMetricData(ctx: JsonContext) {
  const { input } = ctx;
  const queries = readQueries(input);
  const start = readTime(input.StartTime, 'StartTime');
  const end = readTime(input.EndTime, 'EndTime');
  if (start >= end) throw validation('The parameter StartTime must be less than the parameter EndTime.');
  const scanBy = input.ScanBy ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw validation(`1 validation error detected: Value '${String(scanBy)}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`);
  }
  const maxDatapoints = input.MaxDatapoints;
  if (maxDatapoints !== undefined && (!Number.isInteger(maxDatapoints) || (maxDatapoints as number) < 1)) {
    throw invalidValue('The parameter MaxDatapoints must be a positive integer.');
  }
  const cap = Math.min(ctx.maxDatapointsPerCall, (maxDatapoints as number | undefined) ?? Infinity);

  const fp = fingerprint(input);
  let offset = 0;
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const t = typeof input.NextToken === 'string' ? decodeOpaqueToken(input.NextToken) : undefined;
    if (!t || t.s !== 'GetMetricData' || t.f !== fp || !Number.isInteger(t.o)) throw new ApiError('InvalidNextToken', 'The service returned an invalid next token.', 400);
    offset = t.o as number;
  }

  const series = queries.filter((q) => q.returnData).map((q) => aggregate(seriesFor(ctx, q), q, start, end, scanBy === 'TimestampAscending'));
  // The answers form one stream of datapoints in query order; this page is [offset, offset + cap).
  const total = series.reduce((n, s) => n + s.times.length, 0);
  const windowEnd = offset + cap;
  const results = [];
  let position = 0;
  for (const s of series) {
    const first = position;
    const last = position + s.times.length;
    position = last;
    const from = Math.max(first, offset);
    const to = Math.min(last, windowEnd);
    // A query without datapoints is answered once: on the page its position falls on.
    const empty = first === last && first >= offset && (first < windowEnd || (first === windowEnd && total === windowEnd));
    if (from >= to && !empty) continue;
    results.push({
      Id: s.query.id,
      Label: s.query.label ?? s.query.metricName,
      Timestamps: s.times.slice(from - first, to - first).map((t) => t / 1000),
      Values: s.values.slice(from - first, to - first),
      StatusCode: last > windowEnd ? 'PartialData' : 'Complete',
    });
  }
  return {
    MetricDataResults: results,
    ...(total > windowEnd ? { NextToken: encodeOpaqueToken({ s: 'GetMetricData', f: fp, o: windowEnd }) } : {}),
    Messages: [],
  };
}

/** CloudWatch as `@aws-sdk/client-cloudwatch` speaks it: JSON 1.0 with query-compatible error codes. */
export const CLOUDWATCH: JsonService = {
  iamPrefix: 'cloudwatch',
  targetPrefix: 'GraniteServiceVersion20100801',
  jsonVersion: '1.0',
  queryCompatible: true,
  regional: true,
  messageKey: 'message',
  errorNamespace: 'com.amazonaws.cloudwatch',
  // `__type` shape of each Query code the emulator sends (the SDK maps the code back through awsQueryError).
  errorShapes: {
    InvalidParameterValue: 'InvalidParameterValueException',
    MissingParameter: 'MissingRequiredParameterException',
    ValidationError: 'ValidationException',
    InternalServiceError: 'InternalServiceFault',
    AccessDenied: 'AccessDeniedException',
  },
  operations: { GetMetricData: getMetricData },
  errors: {
    throttled: () => new ApiError('Throttling', 'Rate exceeded', 400),
    internal: () => new ApiError('InternalServiceError', 'Internal service error.', 500),
    unavailable: () => new ApiError('ServiceUnavailable', 'Service unavailable.', 503),
    denied: (account, operation) =>
      new ApiError(
        'AccessDenied',
        `User: ${account.arn} is not authorized to perform: cloudwatch:${operation} because no identity-based policy allows the cloudwatch:${operation} action`,
        403,
      ),
    regionDisabled: () => new ApiError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403),
  },
};
