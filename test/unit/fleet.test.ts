import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { effectiveImds } from '../../src/core/fleet/effective-imds.js';
import { evidenceFor } from '../../src/core/fleet/evidence.js';
import { readRegionFleet } from '../../src/core/fleet/region-fleet.js';
import type { FleetNote, InstanceSummary, LaunchTemplateVersionRecord, MetadataCallSums } from '../../src/core/fleet/types.js';
import type { AccountPort, Ec2Port, FleetPort, ImageQuery } from '../../src/core/ports.js';
import { DEFAULT_CHECKS, type CheckName } from '../../src/core/rules.js';
import { scan } from '../../src/core/scan.js';
import type { ImageRecord, ScanError } from '../../src/core/types.js';
import { AwsCallError } from '../../src/errors.js';
import { anImage, NOW } from '../helpers/builders.js';

const none = { httpTokens: null, httpTokensEnforced: null };

describe('effective HttpTokens of a plain launch', () => {
  test('the image decides when the account states no preference', () => {
    assert.deepEqual(effectiveImds('v2.0', none), { httpTokens: 'required', source: 'ami' });
    assert.deepEqual(effectiveImds(null, none), { httpTokens: 'optional', source: 'ami' });
    assert.deepEqual(effectiveImds('v2.0', { httpTokens: 'no-preference', httpTokensEnforced: null }), { httpTokens: 'required', source: 'ami' });
  });
  test('an account default of required makes an unflagged image require tokens', () => {
    assert.deepEqual(effectiveImds(null, { httpTokens: 'required', httpTokensEnforced: null }), { httpTokens: 'required', source: 'account-default' });
  });
  test('an account default of optional overrides a v2.0 image', () => {
    assert.deepEqual(effectiveImds('v2.0', { httpTokens: 'optional', httpTokensEnforced: null }), { httpTokens: 'optional', source: 'account-default' });
  });
  test('enforcement requires tokens whatever the default', () => {
    assert.deepEqual(effectiveImds(null, { httpTokens: 'optional', httpTokensEnforced: 'enabled' }), { httpTokens: 'required', source: 'account-default' });
  });
  test('an account default ami-audit does not know is not taken as required', () => {
    assert.deepEqual(effectiveImds('v2.0', { httpTokens: 'v3-only', httpTokensEnforced: null }), { httpTokens: 'optional', source: 'account-default' });
  });
});

const instance = (instanceId: string, state = 'running', httpTokens: string | null = 'optional'): InstanceSummary => ({ instanceId, imageId: 'ami-1', state, httpTokens });
const sums = (entries: [string, number | null, number | null][]) => new Map<string, MetadataCallSums>(entries.map(([id, noToken, rejected]) => [id, { noToken, rejected }]));

describe('evidence verdicts', () => {
  test('not-needed for an image that already requires tokens', () => {
    assert.equal(evidenceFor('v2.0', [instance('i-1')], sums([['i-1', 5, null]]), 14).verdict, 'not-needed');
  });
  test('blocked names the instances that called IMDSv1 and sums their calls', () => {
    const evidence = evidenceFor(null, [instance('i-1'), instance('i-2'), instance('i-3')], sums([['i-1', 0, 0], ['i-2', 7, 0], ['i-3', 3, null]]), 14);
    assert.deepEqual(evidence, { verdict: 'blocked', noTokenCalls: 10, rejectedCalls: 0, instancesObserved: 3, windowDays: 14, instancesCallingV1: ['i-2', 'i-3'] });
  });
  test('safe-to-flag when an instance ran without an IMDSv1 call', () => {
    const evidence = evidenceFor(null, [instance('i-1')], sums([['i-1', 0, 0]]), 7);
    assert.equal(evidence.verdict, 'safe-to-flag');
    assert.equal(evidence.instancesObserved, 1);
    assert.equal(evidence.warning, undefined);
  });
  test('safe-to-flag with a warning when IMDSv1 calls were refused', () => {
    const evidence = evidenceFor(null, [instance('i-1', 'running', 'required')], sums([['i-1', 0, 4]]), 14);
    assert.equal(evidence.verdict, 'safe-to-flag');
    assert.match(evidence.warning!, /4 IMDSv1 calls were refused/);
  });
  test('safe-to-flag when a running instance already requires tokens, even without datapoints', () => {
    assert.equal(evidenceFor(null, [instance('i-1', 'running', 'required')], sums([]), 14).verdict, 'safe-to-flag');
  });
  test('untested without instances, with only stopped ones, or without datapoints', () => {
    assert.equal(evidenceFor(null, [], sums([]), 14).verdict, 'untested');
    assert.equal(evidenceFor(null, [instance('i-1', 'stopped', 'required')], sums([]), 14).verdict, 'untested');
    const noData = evidenceFor(null, [instance('i-1')], sums([['i-1', null, null]]), 14);
    assert.deepEqual(noData, { verdict: 'untested', noTokenCalls: 0, rejectedCalls: 0, instancesObserved: 0, windowDays: 14 });
  });
});

