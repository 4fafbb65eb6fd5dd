// DescribeLaunchTemplates and DescribeLaunchTemplateVersions: the caller's launch templates in the
// region. DescribeLaunchTemplateVersions without a template id or name takes only `$Latest` and
// `$Default` and then covers every template of the account, as EC2 allows; a version that is both
// is listed once. Image ids are returned as stored, SSM references (`resolve:ssm:...`) included:
// the emulator has no SSM to resolve them (ResolveAlias is accepted and changes nothing).

import { LAUNCH_TEMPLATE_ID, type EstateLaunchTemplate, type EstateLaunchTemplateVersion } from '../estate-fleet.js';
import { ApiError, Errors } from '../errors.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { paginate, readPageRequest } from '../pagination.js';
import { el, item, leaf, list, type XmlElement } from '../xml.js';
import { checkDryRun, type ActionContext, type ActionDefinition } from './context.js';
import { tagSetXml } from './image-xml.js';

interface VersionRow {
  template: EstateLaunchTemplate;
  version: EstateLaunchTemplateVersion;
}

const latestVersion = (t: EstateLaunchTemplate) => Math.max(...t.Versions.map((v) => v.VersionNumber));
const isDefault = (r: VersionRow) => r.version.VersionNumber === r.template.DefaultVersionNumber;
const noValue = () => [];

const TEMPLATE_FILTERS: FilterTable<EstateLaunchTemplate> = {
  names: {
    'create-time': (t) => [t.CreateTime],
    'launch-template-name': (t) => [t.LaunchTemplateName],
  },
  tags: (t) => t.Tags,
};

// The filters EC2 documents for DescribeLaunchTemplateVersions; launch data the estate does not
// hold (instance type, kernel...) matches nothing.
const VERSION_FILTERS: FilterTable<VersionRow> = {
  names: {
    'create-time': (r) => [r.version.CreateTime],
    'http-endpoint': (r) => [r.version.MetadataOptions?.HttpEndpoint],
    'http-tokens': (r) => [r.version.MetadataOptions?.HttpTokens],
    'image-id': (r) => [r.version.ImageId],
    'is-default-version': (r) => [isDefault(r)],
    'ebs-optimized': noValue,
    'http-protocol-ipv4': noValue,
    'host-resource-group-arn': noValue,
    'iam-instance-profile': noValue,
    'instance-type': noValue,
    'kernel-id': noValue,
    'license-configuration-arn': noValue,
    'network-card-index': noValue,
    'ram-disk-id': noValue,
  },
};

const notFoundById = (id: string) =>
  new ApiError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
const notFoundByName = (name: string) =>
  new ApiError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);

function checkTemplateId(id: string): void {
  if (!LAUNCH_TEMPLATE_ID.test(id)) {
    throw new ApiError('InvalidLaunchTemplateId.Malformed', `The specified ID for the launch template (${id}) is not valid. Specify a valid launch template ID (lt-...).`);
  }
}

function ownTemplates(ctx: ActionContext): EstateLaunchTemplate[] {
  return ctx.region.launchTemplates.filter((t) => t.OwnerId === ctx.account.accountId);
}

function templateXml(t: EstateLaunchTemplate): XmlElement {
  return item(
    leaf('launchTemplateId', t.LaunchTemplateId),
    leaf('launchTemplateName', t.LaunchTemplateName),
    leaf('createTime', t.CreateTime),
    leaf('createdBy', `arn:aws:iam::${t.OwnerId}:root`),
    leaf('defaultVersionNumber', t.DefaultVersionNumber),
    leaf('latestVersionNumber', latestVersion(t)),
    t.Tags && t.Tags.length > 0 ? tagSetXml(t.Tags) : undefined,
  );
}

function versionXml({ template, version }: VersionRow): XmlElement {
  const mo = version.MetadataOptions ?? {};
  const hasMetadata = mo.HttpTokens !== undefined || mo.HttpPutResponseHopLimit !== undefined || mo.HttpEndpoint !== undefined;
  return item(
    leaf('launchTemplateId', template.LaunchTemplateId),
    leaf('launchTemplateName', template.LaunchTemplateName),
    leaf('versionNumber', version.VersionNumber),
    leaf('versionDescription', version.VersionDescription),
    leaf('createTime', version.CreateTime),
    leaf('createdBy', `arn:aws:iam::${template.OwnerId}:root`),
    leaf('defaultVersion', version.VersionNumber === template.DefaultVersionNumber),
    el(
      'launchTemplateData',
      leaf('imageId', version.ImageId),
      hasMetadata &&
        el(
          'metadataOptions',
          leaf('httpTokens', mo.HttpTokens),
          leaf('httpPutResponseHopLimit', mo.HttpPutResponseHopLimit),
          leaf('httpEndpoint', mo.HttpEndpoint),
        ),
    ),
  );
}

