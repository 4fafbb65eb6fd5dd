// The estate: the accounts, regions, images and instances the emulator serves.
// Two input formats are accepted:
//  - an `aws ec2 describe-images` document (`{"Images": [...]}`, PascalCase like the AWS CLI):
//    every image goes to one region (us-east-1 by default) of one account (the images' owner);
//  - a richer document with several accounts (access keys, opt-in regions, instance metadata
//    defaults) and per-region images and instances (see examples/emulator-estate.json).
// Both are validated and normalised into an `Estate`, which the emulator mutates in memory
// (ModifyImageAttribute, RegisterImage), so each running emulator works on its own copy.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  checkLaunchTemplates,
  checkMetrics,
  normaliseLaunchTemplates,
  parseMetrics,
  type EstateLaunchTemplate,
  type InstanceMetrics,
  type ParsedInstanceMetrics,
} from './estate-fleet.js';
import { DEFAULT_REGIONS } from './regions.js';
import { codePointName, forbiddenXmlCharacter } from './xml.js';

export type {
  EstateDatapoint,
  EstateLaunchTemplate,
  EstateLaunchTemplateVersion,
  InstanceMetrics,
  LaunchTemplateMetadataOptions,
} from './estate-fleet.js';

export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

export interface EstateTag {
  Key: string;
  Value: string;
}

export interface EstateEbs {
  DeleteOnTermination?: boolean;
  Iops?: number;
  SnapshotId?: string;
  VolumeSize?: number;
  VolumeType?: string;
  KmsKeyId?: string;
  Throughput?: number;
  OutpostArn?: string;
  AvailabilityZone?: string;
  Encrypted?: boolean;
}

export interface EstateBlockDeviceMapping {
  DeviceName?: string;
  VirtualName?: string;
  Ebs?: EstateEbs;
  NoDevice?: string;
}

/** One grant of DescribeImageAttribute's launchPermission (exactly one key is set). */
export interface EstateLaunchPermission {
  UserId?: string;
  Group?: 'all';
  OrganizationArn?: string;
  OrganizationalUnitArn?: string;
}

/** An image as `aws ec2 describe-images` prints it, plus emulator-only extension fields. */
export interface EstateImage {
  ImageId: string;
  OwnerId: string;
  Architecture?: string;
  CreationDate?: string;
  ImageLocation?: string;
  ImageType?: string;
  Public?: boolean;
  KernelId?: string;
  RamdiskId?: string;
  Platform?: string;
  PlatformDetails?: string;
  UsageOperation?: string;
  State?: string;
  StateReason?: { Code?: string; Message?: string };
  ProductCodes?: { ProductCodeId?: string; ProductCodeType?: string }[];
  BlockDeviceMappings?: EstateBlockDeviceMapping[];
  Description?: string;
  EnaSupport?: boolean;
  Hypervisor?: string;
  ImageOwnerAlias?: string;
  Name?: string;
  RootDeviceName?: string;
  RootDeviceType?: string;
  SriovNetSupport?: string;
  VirtualizationType?: string;
  Tags?: EstateTag[];
  BootMode?: string;
  TpmSupport?: string;
  DeprecationTime?: string;
  ImdsSupport?: string;
  SourceInstanceId?: string;
  DeregistrationProtection?: string;
  LastLaunchedTime?: string;
  ImageAllowed?: boolean;
  SourceImageId?: string;
  SourceImageRegion?: string;
  FreeTierEligible?: boolean;
  PublicSsmParameterName?: string;
  // Extension fields, only readable through DescribeImageAttribute.
  /** Who may launch the image besides its owner. `{Group: "all"}` is the same as Public=true. */
  LaunchPermissions?: EstateLaunchPermission[];
  /** Base64 UEFI variable store. */
  UefiData?: string;
}

export interface InstanceMetadataOptions {
  State?: string;
  HttpTokens?: string;
  HttpPutResponseHopLimit?: number;
  HttpEndpoint?: string;
  HttpProtocolIpv6?: string;
  InstanceMetadataTags?: string;
}

export interface EstateInstance {
  InstanceId: string;
  ImageId: string;
  /** Account that owns the instance; defaults to the estate's default account. */
  OwnerId?: string;
  ReservationId?: string;
  /** State name (`running`, `stopped`...) or `{Name}` as the CLI prints it. */
  State?: string | { Name: string; Code?: number };
  InstanceType?: string;
  Architecture?: string;
  LaunchTime?: string;
  AvailabilityZone?: string;
  Platform?: string;
  Tags?: EstateTag[];
  /** Defaults from the image (ImdsSupport=v2.0 → required, hop limit 2) or the account defaults. */
  MetadataOptions?: InstanceMetadataOptions;
}