/** A fleet port over fixed data that counts its calls. */
function aFleetPort(data: {
  region?: string;
  defaults?: { httpTokens: string | null; httpTokensEnforced?: string | null } | Error;
  instances?: InstanceSummary[] | Error;
  templates?: LaunchTemplateVersionRecord[] | Error;
  metrics?: Record<string, MetadataCallSums> | Error;
}) {
  const calls = { defaults: 0, instances: [] as (readonly string[] | undefined)[], templates: 0, metrics: [] as number[] };
  const fail = (error: Error) => new AwsCallError({ code: 'AccessDenied', message: error.message, region: data.region ?? 'us-east-1' });
  const port: FleetPort = {
    region: data.region ?? 'us-east-1',
    async metadataDefaults() {
      calls.defaults += 1;
      if (data.defaults instanceof Error) throw fail(data.defaults);
      return { httpTokens: data.defaults?.httpTokens ?? null, httpPutResponseHopLimit: null, httpTokensEnforced: data.defaults?.httpTokensEnforced ?? null, managedBy: null };
    },
    async *listInstances(imageIds) {
      calls.instances.push(imageIds);
      if (data.instances instanceof Error) throw fail(data.instances);
      yield (data.instances ?? []).filter((i) => !imageIds || imageIds.includes(i.imageId));
    },
    async *listLaunchTemplateVersions() {
      calls.templates += 1;
      if (data.templates instanceof Error) throw fail(data.templates);
      yield data.templates ?? [];
    },
    async metadataCalls(ids) {
      calls.metrics.push(ids.length);
      if (data.metrics instanceof Error) throw fail(data.metrics);
      const metrics = data.metrics ?? {};
      return new Map(ids.map((id) => [id, metrics[id] ?? { noToken: null, rejected: null }]));
    },
  };
  return { port, calls };
}

const template = (id: string, version: number, imageId: string | null, extra: Partial<LaunchTemplateVersionRecord> = {}): LaunchTemplateVersionRecord => ({ id, name: `name-${id}`, version, isDefault: false, imageId, httpTokens: null, ...extra });

