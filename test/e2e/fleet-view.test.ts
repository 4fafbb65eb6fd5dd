import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RichEstateDocument } from '../../emulator/estate.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, scanAgainst } from '../helpers/emulator.js';
import { FAKE_AWS_ENV, runCli } from '../helpers/run-cli.js';
import { lineSchemaErrors, schemaErrors } from '../helpers/schema.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const DAY = 86_400_000;
/** A datapoint inside the evidence window, whatever day the test runs. */
const recent = (days: number, value: number) => ({ Timestamp: new Date(Date.now() - days * DAY).toISOString(), Value: value });

const image = (id: string, imds?: 'v2.0') => ({ ImageId: `ami-${id}`, Name: `image-${id}`, OwnerId: ACCOUNT, State: 'available', Architecture: 'arm64', BootMode: 'uefi', ...(imds ? { ImdsSupport: imds } : {}) });
const instance = (id: string, imageId: string, state: string, httpTokens: 'required' | 'optional') => ({ InstanceId: `i-${id}`, ImageId: `ami-${imageId}`, OwnerId: ACCOUNT, State: state, MetadataOptions: { HttpTokens: httpTokens } });

/**
 * us-east-1 states no account preference and holds one image per evidence case; eu-west-1's account
 * default is "optional" (it overrides a v2.0 image), ap-southeast-2's is "required".
 */
const estate: RichEstateDocument = {
  DefaultAccountId: ACCOUNT,
  Accounts: [
    { AccountId: ACCOUNT, AccessKeyIds: [FAKE_AWS_ENV.AWS_ACCESS_KEY_ID], InstanceMetadataDefaults: { 'eu-west-1': { HttpTokens: 'optional' }, 'ap-southeast-2': { HttpTokens: 'required' } } },
    { AccountId: OTHER, AccessKeyIds: ['AKIDNOCLOUDWATCHXXX'], DeniedActions: ['GetMetricData'] },
  ],
  Regions: {
    'us-east-1': {
      Images: [
        image('00000001', 'v2.0'), // not-needed
        image('00000002'), // blocked: an instance calls IMDSv1
        image('00000003'), // safe-to-flag: datapoints, no IMDSv1 call
        image('00000004'), // safe-to-flag with a warning: calls refused on a tokens-required instance
        image('00000005'), // untested: only a stopped instance, no datapoints
        image('00000006'), // untested: a running instance without datapoints
        image('00000007'), // untested: no instance; launched by a template's $Default that allows IMDSv1
        image('00000008'), // launched by the same template's $Latest, which requires tokens
        { ...image('00000009'), OwnerId: OTHER },
      ],
      Instances: [
        instance('00000001', '00000001', 'running', 'required'),
        instance('00000002', '00000002', 'running', 'optional'),
        instance('00000003', '00000002', 'running', 'optional'),
        instance('00000004', '00000003', 'running', 'optional'),
        instance('00000005', '00000004', 'running', 'required'),
        instance('00000006', '00000005', 'stopped', 'optional'),
        instance('00000007', '00000006', 'running', 'optional'),
        instance('00000008', '00000002', 'terminated', 'optional'),
        { ...instance('00000009', '00000009', 'running', 'optional'), OwnerId: OTHER },
      ],
      LaunchTemplates: [
        {
          LaunchTemplateId: 'lt-0aaaaaaaaaaaaaaa1',
          LaunchTemplateName: 'web',
          DefaultVersionNumber: 1,
          Versions: [
            { VersionNumber: 1, ImageId: 'ami-00000007', MetadataOptions: { HttpTokens: 'optional' } },
            { VersionNumber: 2, ImageId: 'ami-00000008', MetadataOptions: { HttpTokens: 'required' } },
          ],
        },
        { LaunchTemplateId: 'lt-0bbbbbbbbbbbbbbb2', LaunchTemplateName: 'golden', Versions: [{ VersionNumber: 1, ImageId: 'resolve:ssm:/golden/ami' }] },
      ],
      Metrics: {
        'i-00000002': { MetadataNoToken: [recent(1, 5), recent(3, 2)], MetadataNoTokenRejected: [recent(1, 0)] },
        'i-00000003': { MetadataNoToken: [recent(2, 0)] },
        'i-00000004': { MetadataNoToken: [recent(1, 0), recent(2, 0)], MetadataNoTokenRejected: [recent(1, 0)] },
        'i-00000005': { MetadataNoToken: [recent(1, 0)], MetadataNoTokenRejected: [recent(1, 3)] },
        'i-00000009': { MetadataNoToken: [recent(1, 1)] },
      },
    },
    'eu-west-1': { Images: [image('0000000a', 'v2.0'), image('0000000b')] },
    'ap-southeast-2': { Images: [image('0000000c')] },
  },
};