/** Account-level defaults returned by GetInstanceMetadataDefaults. */
export interface InstanceMetadataDefaults {
  HttpTokens?: string;
  HttpPutResponseHopLimit?: number;
  HttpEndpoint?: string;
  InstanceMetadataTags?: string;
  HttpTokensEnforced?: string;
  /** `account` or `declarative-policy` (served only when set). */
  ManagedBy?: 'account' | 'declarative-policy';
  /** The message a declarative policy shows when it blocks a change (served only when set). */
  ManagedExceptionMessage?: string;
}

export interface EstateAccountSpec {
  AccountId: string;
  /** Access key ids that authenticate as this account. */
  AccessKeyIds?: string[];
  /** Caller ARN for STS GetCallerIdentity (default `arn:aws:iam::<id>:user/emulator`). */
  Arn?: string;
  UserId?: string;
  /** The account's AWS Organization and OU, for launch permissions granted to them. */
  OrganizationArn?: string;
  OrganizationalUnitArn?: string;
  /** Actions the caller's IAM identity may not call: they answer UnauthorizedOperation. */
  DeniedActions?: string[];
  /** Opt-in status per region, overriding the defaults. */
  Regions?: Record<string, OptInStatus>;
  /** GetInstanceMetadataDefaults per region; the key `*` applies to every region. */
  InstanceMetadataDefaults?: Record<string, InstanceMetadataDefaults>;
  /** The account's name in Organizations ListAccounts (default `account-<id>`). */
  Name?: string;
  /** The account's e-mail address in ListAccounts (default `aws+<id>@example.com`). */
  Email?: string;
  /** The account's `State` in ListAccounts (default ACTIVE). */
  OrganizationState?: OrganizationAccountState;
  /** How the account joined the organization (default CREATED). */
  JoinedMethod?: 'INVITED' | 'CREATED';
  /** When it joined (ISO date; default 2024-01-01 plus one day per position in Accounts). */
  JoinedTimestamp?: string;
  /** IAM role names that exist in the account: AssumeRole of another name is AccessDenied (absent: any role). */
  Roles?: string[];
}

export type OrganizationAccountState = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';
export const ORGANIZATION_ACCOUNT_STATES: OrganizationAccountState[] = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'];

/** The AWS Organization the estate's accounts belong to (Organizations ListAccounts). */
export interface EstateOrganizationSpec {
  /** The management account: one of Accounts[].AccountId. */
  ManagementAccountId: string;
  /** Member accounts that may also call ListAccounts (each one of Accounts[].AccountId). */
  DelegatedAdministrators?: string[];
  /** Organization id in account ARNs (default `o-` and the management account's first 10 digits). */
  Id?: string;
}

export interface EstateRegionSpec {
  /** For regions the emulator does not know: whether accounts must opt in (default false). */
  OptInRequired?: boolean;
  Images?: EstateImage[];
  Instances?: EstateInstance[];
  /** Served by DescribeLaunchTemplates and DescribeLaunchTemplateVersions to their owner. */
  LaunchTemplates?: EstateLaunchTemplate[];
  /** CloudWatch AWS/EC2 metadata metrics per instance id, visible to the instance's owner. */
  Metrics?: Record<string, InstanceMetrics>;
}

/** The richer estate format. */
export interface RichEstateDocument {
  /** The account of callers whose access key is not listed (default: the first account). */
  DefaultAccountId?: string;
  Accounts?: EstateAccountSpec[];
  Regions?: Record<string, EstateRegionSpec>;
  /** Error code for calls into a region the caller has not opted in to (default AuthFailure). */
  NotOptedInError?: 'AuthFailure' | 'OptInRequired';
  /** Makes Organizations ListAccounts answer (absent: AWSOrganizationsNotInUseException). */
  Organization?: EstateOrganizationSpec;
}

/** The `aws ec2 describe-images` output format. */
export interface DescribeImagesDocument {
  Images: EstateImage[];
}

export type EstateDocument = DescribeImagesDocument | RichEstateDocument;

export interface Account {
  accountId: string;
  accessKeyIds: string[];
  arn: string;
  userId: string;
  organizationArn: string | undefined;
  organizationalUnitArn: string | undefined;
  deniedActions: Set<string>;
  optIn: Map<string, OptInStatus>;
  metadataDefaults: Map<string, InstanceMetadataDefaults>;
  name: string;
  email: string;
  organizationState: OrganizationAccountState;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: Date;
  /** Role names that exist; undefined: any role name can be assumed. */
  roles: Set<string> | undefined;
}

/** The normalised Organization block. */
export interface Organization {
  id: string;
  managementAccountId: string;
  delegatedAdministrators: Set<string>;
  /** Accounts[] in document order: what ListAccounts lists. */
  accountIds: string[];
}

export interface RegionState {
  name: string;
  optInRequired: boolean;
  images: EstateImage[];
  instances: EstateInstance[];
  /** Normalised: OwnerId, DefaultVersionNumber and CreateTime filled, versions newest first. */
  launchTemplates: EstateLaunchTemplate[];
  /** Parsed `Metrics`: an instance absent here has no datapoints at all. */
  metrics: Map<string, ParsedInstanceMetrics>;
}