describe('reading a region', () => {
  test('lists instances once for the region, and in chunks of 200 image ids with --image-ids', async () => {
    const sink = { errors: [] as ScanError[], notes: [] as FleetNote[] };
    const listAll = aFleetPort({});
    await readRegionFleet(listAll.port, { accountId: '111122223333', imageIds: [] }, { recordError: (e) => sink.errors.push(e), note: (n) => sink.notes.push(n) });
    assert.deepEqual(listAll.calls.instances, [undefined]);
    const ids = Array.from({ length: 450 }, (_, index) => `ami-${index.toString(16).padStart(8, '0')}`);
    const byIds = aFleetPort({});
    await readRegionFleet(byIds.port, { accountId: '111122223333', imageIds: ids }, { recordError: (e) => sink.errors.push(e), note: (n) => sink.notes.push(n) });
    assert.deepEqual(byIds.calls.instances.map((chunk) => chunk!.length), [200, 200, 50]);
  });

  test('$Latest is the highest version returned; $Default and $Latest may disagree; SSM references are notes', async () => {
    const notes: FleetNote[] = [];
    const { port } = aFleetPort({
      templates: [
        template('lt-1', 3, 'ami-new', { httpTokens: 'required' }),
        template('lt-1', 2, 'ami-old', { isDefault: true, httpTokens: 'optional' }),
        template('lt-2', 1, 'resolve:ssm:/golden/ami', { isDefault: true }),
        template('lt-3', 5, 'ami-old', { isDefault: true }),
      ],
    });
    const fleet = await readRegionFleet(port, { accountId: 'a', imageIds: [] }, { recordError: () => assert.fail('no error expected'), note: (n) => notes.push(n) });
    assert.deepEqual(fleet.templatesByImage!.get('ami-new'), [{ id: 'lt-1', name: 'name-lt-1', version: 3, isDefault: false, isLatest: true, httpTokens: 'required' }]);
    assert.deepEqual(
      fleet.templatesByImage!.get('ami-old')!.map((t) => [t.id, t.version, t.isDefault, t.isLatest, t.httpTokens]),
      [['lt-1', 2, true, false, 'optional'], ['lt-3', 5, true, true, null]],
    );
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.code, 'UnresolvedImageReference');
    assert.match(notes[0]!.message, /lt-2 .* resolve:ssm:\/golden\/ami/);
  });
});

function anAccount(ec2: Ec2Port, fleet: FleetPort): AccountPort {
  return { label: 'default', identify: async () => '111122223333', listRegions: async () => [], ec2: () => ec2, fleet: () => fleet };
}

function anEc2Port(images: ImageRecord[]): Ec2Port {
  return {
    region: 'us-east-1',
    async *listImages() {
      yield images.map((image) => ({ ...image, accountId: null }));
    },
    readImageAttribute: async () => ({}),
  };
}

const query: ImageQuery = { owners: ['self'], executableUsers: [], imageIds: [], filters: [], includeDeprecated: false, includeDisabled: false };

async function scanFleet(images: ImageRecord[], fleet: FleetPort, checks: CheckName[] = [...DEFAULT_CHECKS, 'fleet', 'evidence']) {
  return scan(
    { regions: ['us-east-1'], query, checks, attributes: [], concurrency: 4, regionConcurrency: 1, evidenceDays: 30 },
    { accounts: [anAccount(anEc2Port(images), fleet)], now: NOW },
  );
}

