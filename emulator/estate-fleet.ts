// The fleet parts of a region in the rich estate: launch templates (DescribeLaunchTemplates,
// DescribeLaunchTemplateVersions) and CloudWatch metrics per instance (GetMetricData). Kept apart
// from estate.ts, which validates images, instances and accounts; the checks here follow its style:
// every problem is collected with its path, and the estate is refused with all of them.

type Problems = string[];

export interface LaunchTemplateMetadataOptions {
  HttpTokens?: 'optional' | 'required';
  HttpPutResponseHopLimit?: number;
  HttpEndpoint?: 'enabled' | 'disabled';
}

/** One version of a launch template: only the launch data the emulator serves. */
export interface EstateLaunchTemplateVersion {
  VersionNumber: number;
  /** An AMI id, or an SSM reference such as `resolve:ssm:/golden/ami`, returned as is. */
  ImageId?: string;
  MetadataOptions?: LaunchTemplateMetadataOptions;
  VersionDescription?: string;
  /** ISO date (default: the template's CreateTime plus one day per version number above 1). */
  CreateTime?: string;
}

export interface EstateLaunchTemplate {
  LaunchTemplateId: string;
  LaunchTemplateName: string;
  /** The account that owns it (default: the estate's default account). */
  OwnerId?: string;
  /** Default 1. */
  DefaultVersionNumber?: number;
  /** ISO date (default 2026-01-01T00:00:00Z). */
  CreateTime?: string;
  Tags?: { Key: string; Value: string }[];
  Versions: EstateLaunchTemplateVersion[];
}

/** One CloudWatch datapoint as the estate gives it (it is summed into the query's period). */
export interface EstateDatapoint {
  Timestamp: string;
  Value: number;
}

/** The AWS/EC2 metadata metrics of one instance. */
export interface InstanceMetrics {
  MetadataNoToken?: EstateDatapoint[];
  MetadataNoTokenRejected?: EstateDatapoint[];
}

export const METADATA_METRICS = ['MetadataNoToken', 'MetadataNoTokenRejected'] as const;
export type MetadataMetricName = (typeof METADATA_METRICS)[number];

/** Datapoints of one metric, parsed: epoch milliseconds and values, oldest first. */
export interface MetricSeries {
  times: number[];
  values: number[];
}

/** The metrics of one instance, parsed for GetMetricData. */
export type ParsedInstanceMetrics = Partial<Record<MetadataMetricName, MetricSeries>>;