/** The normalised, validated estate the emulator serves. */
export interface Estate {
  kind: 'estate';
  defaultAccountId: string;
  accounts: Map<string, Account>;
  accountByAccessKey: Map<string, string>;
  regions: Map<string, RegionState>;
  notOptedInError: 'AuthFailure' | 'OptInRequired';
  organization?: Organization;
}

export interface ParseEstateOptions {
  /** Region for a plain `{"Images": [...]}` document (default us-east-1). */
  region?: string;
  /** Account for a plain document (default: the images' most common owner, else 111122223333). */
  accountId?: string;
}

export class EstateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EstateError';
  }
}

export const SAMPLE_ACCOUNT_ID = '111122223333';
export const SAMPLE_ESTATE_PATH = fileURLToPath(new URL('../examples/estate.json', import.meta.url));

export const IMAGE_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
export const ACCOUNT_ID = /^\d{12}$/;

const IMAGE_STATES = ['pending', 'available', 'invalid', 'deregistered', 'transient', 'failed', 'error', 'disabled'];
const INSTANCE_STATE_CODES: Record<string, number> = {
  pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80,
};

export function instanceStateCode(name: string): number {
  return INSTANCE_STATE_CODES[name] ?? 16;
}

// Image keys the emulator reads; others are rejected so typos do not silently vanish.
const STRING_IMAGE_KEYS = [
  'ImageId', 'OwnerId', 'Architecture', 'CreationDate', 'ImageLocation', 'ImageType', 'KernelId', 'RamdiskId',
  'Platform', 'PlatformDetails', 'UsageOperation', 'State', 'Description', 'Hypervisor', 'ImageOwnerAlias', 'Name',
  'RootDeviceName', 'RootDeviceType', 'SriovNetSupport', 'VirtualizationType', 'BootMode', 'TpmSupport',
  'DeprecationTime', 'ImdsSupport', 'SourceInstanceId', 'DeregistrationProtection', 'LastLaunchedTime',
  'SourceImageId', 'SourceImageRegion', 'PublicSsmParameterName', 'UefiData',
] as const;
const BOOLEAN_IMAGE_KEYS = ['Public', 'EnaSupport', 'ImageAllowed', 'FreeTierEligible'] as const;
const STRUCTURED_IMAGE_KEYS = ['StateReason', 'ProductCodes', 'BlockDeviceMappings', 'Tags', 'LaunchPermissions'];
// Real describe-images fields the emulator accepts but does not serve.
const IGNORED_IMAGE_KEYS = ['ScanResults', 'ImageWatermarks', 'InstanceTypeSpecification'];
const KNOWN_IMAGE_KEYS = new Set<string>([...STRING_IMAGE_KEYS, ...BOOLEAN_IMAGE_KEYS, ...STRUCTURED_IMAGE_KEYS, ...IGNORED_IMAGE_KEYS]);