describe('a scan with the fleet view', () => {
  const flagged = anImage({ imageId: 'ami-00000001', imdsSupport: 'v2.0' });
  const unflagged = anImage({ imageId: 'ami-00000002', imdsSupport: null });
  const lonely = anImage({ imageId: 'ami-00000003', imdsSupport: null });
  const instances = [
    { instanceId: 'i-01', imageId: 'ami-00000001', state: 'running', httpTokens: 'required' },
    { instanceId: 'i-02', imageId: 'ami-00000002', state: 'running', httpTokens: 'optional' },
    { instanceId: 'i-03', imageId: 'ami-00000002', state: 'stopped', httpTokens: 'optional' },
  ];

  test('each image gets its effective tokens, usage and evidence, and the rules fire', async () => {
    const { port, calls } = aFleetPort({
      defaults: { httpTokens: 'optional' },
      instances,
      templates: [template('lt-9', 1, 'ami-00000002', { isDefault: true, httpTokens: 'optional' })],
      metrics: { 'i-02': { noToken: 12, rejected: 0 } },
    });
    const result = await scanFleet([flagged, unflagged, lonely], port);
    const [first, second, third] = result.images;
    assert.equal(first!.effectiveHttpTokens, 'optional');
    assert.equal(first!.effectiveSource, 'account-default');
    assert.ok(first!.findings.some((f) => f.ruleId === 'ACCOUNT_DEFAULT_ALLOWS_V1' && f.severity === 'medium'));
    assert.equal(first!.evidence!.verdict, 'not-needed');
    assert.deepEqual(second!.usage!.instances, { total: 2, running: 1, imdsV1Allowed: 2, ids: ['i-02', 'i-03'] });
    assert.equal(second!.evidence!.verdict, 'blocked');
    assert.ok(second!.findings.some((f) => f.ruleId === 'IMDS_V1_IN_USE' && f.severity === 'high' && f.message.includes('i-02')));
    assert.ok(second!.findings.some((f) => f.ruleId === 'LAUNCH_TEMPLATE_ALLOWS_V1' && f.message.includes('lt-9')));
    assert.equal(third!.evidence!.verdict, 'untested');
    assert.deepEqual(third!.usage!.instances, { total: 0, running: 0, imdsV1Allowed: 0, ids: [] });
    // One metadata-defaults call, one instance listing, one template listing, one metric call for the
    // two instances of the image that is not yet v2.0.
    assert.deepEqual({ defaults: calls.defaults, instances: calls.instances.length, templates: calls.templates, metrics: calls.metrics }, { defaults: 1, instances: 1, templates: 1, metrics: [2] });
    assert.equal(result.summary.complete, true);
    assert.deepEqual(result.summary.fleet!.instances, { total: 3, running: 2, imdsV1Allowed: 2 });
    assert.deepEqual(result.summary.fleet!.byEvidence, { 'not-needed': 1, blocked: 1, 'safe-to-flag': 0, untested: 1 });
    assert.deepEqual(result.summary.fleet!.imdsV1AllowedByImage, [{ imageId: 'ami-00000002', accountId: '111122223333', region: 'us-east-1', instances: 2 }]);
    assert.equal(result.summary.fleet!.accountDefaults[0]!.httpTokens, 'optional');
  });

  test('without the evidence check, CloudWatch is not called and images carry no evidence', async () => {
    const { port, calls } = aFleetPort({ instances });
    const result = await scanFleet([unflagged], port, [...DEFAULT_CHECKS, 'fleet']);
    assert.deepEqual(calls.metrics, []);
    assert.equal(result.images[0]!.evidence, undefined);
    assert.equal(result.summary.fleet!.byEvidence, undefined);
  });

  test('a scan without --fleet makes no fleet call and has no fleet fields', async () => {
    const { port, calls } = aFleetPort({ instances });
    const result = await scanFleet([unflagged], port, DEFAULT_CHECKS);
    assert.deepEqual(calls, { defaults: 0, instances: [], templates: 0, metrics: [] });
    assert.equal('usage' in result.images[0]!, false);
    assert.equal(result.summary.fleet, undefined);
  });

  test('a failed read is an error, leaves its part out, and never reads as safe', async () => {
    const { port } = aFleetPort({ defaults: new Error('no defaults'), instances, metrics: new Error('no metrics') });
    const result = await scanFleet([flagged, unflagged], port);
    assert.equal(result.summary.complete, false);
    assert.deepEqual(result.errors.map((e) => e.action).sort(), ['GetInstanceMetadataDefaults', 'GetMetricData']);
    assert.equal(result.images[1]!.effectiveHttpTokens, null);
    assert.equal(result.images[1]!.evidence, undefined, 'no verdict without metrics');
    assert.equal(result.images[1]!.usage!.instances!.total, 2, 'the instances were still read');
    const listing = aFleetPort({ instances: new Error('no instances') });
    const withoutInstances = await scanFleet([unflagged], listing.port);
    assert.equal(withoutInstances.images[0]!.usage!.instances, undefined);
    assert.equal(withoutInstances.images[0]!.evidence, undefined);
    assert.deepEqual(listing.calls.metrics, []);
  });
});