export const LAUNCH_TEMPLATE_ID = /^lt-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const LAUNCH_TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const ACCOUNT_ID = /^\d{12}$/;
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
const TEMPLATE_KEYS = ['LaunchTemplateId', 'LaunchTemplateName', 'OwnerId', 'DefaultVersionNumber', 'CreateTime', 'Tags', 'Versions'];
const VERSION_KEYS = ['VersionNumber', 'ImageId', 'MetadataOptions', 'VersionDescription', 'CreateTime'];
const METADATA_KEYS = ['HttpTokens', 'HttpPutResponseHopLimit', 'HttpEndpoint'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isDate(v: unknown): boolean {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

function unknownKeys(obj: Record<string, unknown>, known: string[], where: string, problems: Problems): void {
  for (const key of Object.keys(obj)) if (!known.includes(key)) problems.push(`${where}.${key}: unknown field`);
}

function checkVersion(v: unknown, where: string, problems: Problems): void {
  if (!isObject(v)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  unknownKeys(v, VERSION_KEYS, where, problems);
  if (!Number.isInteger(v.VersionNumber) || (v.VersionNumber as number) < 1) problems.push(`${where}.VersionNumber: must be a positive integer`);
  if (v.ImageId !== undefined && (typeof v.ImageId !== 'string' || !/^(ami-[0-9a-f]{8,17}|resolve:ssm:\S+)$/.test(v.ImageId))) {
    problems.push(`${where}.ImageId: must be an AMI id or resolve:ssm:<parameter>`);
  }
  if (v.VersionDescription !== undefined && typeof v.VersionDescription !== 'string') problems.push(`${where}.VersionDescription: must be a string`);
  if (v.CreateTime !== undefined && !isDate(v.CreateTime)) problems.push(`${where}.CreateTime: must be an ISO date`);
  const mo = v.MetadataOptions;
  if (mo === undefined) return;
  if (!isObject(mo)) {
    problems.push(`${where}.MetadataOptions: must be an object`);
    return;
  }
  unknownKeys(mo, METADATA_KEYS, `${where}.MetadataOptions`, problems);
  if (mo.HttpTokens !== undefined && mo.HttpTokens !== 'optional' && mo.HttpTokens !== 'required') {
    problems.push(`${where}.MetadataOptions.HttpTokens: must be optional or required`);
  }
  const hop = mo.HttpPutResponseHopLimit;
  if (hop !== undefined && (!Number.isInteger(hop) || (hop as number) < 1 || (hop as number) > 64)) {
    problems.push(`${where}.MetadataOptions.HttpPutResponseHopLimit: must be an integer from 1 to 64`);
  }
  if (mo.HttpEndpoint !== undefined && mo.HttpEndpoint !== 'enabled' && mo.HttpEndpoint !== 'disabled') {
    problems.push(`${where}.MetadataOptions.HttpEndpoint: must be enabled or disabled`);
  }
}

/** Checks `Regions.<region>.LaunchTemplates`. */
export function checkLaunchTemplates(templates: unknown, where: string, problems: Problems): void {
  if (templates === undefined) return;
  if (!Array.isArray(templates)) {
    problems.push(`${where}: must be an array`);
    return;
  }
  const ids = new Set<string>();
  templates.forEach((t, i) => {
    const at = `${where}[${i}]`;
    if (!isObject(t)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    unknownKeys(t, TEMPLATE_KEYS, at, problems);
    if (typeof t.LaunchTemplateId !== 'string' || !LAUNCH_TEMPLATE_ID.test(t.LaunchTemplateId)) {
      problems.push(`${at}.LaunchTemplateId: must look like lt-0123456789abcdef0`);
    } else if (ids.has(t.LaunchTemplateId)) problems.push(`${at}.LaunchTemplateId: duplicate ${t.LaunchTemplateId}`);
    else ids.add(t.LaunchTemplateId);
    if (typeof t.LaunchTemplateName !== 'string' || !LAUNCH_TEMPLATE_NAME.test(t.LaunchTemplateName)) {
      problems.push(`${at}.LaunchTemplateName: must be 3 to 128 letters, digits or ().-/_`);
    }
    if (t.OwnerId !== undefined && (typeof t.OwnerId !== 'string' || !ACCOUNT_ID.test(t.OwnerId))) problems.push(`${at}.OwnerId: must be a 12-digit account id`);
    if (t.CreateTime !== undefined && !isDate(t.CreateTime)) problems.push(`${at}.CreateTime: must be an ISO date`);
    if (t.Tags !== undefined && (!Array.isArray(t.Tags) || !t.Tags.every((x) => isObject(x) && typeof x.Key === 'string' && typeof x.Value === 'string'))) {
      problems.push(`${at}.Tags: must be an array of {Key, Value}`);
    }
    if (!Array.isArray(t.Versions) || t.Versions.length === 0) {
      problems.push(`${at}.Versions: must be a non-empty array`);
      return;
    }
    t.Versions.forEach((v, j) => checkVersion(v, `${at}.Versions[${j}]`, problems));
    const numbers = t.Versions.map((v) => (isObject(v) ? v.VersionNumber : undefined));
    if (new Set(numbers).size !== numbers.length) problems.push(`${at}.Versions: duplicate VersionNumber`);
    const def = t.DefaultVersionNumber ?? 1;
    if (!numbers.includes(def)) problems.push(`${at}.DefaultVersionNumber: ${JSON.stringify(def)} is not one of Versions[].VersionNumber`);
  });
}

/** Fills the defaults of each template and sorts its versions (newest first, as EC2 lists them). */
export function normaliseLaunchTemplates(templates: EstateLaunchTemplate[], defaultAccountId: string): EstateLaunchTemplate[] {
  for (const t of templates) {
    t.OwnerId ??= defaultAccountId;
    t.DefaultVersionNumber ??= 1;
    t.CreateTime ??= '2026-01-01T00:00:00.000Z';
    const created = Date.parse(t.CreateTime);
    for (const v of t.Versions) v.CreateTime ??= new Date(created + (v.VersionNumber - 1) * 86_400_000).toISOString();
    t.Versions.sort((a, b) => b.VersionNumber - a.VersionNumber);
  }
  return templates;
}

/** Checks `Regions.<region>.Metrics`: instance id → metric name → datapoints. */
export function checkMetrics(metrics: unknown, where: string, problems: Problems): void {
  if (metrics === undefined) return;
  if (!isObject(metrics)) {
    problems.push(`${where}: must map instance ids to {MetadataNoToken, MetadataNoTokenRejected}`);
    return;
  }
  for (const [instanceId, byMetric] of Object.entries(metrics)) {
    const at = `${where}.${instanceId}`;
    if (!INSTANCE_ID.test(instanceId)) problems.push(`${at}: not an instance id (i-0123456789abcdef0)`);
    if (!isObject(byMetric)) {
      problems.push(`${at}: must be {MetadataNoToken?, MetadataNoTokenRejected?}`);
      continue;
    }
    unknownKeys(byMetric, [...METADATA_METRICS], at, problems);
    for (const name of METADATA_METRICS) {
      const points = byMetric[name];
      if (points === undefined) continue;
      if (!Array.isArray(points)) {
        problems.push(`${at}.${name}: must be an array of {Timestamp, Value}`);
        continue;
      }
      points.forEach((p, i) => {
        if (!isObject(p) || !isDate(p.Timestamp) || typeof p.Value !== 'number' || !Number.isFinite(p.Value) || p.Value < 0) {
          problems.push(`${at}.${name}[${i}]: must be {Timestamp: "<ISO date>", Value: <number >= 0>}`);
        }
      });
    }
  }
}

/** Parses validated `Metrics` into series sorted by time. */
export function parseMetrics(metrics: Record<string, InstanceMetrics> | undefined): Map<string, ParsedInstanceMetrics> {
  const out = new Map<string, ParsedInstanceMetrics>();
  for (const [instanceId, byMetric] of Object.entries(metrics ?? {})) {
    const parsed: ParsedInstanceMetrics = {};
    for (const name of METADATA_METRICS) {
      const points = byMetric[name];
      if (!points) continue;
      const sorted = points.map((p) => ({ t: Date.parse(p.Timestamp), v: p.Value })).sort((a, b) => a.t - b.t);
      parsed[name] = { times: sorted.map((p) => p.t), values: sorted.map((p) => p.v) };
    }
    out.set(instanceId, parsed);
  }
  return out;
}