type Problems = string[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkTags(tags: unknown, where: string, problems: Problems): void {
  if (!Array.isArray(tags)) {
    problems.push(`${where}: must be an array of {Key, Value}`);
    return;
  }
  tags.forEach((t, i) => {
    if (!isObject(t) || typeof t.Key !== 'string' || (t.Value !== undefined && typeof t.Value !== 'string')) {
      problems.push(`${where}[${i}]: must be {Key: string, Value: string}`);
    }
  });
}

function checkDate(v: unknown, where: string, problems: Problems): void {
  if (typeof v === 'string' && Number.isNaN(Date.parse(v))) problems.push(`${where}: not a date: ${JSON.stringify(v)}`);
}

function checkImage(img: unknown, where: string, problems: Problems): void {
  if (!isObject(img)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  for (const key of Object.keys(img)) {
    if (!KNOWN_IMAGE_KEYS.has(key)) problems.push(`${where}.${key}: unknown image field`);
  }
  for (const key of STRING_IMAGE_KEYS) {
    if (img[key] !== undefined && typeof img[key] !== 'string') problems.push(`${where}.${key}: must be a string`);
  }
  for (const key of BOOLEAN_IMAGE_KEYS) {
    if (img[key] !== undefined && typeof img[key] !== 'boolean') problems.push(`${where}.${key}: must be a boolean`);
  }
  const id = img.ImageId;
  if (typeof id !== 'string' || !IMAGE_ID.test(id)) problems.push(`${where}.ImageId: must look like ami-0123456789abcdef0, got ${JSON.stringify(id)}`);
  if (img.OwnerId !== undefined && (typeof img.OwnerId !== 'string' || !ACCOUNT_ID.test(img.OwnerId))) {
    problems.push(`${where}.OwnerId: must be a 12-digit account id`);
  }
  if (typeof img.State === 'string' && !IMAGE_STATES.includes(img.State)) {
    problems.push(`${where}.State: must be one of ${IMAGE_STATES.join(', ')}`);
  }
  if (img.ImdsSupport !== undefined && img.ImdsSupport !== 'v2.0') problems.push(`${where}.ImdsSupport: must be "v2.0" or absent`);
  if (img.TpmSupport !== undefined && img.TpmSupport !== 'v2.0') problems.push(`${where}.TpmSupport: must be "v2.0" or absent`);
  if (img.BootMode !== undefined && !['legacy-bios', 'uefi', 'uefi-preferred'].includes(img.BootMode as string)) {
    problems.push(`${where}.BootMode: must be legacy-bios, uefi or uefi-preferred`);
  }
  checkDate(img.DeprecationTime, `${where}.DeprecationTime`, problems);
  checkDate(img.CreationDate, `${where}.CreationDate`, problems);
  checkDate(img.LastLaunchedTime, `${where}.LastLaunchedTime`, problems);
  if (img.Tags !== undefined) checkTags(img.Tags, `${where}.Tags`, problems);
  if (img.BlockDeviceMappings !== undefined) {
    if (!Array.isArray(img.BlockDeviceMappings) || !img.BlockDeviceMappings.every(isObject)) {
      problems.push(`${where}.BlockDeviceMappings: must be an array of objects`);
    }
  }
  if (img.ProductCodes !== undefined && (!Array.isArray(img.ProductCodes) || !img.ProductCodes.every(isObject))) {
    problems.push(`${where}.ProductCodes: must be an array of {ProductCodeId, ProductCodeType}`);
  }
  if (img.StateReason !== undefined && !isObject(img.StateReason)) problems.push(`${where}.StateReason: must be {Code, Message}`);
  if (img.LaunchPermissions !== undefined) {
    if (!Array.isArray(img.LaunchPermissions)) problems.push(`${where}.LaunchPermissions: must be an array`);
    else {
      img.LaunchPermissions.forEach((lp, i) => {
        const keys = isObject(lp) ? Object.keys(lp) : [];
        const ok =
          keys.length === 1 &&
          ['UserId', 'Group', 'OrganizationArn', 'OrganizationalUnitArn'].includes(keys[0]!) &&
          typeof (lp as Record<string, unknown>)[keys[0]!] === 'string' &&
          (keys[0] !== 'Group' || (lp as Record<string, unknown>).Group === 'all') &&
          (keys[0] !== 'UserId' || ACCOUNT_ID.test((lp as Record<string, string>).UserId!));
        if (!ok) {
          problems.push(`${where}.LaunchPermissions[${i}]: must be one of {UserId: "<12 digits>"}, {Group: "all"}, {OrganizationArn}, {OrganizationalUnitArn}`);
        }
      });
    }
  }
}

function checkInstance(inst: unknown, where: string, problems: Problems): void {
  if (!isObject(inst)) {
    problems.push(`${where}: must be an object`);
    return;
  }
  if (typeof inst.InstanceId !== 'string' || !INSTANCE_ID.test(inst.InstanceId)) {
    problems.push(`${where}.InstanceId: must look like i-0123456789abcdef0`);
  }
  if (typeof inst.ImageId !== 'string' || !IMAGE_ID.test(inst.ImageId)) problems.push(`${where}.ImageId: must look like ami-0123456789abcdef0`);
  if (inst.OwnerId !== undefined && (typeof inst.OwnerId !== 'string' || !ACCOUNT_ID.test(inst.OwnerId))) {
    problems.push(`${where}.OwnerId: must be a 12-digit account id`);
  }
  const state = isObject(inst.State) ? inst.State.Name : inst.State;
  if (state !== undefined && (typeof state !== 'string' || !(state in INSTANCE_STATE_CODES))) {
    problems.push(`${where}.State: must be one of ${Object.keys(INSTANCE_STATE_CODES).join(', ')}`);
  }
  if (inst.Tags !== undefined) checkTags(inst.Tags, `${where}.Tags`, problems);
  checkDate(inst.LaunchTime, `${where}.LaunchTime`, problems);
  const mo = inst.MetadataOptions;
  if (mo !== undefined) {
    if (!isObject(mo)) problems.push(`${where}.MetadataOptions: must be an object`);
    else {
      if (mo.HttpTokens !== undefined && mo.HttpTokens !== 'optional' && mo.HttpTokens !== 'required') {
        problems.push(`${where}.MetadataOptions.HttpTokens: must be optional or required`);
      }
      if (mo.HttpPutResponseHopLimit !== undefined && !Number.isInteger(mo.HttpPutResponseHopLimit)) {
        problems.push(`${where}.MetadataOptions.HttpPutResponseHopLimit: must be an integer`);
      }
    }
  }
}

// EC2 refuses control characters when an image is named, described or tagged, so a real account
// never holds them, and XML 1.0 (the wire format) cannot carry them at all: refuse the estate rather
// than serve a response that strict parsers reject, or quietly serve different text than the file says.
function checkXmlText(value: unknown, path: (string | number)[], problems: Problems): void {
  // The path is built only for a problem: an estate of 100,000 images has millions of strings.
  const check = (text: string): void => {
    const ch = forbiddenXmlCharacter(text);
    if (ch === undefined) return;
    const at = path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
    problems.push(
      `${at || '(document)'}: holds ${codePointName(ch)}, which XML 1.0 cannot carry and EC2 never stores; ` +
        'for hostile text use what XML allows (C1 controls such as U+009B, bidi controls such as U+202E), ' +
        'and test ESC and other C0 controls with ami-audit --input',
    );
  };
  if (typeof value === 'string') check(value);
  else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      checkXmlText(value[i], path, problems);
      path.pop();
    }
  } else if (isObject(value)) {
    for (const key in value) {
      path.push(key);
      check(key);
      checkXmlText(value[key], path, problems);
      path.pop();
    }
  }
}

