// CloudWatch GetMetricData (JSON 1.0, query-compatible errors) through the real CloudWatchClient:
// AWS/EC2 MetadataNoToken and MetadataNoTokenRejected per instance, period buckets, ownership,
// pagination by datapoints, errors.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GetMetricDataCommand, paginateGetMetricData, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { parseEstate, type RichEstateDocument } from '../../emulator/estate.js';
import { cloudwatch, withEmulator } from './helpers.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const KEYS = { owner: 'AKIAOWNEREXAMPLE0001', other: 'AKIAOTHEREXAMPLE0002' };
const CALLING = 'i-0aaaaaaaaaaaaaaa1'; // IMDSv1 calls
const SILENT = 'i-0bbbbbbbbbbbbbbb2'; // no datapoints at all
const QUIET = 'i-0ccccccccccccccc3'; // datapoints of 0
const THEIRS = 'i-0ddddddddddddddd4';
const IMAGE = 'ami-0123456789abcdef0';
const START = new Date('2026-11-20T10:00:00Z');
const END = new Date('2026-11-20T11:00:00Z');

const at = (minutes: number) => new Date(START.getTime() + minutes * 60_000).toISOString();

function estate(): RichEstateDocument {
  return {
    Accounts: [
      { AccountId: OWNER, AccessKeyIds: [KEYS.owner] },
      { AccountId: OTHER, AccessKeyIds: [KEYS.other], Regions: { 'eu-south-1': 'not-opted-in' } },
    ],
    Regions: {
      'us-east-1': {
        Instances: [
          { InstanceId: CALLING, ImageId: IMAGE },
          { InstanceId: SILENT, ImageId: IMAGE },
          { InstanceId: QUIET, ImageId: IMAGE, State: 'stopped' },
          { InstanceId: THEIRS, ImageId: IMAGE, OwnerId: OTHER },
        ],
        Metrics: {
          [CALLING]: {
            MetadataNoToken: [
              { Timestamp: at(-5), Value: 100 }, // before StartTime
              { Timestamp: at(0), Value: 3 },
              { Timestamp: at(2), Value: 4 },
              { Timestamp: at(7), Value: 5 },
              { Timestamp: at(20), Value: 1 },
              { Timestamp: at(60), Value: 100 }, // EndTime is exclusive
            ],
            MetadataNoTokenRejected: [{ Timestamp: at(31), Value: 2 }],
          },
          [QUIET]: { MetadataNoToken: [{ Timestamp: at(10), Value: 0 }, { Timestamp: at(40), Value: 0 }] },
          [THEIRS]: { MetadataNoToken: [{ Timestamp: at(1), Value: 9 }] },
        },
      },
    },
  };
}

function query(id: string, instanceId: string, metricName = 'MetadataNoToken', period = 300): MetricDataQuery {
  return {
    Id: id,
    MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: metricName, Dimensions: [{ Name: 'InstanceId', Value: instanceId }] }, Period: period, Stat: 'Sum' },
  };
}

interface CloudWatchError {
  name: string;
  Code?: string;
  message: string;
  $metadata: { httpStatusCode?: number };
}

/** Asserts the SDK error: its name, the Query code it carries (query-compatible) and the HTTP status. */
async function rejectsWithCode(promise: Promise<unknown>, name: string, code: string, status: number): Promise<CloudWatchError> {
  try {
    await promise;
  } catch (err) {
    const e = err as CloudWatchError;
    assert.equal(e.name, name, `error name (message: ${e.message})`);
    assert.equal(e.Code, code);
    assert.equal(e.$metadata.httpStatusCode, status);
    return e;
  }
  assert.fail(`expected ${name}, but the call succeeded`);
}

