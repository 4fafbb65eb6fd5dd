// DescribeInstances: the caller's instances in the region, grouped in reservations, with
// InstanceId.N, Filter.N (image-id, instance-state-name, metadata-options.*, tags...) and
// MaxResults (5–1000, not with InstanceId) / NextToken pagination; at most 200 filter values a call.

import type { EstateInstance } from '../estate.js';
import { INSTANCE_ID, instanceStateCode } from '../estate.js';
import { ApiError, Errors } from '../errors.js';
import { compileFilters, type FilterTable } from '../filters.js';
import { paginate, readPageRequest } from '../pagination.js';
import { el, item, leaf, list, type XmlElement } from '../xml.js';
import { checkDryRun, type ActionContext, type ActionDefinition } from './context.js';
import { tagSetXml } from './image-xml.js';

const stateName = (i: EstateInstance) => (typeof i.State === 'object' ? i.State.Name : (i.State ?? 'running'));

export const INSTANCE_FILTERS: FilterTable<EstateInstance> = {
  names: {
    architecture: (i) => [i.Architecture],
    'availability-zone': (i) => [i.AvailabilityZone],
    'image-id': (i) => [i.ImageId],
    'instance-id': (i) => [i.InstanceId],
    'instance-state-code': (i) => [instanceStateCode(stateName(i))],
    'instance-state-name': (i) => [stateName(i)],
    'instance-type': (i) => [i.InstanceType],
    'metadata-options.http-endpoint': (i) => [i.MetadataOptions?.HttpEndpoint],
    'metadata-options.http-protocol-ipv6': (i) => [i.MetadataOptions?.HttpProtocolIpv6],
    'metadata-options.http-put-response-hop-limit': (i) => [i.MetadataOptions?.HttpPutResponseHopLimit],
    'metadata-options.http-tokens': (i) => [i.MetadataOptions?.HttpTokens],
    'metadata-options.instance-metadata-tags': (i) => [i.MetadataOptions?.InstanceMetadataTags],
    'owner-id': (i) => [i.OwnerId],
    platform: (i) => [i.Platform],
    'reservation-id': (i) => [i.ReservationId],
  },
  tags: (i) => i.Tags,
};

function instanceXml(i: EstateInstance, regionName: string): XmlElement {
  const name = stateName(i);
  const mo = i.MetadataOptions ?? {};
  return item(
    leaf('instanceId', i.InstanceId),
    leaf('imageId', i.ImageId),
    el('instanceState', leaf('code', instanceStateCode(name)), leaf('name', name)),
    leaf('instanceType', i.InstanceType ?? 't3.micro'),
    leaf('launchTime', i.LaunchTime ?? '2026-01-01T00:00:00.000Z'),
    el('placement', leaf('availabilityZone', i.AvailabilityZone ?? `${regionName}a`), leaf('tenancy', 'default')),
    leaf('platform', i.Platform),
    leaf('architecture', i.Architecture ?? 'x86_64'),
    leaf('rootDeviceType', 'ebs'),
    leaf('rootDeviceName', '/dev/xvda'),
    tagSetXml(i.Tags),
    el(
      'metadataOptions',
      leaf('state', mo.State),
      leaf('httpTokens', mo.HttpTokens),
      leaf('httpPutResponseHopLimit', mo.HttpPutResponseHopLimit),
      leaf('httpEndpoint', mo.HttpEndpoint),
      leaf('httpProtocolIpv6', mo.HttpProtocolIpv6),
      leaf('instanceMetadataTags', mo.InstanceMetadataTags),
    ),
  );
}

function describeInstances(ctx: ActionContext) {
  const { params, account, region } = ctx;
  const ids = params.list('InstanceId');
  const page = readPageRequest(params, 5, 1000);
  if (page.maxResults !== undefined && ids.length > 0) {
    throw Errors.invalidParameterCombination('The parameter instancesSet cannot be used with the parameter maxResults');
  }
  for (const id of ids) {
    if (!INSTANCE_ID.test(id)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
  }
  const filters = params.filters();
  // EC2 caps the filter values of one call (all filters together) at 200.
  if (filters.reduce((n, f) => n + f.values.length, 0) > 200) {
    throw new ApiError('FilterLimitExceeded', 'The maximum number of filter values specified on a single call is 200');
  }
  const matches = compileFilters(filters, INSTANCE_FILTERS);
  checkDryRun(ctx);
  let instances = region.instances.filter((i) => i.OwnerId === account.accountId);
  if (ids.length > 0) {
    const missing = ids.filter((id) => !instances.some((i) => i.InstanceId === id));
    if (missing.length > 0) {
      throw new ApiError('InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' do${missing.length > 1 ? '' : 'es'} not exist`);
    }
    instances = instances.filter((i) => ids.includes(i.InstanceId));
  }
  instances = instances.filter(matches);
  const result = paginate(instances, params, page, ctx.pageSizeCap);

  // Group the page's instances into their reservations, keeping order.
  const reservations = new Map<string, EstateInstance[]>();
  for (const i of result.items) {
    const key = i.ReservationId!;
    reservations.set(key, [...(reservations.get(key) ?? []), i]);
  }
  return [
    list(
      'reservationSet',
      [...reservations.entries()].map(([id, members]) =>
        item(
          leaf('reservationId', id),
          leaf('ownerId', members[0]!.OwnerId),
          list('groupSet', []),
          list('instancesSet', members.map((i) => instanceXml(i, region.name))),
        ),
      ),
    ),
    leaf('nextToken', result.nextToken),
  ].filter((x) => x !== undefined);
}

export const DescribeInstances: ActionDefinition = { service: 'ec2', handle: describeInstances };