function fail(problems: Problems, source: string): never {
  const shown = problems.slice(0, 20).map((p) => `  - ${p}`).join('\n');
  const more = problems.length > 20 ? `\n  ... and ${problems.length - 20} more` : '';
  throw new EstateError(`Invalid estate ${source}:\n${shown}${more}`);
}

function makeAccount(spec: EstateAccountSpec, position = 0): Account {
  const accountId = spec.AccountId;
  return {
    accountId,
    accessKeyIds: spec.AccessKeyIds ?? [],
    arn: spec.Arn ?? `arn:aws:iam::${accountId}:user/emulator`,
    userId: spec.UserId ?? `AIDA${accountId}EMULATOR`,
    organizationArn: spec.OrganizationArn,
    organizationalUnitArn: spec.OrganizationalUnitArn,
    deniedActions: new Set(spec.DeniedActions ?? []),
    optIn: new Map(Object.entries(spec.Regions ?? {})),
    metadataDefaults: new Map(Object.entries(spec.InstanceMetadataDefaults ?? {})),
    name: spec.Name ?? `account-${accountId}`,
    email: spec.Email ?? `aws+${accountId}@example.com`,
    organizationState: spec.OrganizationState ?? 'ACTIVE',
    joinedMethod: spec.JoinedMethod ?? 'CREATED',
    joinedTimestamp: spec.JoinedTimestamp ? new Date(spec.JoinedTimestamp) : new Date(Date.UTC(2024, 0, 1 + position)),
    roles: spec.Roles ? new Set(spec.Roles) : undefined,
  };
}

function emptyRegions(): Map<string, RegionState> {
  return new Map(DEFAULT_REGIONS.map((r) => [r.name, { name: r.name, optInRequired: r.optInRequired, images: [], instances: [], launchTemplates: [], metrics: new Map() }]));
}

function mostCommonOwner(images: EstateImage[]): string | undefined {
  const counts = new Map<string, number>();
  for (const img of images) if (img.OwnerId) counts.set(img.OwnerId, (counts.get(img.OwnerId) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function checkUniqueIds(ids: string[], what: string, region: string, problems: Problems): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) problems.push(`Regions.${region}: duplicate ${what} ${id}`);
    seen.add(id);
  }
}

/** Validates and normalises an estate document (either format). The input is not modified. */
export function parseEstate(input: unknown, options: ParseEstateOptions = {}, source = '(object)'): Estate {
  if (!isObject(input)) fail(['the document must be a JSON object'], source);
  const doc = structuredClone(input);
  const problems: Problems = [];
  checkXmlText(doc, [], problems);
  if (problems.length > 0) fail(problems, source);
  if ('Images' in doc) return parsePlain(doc, options, source, problems);
  return parseRich(doc, source, problems);
}

function parsePlain(doc: Record<string, unknown>, options: ParseEstateOptions, source: string, problems: Problems): Estate {
  const extra = Object.keys(doc).filter((k) => k !== 'Images' && k !== 'NextToken');
  if (extra.length > 0) problems.push(`unexpected top-level keys next to Images: ${extra.join(', ')}`);
  if (!Array.isArray(doc.Images)) fail(['Images: must be an array'], source);
  doc.Images.forEach((img, i) => checkImage(img, `Images[${i}]`, problems));
  if (problems.length > 0) fail(problems, source);
  const images = doc.Images as EstateImage[];
  const accountId = options.accountId ?? mostCommonOwner(images) ?? SAMPLE_ACCOUNT_ID;
  for (const img of images) img.OwnerId ??= accountId;
  const regionName = options.region ?? 'us-east-1';
  checkUniqueIds(images.map((i) => i.ImageId), 'image id', regionName, problems);
  if (problems.length > 0) fail(problems, source);
  const regions = emptyRegions();
  const region = regions.get(regionName) ?? { name: regionName, optInRequired: false, images: [], instances: [], launchTemplates: [], metrics: new Map() };
  region.images = images;
  regions.set(regionName, region);
  const account = makeAccount({ AccountId: accountId });
  // A plain document's region is enabled for its account even if it is an opt-in region.
  if (region.optInRequired) account.optIn.set(regionName, 'opted-in');
  return {
    kind: 'estate',
    defaultAccountId: accountId,
    accounts: new Map([[accountId, account]]),
    accountByAccessKey: new Map(),
    regions,
    notOptedInError: 'AuthFailure',
  };
}