interface FleetImage {
  imageId: string;
  effectiveHttpTokens: string | null;
  effectiveSource: string | null;
  usage?: { instances?: { total: number; running: number; imdsV1Allowed: number; ids: string[] }; launchTemplates?: { id: string; version: number; isDefault: boolean; isLatest: boolean; httpTokens: string | null }[] };
  evidence?: { verdict: string; noTokenCalls: number; rejectedCalls: number; instancesObserved: number; windowDays: number; instancesCallingV1?: string[]; warning?: string };
  findings: { ruleId: string; severity: string; message: string }[];
}

let emulator: RunningEmulator;
before(async () => {
  emulator = await emulatorFor({ estate });
});
after(() => emulator.close());

function byId(document: { images: FleetImage[] }): Map<string, FleetImage> {
  return new Map(document.images.map((image) => [image.imageId, image]));
}

describe('scan --fleet --evidence against the emulator', () => {
  let document: { images: FleetImage[]; errors: unknown[]; summary: { complete: boolean; fleet: Record<string, unknown> & { byEvidence: Record<string, number>; notes: { message: string }[]; instances: Record<string, number> } } };
  let code: number | null;

  before(async () => {
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', 'eu-west-1', 'ap-southeast-2', '--evidence', '--output', 'json', '--fail-on', 'none']);
    code = run.code;
    document = JSON.parse(run.stdout);
    assert.equal(run.stderr, '', run.stderr);
  });

  test('the report is complete and valid against the schema', () => {
    assert.equal(code, 0);
    assert.equal(document.summary.complete, true);
    assert.deepEqual(schemaErrors(document), []);
  });

  test('each evidence verdict', () => {
    const images = byId(document);
    const verdict = (id: string) => images.get(`ami-${id}`)!.evidence?.verdict;
    assert.deepEqual(
      ['00000001', '00000002', '00000003', '00000004', '00000005', '00000006', '00000007'].map(verdict),
      ['not-needed', 'blocked', 'safe-to-flag', 'safe-to-flag', 'untested', 'untested', 'untested'],
    );
    const blocked = images.get('ami-00000002')!;
    assert.deepEqual({ calls: blocked.evidence!.noTokenCalls, who: blocked.evidence!.instancesCallingV1, days: blocked.evidence!.windowDays }, { calls: 7, who: ['i-00000002'], days: 14 });
    const rule = blocked.findings.find((finding) => finding.ruleId === 'IMDS_V1_IN_USE');
    assert.equal(rule?.severity, 'high');
    assert.match(rule!.message, /7 IMDSv1 calls in the last 14 days from i-00000002/);
    assert.match(images.get('ami-00000004')!.evidence!.warning!, /3 IMDSv1 calls were refused/);
    assert.equal(images.get('ami-00000006')!.evidence!.instancesObserved, 0, 'an instance without datapoints is not evidence');
  });

  test('instances per image: terminated ones left out, IMDSv1-allowing ones counted', () => {
    const images = byId(document);
    assert.deepEqual(images.get('ami-00000002')!.usage!.instances, { total: 2, running: 2, imdsV1Allowed: 2, ids: ['i-00000002', 'i-00000003'] });
    assert.deepEqual(images.get('ami-00000005')!.usage!.instances, { total: 1, running: 0, imdsV1Allowed: 1, ids: ['i-00000006'] });
    assert.equal(document.summary.fleet.instances.total, 7);
  });

  test('$Default and $Latest that disagree; a template that allows IMDSv1; an SSM reference is a note', () => {
    const images = byId(document);
    const oldImage = images.get('ami-00000007')!;
    assert.deepEqual(oldImage.usage!.launchTemplates!.map((t) => [t.id, t.version, t.isDefault, t.isLatest, t.httpTokens]), [['lt-0aaaaaaaaaaaaaaa1', 1, true, false, 'optional']]);
    assert.ok(oldImage.findings.some((finding) => finding.ruleId === 'LAUNCH_TEMPLATE_ALLOWS_V1' && /lt-0aaaaaaaaaaaaaaa1 \(web\) version 1 \(\$Default\)/.test(finding.message)));
    const newImage = images.get('ami-00000008')!;
    assert.deepEqual(newImage.usage!.launchTemplates!.map((t) => [t.version, t.isDefault, t.isLatest, t.httpTokens]), [[2, false, true, 'required']]);
    assert.equal(newImage.findings.some((finding) => finding.ruleId === 'LAUNCH_TEMPLATE_ALLOWS_V1'), false);
    assert.equal(document.summary.fleet.notes.length, 1);
    assert.match(document.summary.fleet.notes[0]!.message, /lt-0bbbbbbbbbbbbbbb2 \(golden\) version 1 launches resolve:ssm:\/golden\/ami/);
    assert.equal(document.errors.length, 0, 'an unresolved reference is not an error');
  });

  test('each precedence case of effectiveHttpTokens', () => {
    const images = byId(document);
    const effective = (id: string) => [images.get(`ami-${id}`)!.effectiveHttpTokens, images.get(`ami-${id}`)!.effectiveSource];
    assert.deepEqual(effective('00000001'), ['required', 'ami'], 'v2.0, no preference');
    assert.deepEqual(effective('00000002'), ['optional', 'ami'], 'unset, no preference');
    assert.deepEqual(effective('0000000c'), ['required', 'account-default'], 'unset, account requires tokens');
    assert.deepEqual(effective('0000000a'), ['optional', 'account-default'], 'v2.0 overridden by an optional account default');
    const overridden = images.get('ami-0000000a')!.findings.find((finding) => finding.ruleId === 'ACCOUNT_DEFAULT_ALLOWS_V1');
    assert.equal(overridden?.severity, 'medium');
    assert.equal(images.get('ami-00000001')!.findings.some((finding) => finding.ruleId === 'ACCOUNT_DEFAULT_ALLOWS_V1'), false);
  });

  test('the summary counts images by verdict', () => {
    assert.deepEqual(document.summary.fleet.byEvidence, { 'not-needed': 2, blocked: 1, 'safe-to-flag': 2, untested: 6 });
  });
});