test('GetMetricData sums datapoints into period buckets; no datapoints is an empty result, not zeros', async () => {
  await withEmulator({ estate: estate() }, async (emulator) => {
    // GIVEN the owner's client
    const client = cloudwatch(emulator, { accessKeyId: KEYS.owner });
    // WHEN it asks for both metrics of its instances (and another account's), 5-minute Sums
    const out = await client.send(new GetMetricDataCommand({
      StartTime: START,
      EndTime: END,
      MetricDataQueries: [
        query('calls', CALLING),
        query('rejected', CALLING, 'MetadataNoTokenRejected'),
        query('silent', SILENT),
        query('quiet', QUIET),
        query('theirs', THEIRS),
        query('other', CALLING, 'CPUUtilization'),
      ],
    }));
    const byId = new Map(out.MetricDataResults?.map((r) => [r.Id, r]));
    // THEN the buckets are newest first, StartTime inclusive and EndTime exclusive
    assert.deepEqual(byId.get('calls'), {
      Id: 'calls',
      Label: 'MetadataNoToken',
      Timestamps: [new Date(at(20)), new Date(at(5)), new Date(at(0))],
      Values: [1, 5, 7],
      StatusCode: 'Complete',
    });
    assert.deepEqual(byId.get('rejected')?.Values, [2]);
    assert.deepEqual(byId.get('rejected')?.Timestamps, [new Date(at(30))]);
    assert.deepEqual(byId.get('quiet')?.Values, [0, 0], 'zeros are datapoints');
    for (const id of ['silent', 'theirs', 'other']) {
      assert.deepEqual(byId.get(id)?.Timestamps, [], `${id}: no datapoints`);
      assert.equal(byId.get(id)?.StatusCode, 'Complete');
    }
    assert.equal(out.NextToken, undefined);

    // The other account sees its own instance's metrics, ascending when asked.
    const theirs = await cloudwatch(emulator, { accessKeyId: KEYS.other }).send(new GetMetricDataCommand({
      StartTime: START, EndTime: END, ScanBy: 'TimestampAscending', MetricDataQueries: [query('theirs', THEIRS, 'MetadataNoToken', 60), query('calls', CALLING)],
    }));
    assert.deepEqual(theirs.MetricDataResults?.map((r) => [r.Id, r.Values]), [['theirs', [9]], ['calls', []]]);
    assert.equal(emulator.stats().requestsByAction.GetMetricData, 2);
  });
});

test('answers are capped in datapoints (maxDatapointsPerCall); NextToken carries the rest, PartialData marks a cut query', async () => {
  await withEmulator({ estate: estate(), maxDatapointsPerCall: 2 }, async (emulator) => {
    const client = cloudwatch(emulator, { accessKeyId: KEYS.owner });
    // A fresh input each time: the SDK's paginator writes NextToken into the object it is given.
    const input = () => ({
      StartTime: START,
      EndTime: END,
      ScanBy: 'TimestampAscending' as const,
      MetricDataQueries: [query('calls', CALLING), query('silent', SILENT), query('quiet', QUIET), query('rejected', CALLING, 'MetadataNoTokenRejected')],
    });
    const first = await client.send(new GetMetricDataCommand(input()));
    assert.deepEqual(first.MetricDataResults?.map((r) => [r.Id, r.Values, r.StatusCode]), [['calls', [7, 5], 'PartialData']]);
    assert.ok(first.NextToken);

    const pages: MetricDataResult[][] = [];
    for await (const page of paginateGetMetricData({ client }, input())) pages.push(page.MetricDataResults ?? []);
    assert.equal(pages.length, 3, '6 datapoints, 2 per answer');
    const merged = new Map<string, number[]>();
    for (const r of pages.flat()) merged.set(r.Id!, [...(merged.get(r.Id!) ?? []), ...(r.Values ?? [])]);
    assert.deepEqual(Object.fromEntries(merged), { calls: [7, 5, 1], silent: [], quiet: [0, 0], rejected: [2] });

    // MaxDatapoints lowers the cap further; a token from another request is refused.
    const one = await client.send(new GetMetricDataCommand({ ...input(), MaxDatapoints: 1 }));
    assert.deepEqual(one.MetricDataResults?.map((r) => r.Values), [[7]]);
    await rejectsWithCode(
      client.send(new GetMetricDataCommand({ ...input(), MetricDataQueries: [query('x', QUIET)], NextToken: first.NextToken })),
      'InvalidNextToken', 'InvalidNextToken', 400,
    );
  });
});