function parseRich(doc: Record<string, unknown>, source: string, problems: Problems): Estate {
  const allowed = ['DefaultAccountId', 'Accounts', 'Regions', 'NotOptedInError', 'Organization', '$schema', 'Comment'];
  const extra = Object.keys(doc).filter((k) => !allowed.includes(k));
  if (extra.length > 0) problems.push(`unknown top-level keys: ${extra.join(', ')} (expected Images, or ${allowed.slice(0, 4).join(', ')})`);
  const accountSpecs = (doc.Accounts ?? []) as unknown;
  if (!Array.isArray(accountSpecs)) fail(['Accounts: must be an array'], source);
  accountSpecs.forEach((a, i) => {
    if (!isObject(a) || typeof a.AccountId !== 'string' || !ACCOUNT_ID.test(a.AccountId)) {
      problems.push(`Accounts[${i}].AccountId: must be a 12-digit account id`);
      return;
    }
    if (a.AccessKeyIds !== undefined && (!Array.isArray(a.AccessKeyIds) || !a.AccessKeyIds.every((k) => typeof k === 'string'))) {
      problems.push(`Accounts[${i}].AccessKeyIds: must be an array of strings`);
    }
    if (a.DeniedActions !== undefined && (!Array.isArray(a.DeniedActions) || !a.DeniedActions.every((k) => typeof k === 'string'))) {
      problems.push(`Accounts[${i}].DeniedActions: must be an array of strings`);
    }
    if (a.Regions !== undefined) {
      if (!isObject(a.Regions)) problems.push(`Accounts[${i}].Regions: must map region names to an opt-in status`);
      else {
        for (const [r, s] of Object.entries(a.Regions)) {
          if (!['opt-in-not-required', 'opted-in', 'not-opted-in'].includes(s as string)) {
            problems.push(`Accounts[${i}].Regions.${r}: must be opt-in-not-required, opted-in or not-opted-in`);
          }
        }
      }
    }
    if (a.InstanceMetadataDefaults !== undefined && !isObject(a.InstanceMetadataDefaults)) {
      problems.push(`Accounts[${i}].InstanceMetadataDefaults: must map region names (or "*") to defaults`);
    } else {
      for (const [r, d] of Object.entries(a.InstanceMetadataDefaults ?? {})) {
        const managedBy = isObject(d) ? d.ManagedBy : undefined;
        if (managedBy !== undefined && managedBy !== 'account' && managedBy !== 'declarative-policy') {
          problems.push(`Accounts[${i}].InstanceMetadataDefaults.${r}.ManagedBy: must be account or declarative-policy`);
        }
      }
    }
    checkOrganizationFields(a, `Accounts[${i}]`, problems);
  });
  checkOrganization(doc.Organization, accountSpecs, problems);
  const regionSpecs = (doc.Regions ?? {}) as unknown;
  if (!isObject(regionSpecs)) fail([...problems, 'Regions: must map region names to {Images, Instances}'], source);
  for (const [name, spec] of Object.entries(regionSpecs)) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(name)) problems.push(`Regions.${name}: not a region name`);
    if (!isObject(spec)) {
      problems.push(`Regions.${name}: must be an object`);
      continue;
    }
    if (spec.Images !== undefined && !Array.isArray(spec.Images)) problems.push(`Regions.${name}.Images: must be an array`);
    if (spec.Instances !== undefined && !Array.isArray(spec.Instances)) problems.push(`Regions.${name}.Instances: must be an array`);
    ((spec.Images ?? []) as unknown[]).forEach((img, i) => checkImage(img, `Regions.${name}.Images[${i}]`, problems));
    ((spec.Instances ?? []) as unknown[]).forEach((inst, i) => checkInstance(inst, `Regions.${name}.Instances[${i}]`, problems));
    checkLaunchTemplates(spec.LaunchTemplates, `Regions.${name}.LaunchTemplates`, problems);
    checkMetrics(spec.Metrics, `Regions.${name}.Metrics`, problems);
  }
  if (doc.NotOptedInError !== undefined && doc.NotOptedInError !== 'AuthFailure' && doc.NotOptedInError !== 'OptInRequired') {
    problems.push('NotOptedInError: must be AuthFailure or OptInRequired');
  }
  if (problems.length > 0) fail(problems, source);

  const specs = accountSpecs as EstateAccountSpec[];
  const defaultAccountId = (doc.DefaultAccountId as string | undefined) ?? specs[0]?.AccountId ?? SAMPLE_ACCOUNT_ID;
  if (!ACCOUNT_ID.test(defaultAccountId)) fail(['DefaultAccountId: must be a 12-digit account id'], source);
  const accounts = new Map<string, Account>();
  specs.forEach((spec, position) => {
    if (accounts.has(spec.AccountId)) problems.push(`Accounts: duplicate account ${spec.AccountId}`);
    accounts.set(spec.AccountId, makeAccount(spec, position));
  });
  if (!accounts.has(defaultAccountId)) accounts.set(defaultAccountId, makeAccount({ AccountId: defaultAccountId }));
  const accountByAccessKey = new Map<string, string>();
  for (const account of accounts.values()) {
    for (const key of account.accessKeyIds) {
      if (accountByAccessKey.has(key)) problems.push(`Accounts: access key ${key} belongs to two accounts`);
      accountByAccessKey.set(key, account.accountId);
    }
  }

  const regions = emptyRegions();
  for (const [name, spec] of Object.entries(regionSpecs as Record<string, EstateRegionSpec>)) {
    const known = regions.get(name);
    const images = spec.Images ?? [];
    const instances = spec.Instances ?? [];
    const launchTemplates = normaliseLaunchTemplates(spec.LaunchTemplates ?? [], defaultAccountId);
    checkUniqueIds(launchTemplates.map((t) => `${t.LaunchTemplateName} (owner ${t.OwnerId})`), 'launch template name', name, problems);
    for (const img of images) img.OwnerId ??= defaultAccountId;
    checkUniqueIds(images.map((i) => i.ImageId), 'image id', name, problems);
    checkUniqueIds(instances.map((i) => i.InstanceId), 'instance id', name, problems);
    regions.set(name, {
      name,
      optInRequired: spec.OptInRequired ?? known?.optInRequired ?? false,
      images,
      instances,
      launchTemplates,
      metrics: parseMetrics(spec.Metrics),
    });
  }
  if (problems.length > 0) fail(problems, source);

  for (const region of regions.values()) {
    // An account that owns resources in an opt-in region has evidently enabled it.
    if (region.optInRequired) {
      const owners = new Set([...region.images.map((i) => i.OwnerId), ...region.instances.map((i) => i.OwnerId ?? defaultAccountId)]);
      for (const owner of owners) {
        const account = accounts.get(owner);
        if (account && !account.optIn.has(region.name)) account.optIn.set(region.name, 'opted-in');
      }
    }
    const imagesById = new Map(region.images.map((i) => [i.ImageId, i]));
    for (const inst of region.instances) normaliseInstance(inst, region, imagesById, accounts, defaultAccountId);
  }
  return {
    kind: 'estate',
    defaultAccountId,
    accounts,
    accountByAccessKey,
    regions,
    notOptedInError: (doc.NotOptedInError as 'AuthFailure' | 'OptInRequired' | undefined) ?? 'AuthFailure',
    organization: makeOrganization(doc.Organization as EstateOrganizationSpec | undefined, specs),
  };
}

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Checks the Organizations fields of one Accounts[] entry. */
function checkOrganizationFields(a: Record<string, unknown>, where: string, problems: Problems): void {
  for (const key of ['Name', 'Email'] as const) {
    if (a[key] !== undefined && (typeof a[key] !== 'string' || a[key] === '')) problems.push(`${where}.${key}: must be a non-empty string`);
  }
  if (a.OrganizationState !== undefined && !ORGANIZATION_ACCOUNT_STATES.includes(a.OrganizationState as OrganizationAccountState)) {
    problems.push(`${where}.OrganizationState: must be one of ${ORGANIZATION_ACCOUNT_STATES.join(', ')}`);
  }
  if (a.JoinedMethod !== undefined && a.JoinedMethod !== 'INVITED' && a.JoinedMethod !== 'CREATED') {
    problems.push(`${where}.JoinedMethod: must be INVITED or CREATED`);
  }
  if (a.JoinedTimestamp !== undefined && (typeof a.JoinedTimestamp !== 'string' || Number.isNaN(Date.parse(a.JoinedTimestamp)))) {
    problems.push(`${where}.JoinedTimestamp: must be an ISO date`);
  }
  if (a.Roles !== undefined && (!Array.isArray(a.Roles) || !a.Roles.every((r) => typeof r === 'string' && ROLE_NAME.test(r)))) {
    problems.push(`${where}.Roles: must be an array of IAM role names (letters, digits and +=,.@_-, at most 64)`);
  }
}