describe('the gate and the formats with the fleet view', () => {
  test('IMDS_V1_IN_USE fails the default gate in every format', async () => {
    for (const output of ['json', 'ndjson', 'csv', 'table', 'sarif', 'markdown']) {
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', 'ami-00000001', 'ami-00000002', '--evidence', '7', '--output', output]);
      assert.equal(run.code, 1, `${output}: ${run.stderr}`);
    }
  });

  test('a v2.0 image with no finding passes, and --fleet alone reads no metrics', async () => {
    emulator.resetStats();
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', 'ami-00000001', '--fleet', '--output', 'ndjson']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.flatMap((line) => lineSchemaErrors(line)), []);
    assert.equal(lines[0].type, 'image');
    assert.equal(lines[0].usage.instances.total, 1);
    assert.equal(lines[0].evidence, undefined);
    assert.equal(lines.at(-1).summary.fleet.byEvidence, undefined);
    assert.equal(emulator.stats().requestsByAction.GetMetricData ?? 0, 0);
  });

  test('the table shows the fleet columns only with --fleet; CSV carries the fields', async () => {
    const plain = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', 'ami-00000002', '--fail-on', 'none'], { COLUMNS: '200' });
    assert.doesNotMatch(plain.stdout, /Instances|Evidence/);
    const fleet = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', 'ami-00000002', '--evidence', '--fail-on', 'none'], { COLUMNS: '200' });
    assert.match(fleet.stdout, /Instances/);
    assert.match(fleet.stdout, /│ blocked\s+│/);
    assert.match(fleet.stdout, /Evidence \(CloudWatch MetadataNoToken\): 0 not-needed, 1 blocked, 0 safe-to-flag, 0 untested/);
    const csv = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', 'ami-00000002', '--evidence', '--output', 'csv', '--fail-on', 'none']);
    const [header, row] = csv.stdout.split('\r\n');
    const cells = Object.fromEntries(header!.split(',').map((name, index) => [name, JSON.parse(row!.split(',')[index]!)]));
    assert.deepEqual([cells.effectiveHttpTokens, cells.instances, cells.imdsV1AllowedInstances, cells.evidence, cells.noTokenCalls], ['optional', '2', '2', 'blocked', '7']);
  });
});