function describeLaunchTemplates(ctx: ActionContext) {
  const { params } = ctx;
  const ids = params.list('LaunchTemplateId');
  const names = params.list('LaunchTemplateName');
  ids.forEach(checkTemplateId);
  const page = readPageRequest(params, 1, 200);
  const matches = compileFilters(params.filters(), TEMPLATE_FILTERS);
  checkDryRun(ctx);
  let templates = ownTemplates(ctx);
  const missingId = ids.find((id) => !templates.some((t) => t.LaunchTemplateId === id));
  if (missingId) throw notFoundById(missingId);
  if (names.some((n) => !templates.some((t) => t.LaunchTemplateName === n))) {
    throw new ApiError('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
  }
  if (ids.length > 0 || names.length > 0) {
    templates = templates.filter((t) => ids.includes(t.LaunchTemplateId) || names.includes(t.LaunchTemplateName));
  }
  const result = paginate(templates.filter(matches), params, page, ctx.pageSizeCap);
  return [list('launchTemplates', result.items.map(templateXml)), leaf('nextToken', result.nextToken)].filter((x) => x !== undefined);
}

/** Parses LaunchTemplateVersion.N: `$Latest`, `$Default` or version numbers. */
function requestedVersions(values: string[]): { latest: boolean; default: boolean; numbers: number[] } {
  const out = { latest: false, default: false, numbers: [] as number[] };
  for (const v of values) {
    if (v === '$Latest') out.latest = true;
    else if (v === '$Default') out.default = true;
    else if (/^\d+$/.test(v) && Number(v) >= 1) out.numbers.push(Number(v));
    else throw Errors.invalidParameterValue(`The launch template version ${v} is not valid. Specify $Latest, $Default or a version number.`);
  }
  return out;
}

function describeLaunchTemplateVersions(ctx: ActionContext) {
  const { params } = ctx;
  const id = params.get('LaunchTemplateId') || undefined;
  const name = params.get('LaunchTemplateName') || undefined;
  if (id && name) throw Errors.invalidParameterCombination('Specify either a launch template ID or a launch template name, not both.');
  if (id) checkTemplateId(id);
  const wanted = requestedVersions(params.list('LaunchTemplateVersion'));
  const minVersion = params.int('MinVersion');
  const maxVersion = params.int('MaxVersion');
  const page = readPageRequest(params, 1, 200);
  const matches = compileFilters(params.filters(), VERSION_FILTERS);
  params.bool('ResolveAlias');
  checkDryRun(ctx);

  let templates = ownTemplates(ctx);
  if (id || name) {
    const found = templates.find((t) => (id ? t.LaunchTemplateId === id : t.LaunchTemplateName === name));
    if (!found) throw id ? notFoundById(id) : notFoundByName(name!);
    templates = [found];
    for (const n of wanted.numbers) {
      if (!found.Versions.some((v) => v.VersionNumber === n)) {
        throw new ApiError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${n} for launch template ${found.LaunchTemplateId}.`);
      }
    }
  } else if (wanted.numbers.length > 0) {
    throw Errors.invalidParameterValue('Without a launch template ID or name, only the versions $Latest and $Default can be described.');
  } else if (!wanted.latest && !wanted.default) {
    throw Errors.missingParameter('LaunchTemplateId or LaunchTemplateName (or LaunchTemplateVersion $Latest/$Default)');
  }

  const explicit = wanted.latest || wanted.default || wanted.numbers.length > 0;
  const rows: VersionRow[] = [];
  for (const template of templates) {
    const latest = latestVersion(template);
    for (const version of template.Versions) {
      const n = version.VersionNumber;
      const chosen = explicit
        ? (wanted.latest && n === latest) || (wanted.default && n === template.DefaultVersionNumber) || wanted.numbers.includes(n)
        : (minVersion === undefined || n >= minVersion) && (maxVersion === undefined || n <= maxVersion);
      // Each version is pushed at most once, even when it is both $Latest and $Default.
      if (chosen) rows.push({ template, version });
    }
  }
  const result = paginate(rows.filter(matches), params, page, ctx.pageSizeCap);
  return [list('launchTemplateVersionSet', result.items.map(versionXml)), leaf('nextToken', result.nextToken)].filter((x) => x !== undefined);
}

export const DescribeLaunchTemplates: ActionDefinition = { service: 'ec2', handle: describeLaunchTemplates };
export const DescribeLaunchTemplateVersions: ActionDefinition = { service: 'ec2', handle: describeLaunchTemplateVersions };