/** Checks the top-level Organization block against the accounts it names. */
function checkOrganization(org: unknown, accountSpecs: unknown[], problems: Problems): void {
  if (org === undefined) return;
  if (!isObject(org)) {
    problems.push('Organization: must be {ManagementAccountId, DelegatedAdministrators?}');
    return;
  }
  const known = new Set(accountSpecs.filter(isObject).map((a) => a.AccountId));
  for (const key of Object.keys(org)) {
    if (!['ManagementAccountId', 'DelegatedAdministrators', 'Id'].includes(key)) problems.push(`Organization.${key}: unknown field`);
  }
  if (typeof org.ManagementAccountId !== 'string' || !known.has(org.ManagementAccountId)) {
    problems.push('Organization.ManagementAccountId: must be the AccountId of one of Accounts[]');
  }
  const delegated = org.DelegatedAdministrators;
  if (delegated !== undefined && (!Array.isArray(delegated) || !delegated.every((d) => typeof d === 'string' && known.has(d)))) {
    problems.push('Organization.DelegatedAdministrators: must be an array of AccountIds of Accounts[]');
  }
  if (org.Id !== undefined && (typeof org.Id !== 'string' || !/^o-[a-z0-9]{10,32}$/.test(org.Id))) {
    problems.push('Organization.Id: must look like o-exampleorg1 (o- and 10 to 32 lower-case letters or digits)');
  }
}