describe('call economy and failures', () => {
  test('one listing of the region, one defaults call, one metrics call for a page of images', async () => {
    emulator.resetStats();
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--evidence', '--output', 'json', '--fail-on', 'none']);
    assert.equal(run.code, 0, run.stderr);
    const calls = emulator.stats().requestsByAction;
    assert.deepEqual(
      [calls.GetInstanceMetadataDefaults, calls.DescribeInstances, calls.DescribeLaunchTemplateVersions, calls.GetMetricData],
      [1, 1, 1, 1],
    );
  });

  test('a missing CloudWatch permission names it, leaves evidence out and exits 3', async () => {
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--evidence', '--output', 'json'], { AWS_ACCESS_KEY_ID: 'AKIDNOCLOUDWATCHXXX' });
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /grant the IAM permission cloudwatch:GetMetricData/);
    const document = JSON.parse(run.stdout) as { images: FleetImage[]; summary: { complete: boolean } };
    assert.equal(document.summary.complete, false);
    const own = document.images.find((image) => image.imageId === 'ami-00000009')!;
    assert.equal(own.evidence, undefined);
    assert.equal(own.usage!.instances!.total, 1);
  });

  test('a missing DescribeInstances permission fails every format with exit 3', async () => {
    emulator.setOptions({ failAction: 'DescribeInstances', failError: { code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.', status: 403 } });
    try {
      for (const output of ['ndjson', 'table']) {
        const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--fleet', '--output', output, '--fail-on', 'none']);
        assert.equal(run.code, 3, `${output}: ${run.stderr}`);
        assert.match(run.stderr, /grant the IAM permission ec2:DescribeInstances/);
      }
    } finally {
      emulator.setOptions({ failAction: [] });
    }
  });

  test('bad --evidence values and --fleet with --input are usage errors', async () => {
    for (const value of ['0', '456', 'two']) {
      const run = await runCli(['scan', '--evidence', value, '--region', 'us-east-1'], { env: FAKE_AWS_ENV });
      assert.equal(run.code, 2);
      assert.match(run.stderr, /^ami-audit: error: --evidence "\S+" is not valid: give a whole number from 1 to 455\n$/);
    }
    const input = await runCli(['scan', '--input', 'examples/estate.json', '--fleet']);
    assert.equal(input.code, 2);
    assert.match(input.stderr, /--fleet, --evidence .* drop them with --input, or scan AWS/);
  });

  test('AWS_ENDPOINT_URL_<SERVICE> variables reach every service without --endpoint-url', async () => {
    const run = await runCli(['scan', '--region', 'us-east-1', '--image-ids', 'ami-00000002', '--evidence', '--output', 'json', '--fail-on', 'none'], {
      env: { ...FAKE_AWS_ENV, AWS_ENDPOINT_URL_EC2: emulator.url, AWS_ENDPOINT_URL_STS: emulator.url, AWS_ENDPOINT_URL_CLOUDWATCH: emulator.url },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).images[0].evidence.verdict, 'blocked');
  });
});

describe('from evidence to fix', () => {
  test('fix --from a scan --evidence report --only safe-to-flag flags those images and no other', async () => {
    const scanRun = await scanAgainst(emulator, ['--region', 'us-east-1', '--evidence', '--output', 'json', '--fail-on', 'none']);
    assert.equal(scanRun.code, 0, scanRun.stderr);
    const report = join(mkdtempSync(join(tmpdir(), 'ami-audit-evidence-')), 'report.json');
    writeFileSync(report, scanRun.stdout);
    const run = await runCli(['fix', '--endpoint-url', emulator.url, '--from', report, '--only', 'safe-to-flag', '--apply', '--yes', '--output', 'json'], { env: FAKE_AWS_ENV });
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { results: { imageId: string; action: string }[] };
    assert.deepEqual(result.results.map((entry) => [entry.imageId, entry.action]).sort(), [['ami-00000003', 'flagged'], ['ami-00000004', 'flagged']]);
    const flagged = emulator.estate.regions.get('us-east-1')!.images.filter((image) => image.ImdsSupport === 'v2.0').map((image) => image.ImageId).sort();
    assert.deepEqual(flagged, ['ami-00000001', 'ami-00000003', 'ami-00000004'], 'the blocked and untested images are left alone');
  });
});