test('more than 500 queries, bad periods and StartTime >= EndTime are refused as CloudWatch words it', async () => {
  await withEmulator({ estate: estate() }, async (emulator) => {
    const client = cloudwatch(emulator, { accessKeyId: KEYS.owner });
    const many = Array.from({ length: 501 }, (_, i) => query(`q${i}`, CALLING));
    const e = await rejectsWithCode(client.send(new GetMetricDataCommand({ StartTime: START, EndTime: END, MetricDataQueries: many })), 'ValidationException', 'ValidationError', 400);
    assert.match(e.message, /Member must have length less than or equal to 500/);
    await client.send(new GetMetricDataCommand({ StartTime: START, EndTime: END, MetricDataQueries: many.slice(0, 500) }));
    await rejectsWithCode(client.send(new GetMetricDataCommand({ StartTime: START, EndTime: END, MetricDataQueries: [query('a', CALLING, 'MetadataNoToken', 90)] })), 'ValidationException', 'ValidationError', 400);
    await rejectsWithCode(client.send(new GetMetricDataCommand({ StartTime: END, EndTime: START, MetricDataQueries: [query('a', CALLING)] })), 'ValidationException', 'ValidationError', 400);
    await rejectsWithCode(client.send(new GetMetricDataCommand({ StartTime: START, EndTime: END, MetricDataQueries: [query('a', CALLING), query('a', QUIET)] })), 'ValidationException', 'ValidationError', 400);
  });
});

test('DeniedActions, throttling, faults and disabled regions answer with CloudWatch\'s codes', async () => {
  const doc = estate();
  doc.Accounts![1]!.DeniedActions = ['cloudwatch:GetMetricData'];
  await withEmulator({ estate: doc }, async (emulator) => {
    const input = { StartTime: START, EndTime: END, MetricDataQueries: [query('a', THEIRS)] };
    const denied = await rejectsWithCode(cloudwatch(emulator, { accessKeyId: KEYS.other }).send(new GetMetricDataCommand(input)), 'AccessDenied', 'AccessDenied', 403);
    assert.match(denied.message, /not authorized to perform: cloudwatch:GetMetricData/);
    await rejectsWithCode(
      cloudwatch(emulator, { accessKeyId: KEYS.owner, region: 'eu-south-1' }).send(new GetMetricDataCommand(input)),
      'InvalidClientTokenId', 'InvalidClientTokenId', 403,
    );
    const client = cloudwatch(emulator, { accessKeyId: KEYS.owner });
    emulator.setOptions({ throttle: { capacity: 1, refillPerSecond: 0 } });
    await client.send(new GetMetricDataCommand(input));
    await rejectsWithCode(client.send(new GetMetricDataCommand(input)), 'Throttling', 'Throttling', 400);
    emulator.setOptions({ throttle: false, failAction: 'GetMetricData' });
    await rejectsWithCode(client.send(new GetMetricDataCommand(input)), 'InternalServiceFault', 'InternalServiceError', 500);
    assert.equal(emulator.stats().faultsByAction.GetMetricData, 1);
  });
});

test('the estate refuses bad metrics, naming each problem', () => {
  assert.throws(
    () => parseEstate({ Regions: { 'us-east-1': { Metrics: { 'i-zz': {}, [CALLING]: { MetadataNoToken: [{ Timestamp: 'soon', Value: -1 }], CPU: [] } } } } }),
    (err: Error) => {
      for (const expected of [
        'Regions.us-east-1.Metrics.i-zz: not an instance id',
        `Regions.us-east-1.Metrics.${CALLING}.MetadataNoToken[0]: must be {Timestamp: "<ISO date>", Value: <number >= 0>}`,
        `Regions.us-east-1.Metrics.${CALLING}.CPU: unknown field`,
      ]) {
        assert.ok(err.message.includes(expected), `${expected}\nin\n${err.message}`);
      }
      return true;
    },
  );
});