function makeOrganization(spec: EstateOrganizationSpec | undefined, accounts: EstateAccountSpec[]): Organization | undefined {
  if (!spec) return undefined;
  return {
    id: spec.Id ?? `o-${spec.ManagementAccountId.slice(0, 10)}`,
    managementAccountId: spec.ManagementAccountId,
    delegatedAdministrators: new Set(spec.DelegatedAdministrators ?? []),
    accountIds: accounts.map((a) => a.AccountId),
  };
}

/** Fills the instance fields EC2 always reports, deriving metadata options as EC2 would at launch. */
function normaliseInstance(
  inst: EstateInstance,
  region: RegionState,
  imagesById: Map<string, EstateImage>,
  accounts: Map<string, Account>,
  defaultAccountId: string,
): void {
  inst.OwnerId ??= defaultAccountId;
  inst.ReservationId ??= `r-${inst.InstanceId.slice(2)}`;
  inst.State ??= 'running';
  const image = imagesById.get(inst.ImageId);
  const defaults = accounts.get(inst.OwnerId) && metadataDefaultsFor(accounts.get(inst.OwnerId)!, region.name);
  const imdsV2 = image?.ImdsSupport === 'v2.0';
  const mo = inst.MetadataOptions ?? {};
  inst.MetadataOptions = {
    State: mo.State ?? 'applied',
    HttpTokens: mo.HttpTokens ?? defaults?.HttpTokens ?? (imdsV2 ? 'required' : 'optional'),
    HttpPutResponseHopLimit: mo.HttpPutResponseHopLimit ?? defaults?.HttpPutResponseHopLimit ?? (imdsV2 ? 2 : 1),
    HttpEndpoint: mo.HttpEndpoint ?? defaults?.HttpEndpoint ?? 'enabled',
    HttpProtocolIpv6: mo.HttpProtocolIpv6 ?? 'disabled',
    InstanceMetadataTags: mo.InstanceMetadataTags ?? defaults?.InstanceMetadataTags ?? 'disabled',
  };
}

/** The account's instance metadata defaults in a region (region-specific entry, else `*`). */
export function metadataDefaultsFor(account: Account, region: string): InstanceMetadataDefaults | undefined {
  return account.metadataDefaults.get(region) ?? account.metadataDefaults.get('*');
}

/** The account a caller is, from its access key id; unknown keys are the default account. */
export function accountForAccessKey(estate: Estate, accessKeyId: string | undefined): Account {
  const id = (accessKeyId && estate.accountByAccessKey.get(accessKeyId)) || estate.defaultAccountId;
  return estate.accounts.get(id)!;
}

/** An account's opt-in status for a region. */
export function optInStatus(account: Account, region: RegionState): OptInStatus {
  if (!region.optInRequired) return 'opt-in-not-required';
  const explicit = account.optIn.get(region.name);
  return explicit === 'opted-in' ? 'opted-in' : 'not-opted-in';
}

/** Reads, validates and normalises an estate file. */
export function loadEstateFile(path: string, options: ParseEstateOptions = {}): Estate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new EstateError(`Cannot read estate ${path}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new EstateError(`Estate ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseEstate(doc, options, path);
}

/** The sample estate (examples/estate.json): us-east-1, account 111122223333. */
export function loadSampleEstate(): Estate {
  return loadEstateFile(SAMPLE_ESTATE_PATH);
}

export type EstateInput = string | EstateDocument | Estate;

/** Accepts a file path, a document in either format, or an already parsed estate. */
export function resolveEstate(input: EstateInput | undefined, options: ParseEstateOptions = {}): Estate {
  if (input === undefined) return loadSampleEstate();
  if (typeof input === 'string') return loadEstateFile(input, options);
  if (isObject(input) && (input as { kind?: unknown }).kind === 'estate') return structuredClone(input as unknown as Estate);
  return parseEstate(input, options);
}
