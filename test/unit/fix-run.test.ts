// runFixPlan on fake ports: placement in accounts, the re-read, the confirmation, bounded writes and the read back.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runFixPlan, type FixDeps, type FixRequest } from '../../src/core/fix.js';
import type { FixTarget } from '../../src/core/fix-plan.js';
import type { Ec2Port, FixAccountPort, ImageQuery, ImageWriterPort } from '../../src/core/ports.js';
import type { ImageRecord } from '../../src/core/types.js';
import { AmiAuditError, AwsCallError } from '../../src/errors.js';
import { anImage } from '../helpers/builders.js';

const ME = '111122223333';
const id = (n: number) => `ami-${n.toString(16).padStart(17, '0')}`;

/** An account whose images live in a map (by region, by id); writes set ImdsSupport unless a hook says otherwise. */
class FakeAccount implements FixAccountPort {
  readonly writes: { imageId: string; dryRun: boolean }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  reads = 0;
  identifyError: Error | undefined;
  readError: Error | undefined;
  /** Called on each write; may throw an error, or return false to leave the image unchanged. */
  onWrite: (imageId: string, dryRun: boolean) => boolean | void = () => undefined;
  /** Reads back after a write that still show the old value, per image (eventual consistency). */
  staleReads = new Map<string, number>();

  constructor(
    readonly label: string,
    private readonly accountId: string,
    readonly images: Map<string, ImageRecord[]>,
  ) {}

  async identify(): Promise<string> {
    if (this.identifyError) throw this.identifyError;
    return this.accountId;
  }

  ec2(region: string): Ec2Port {
    const account = this;
    return {
      region,
      async *listImages(query: ImageQuery): AsyncIterable<ImageRecord[]> {
        account.reads += 1;
        if (account.readError) throw account.readError;
        const found = (account.images.get(region) ?? []).filter((image) => query.imageIds.includes(image.imageId));
        yield found.map((image) => {
          const stale = account.staleReads.get(image.imageId) ?? 0;
          if (stale > 0 && image.imdsSupport === 'v2.0') {
            account.staleReads.set(image.imageId, stale - 1);
            return { ...image, imdsSupport: null };
          }
          return { ...image };
        });
      },
      readImageAttribute: async () => ({}),
    };
  }

  imageWriter(region: string): ImageWriterPort {
    return {
      region,
      setImdsV2: async (imageId, dryRun) => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        this.inFlight -= 1;
        this.writes.push({ imageId, dryRun });
        const changed = this.onWrite(imageId, dryRun);
        if (!dryRun && changed !== false) {
          const image = this.images.get(region)!.find((candidate) => candidate.imageId === imageId)!;
          image.imdsSupport = 'v2.0';
        }
      },
    };
  }
}

function anAccount(images: ImageRecord[], accountId = ME, label = 'default'): FakeAccount {
  const byRegion = new Map<string, ImageRecord[]>();
  for (const image of images) byRegion.set(image.region!, [...(byRegion.get(image.region!) ?? []), image]);
  return new FakeAccount(label, accountId, byRegion);
}

const unset = (n: number, overrides: Partial<ImageRecord> = {}) => anImage({ imageId: id(n), imdsSupport: null, ...overrides });
const byId = (n: number): FixTarget => ({ imageId: id(n), region: 'us-east-1', accountId: null });

function request(targets: FixTarget[], overrides: Partial<FixRequest> = {}): FixRequest {
  return { targets, apply: false, forceBlocked: false, concurrency: 4, ...overrides };
}

function deps(accounts: FixAccount[], overrides: Partial<FixDeps> = {}): FixDeps & { slept: number[]; asked: number } {
  const state = { slept: [] as number[], asked: 0 };
  return Object.assign(state, {
    accounts,
    confirm: async () => {
      state.asked += 1;
      return true;
    },
    sleep: async (ms: number) => {
      state.slept.push(ms);
    },
    ...overrides,
  });
}
type FixAccount = FakeAccount;

const awsError = (code: string, message: string) => new AwsCallError({ code, message, region: 'us-east-1', action: 'ModifyImageAttribute' });

describe('runFixPlan', () => {
  test('a dry run writes nothing, asks nothing, and reads each region once', async () => {
    const account = anAccount([unset(1), unset(2), unset(3, { region: 'eu-west-1' })]);
    const d = deps([account]);
    const outcome = await runFixPlan(request([byId(1), byId(2), { ...byId(3), region: 'eu-west-1' }]), d);
    assert.deepEqual(outcome.results.map((result) => [result.action, result.accountId]), [['would-flag', ME], ['would-flag', ME], ['would-flag', ME]]);
    assert.ok(account.writes.every((write) => write.dryRun));
    assert.equal(d.asked, 0);
    assert.equal(account.reads, 2);
    assert.equal(outcome.dryRun, true);
  });

  test('writes are bounded by the concurrency', async () => {
    const images = Array.from({ length: 30 }, (_, n) => unset(n + 1));
    const account = anAccount(images);
    const outcome = await runFixPlan(request(images.map((_, n) => byId(n + 1)), { apply: true, concurrency: 3 }), deps([account]));
    assert.equal(outcome.summary.flagged, 30);
    assert.equal(account.maxInFlight, 3);
  });

  test('a change that shows late is read back again after a wait, then flagged', async () => {
    const account = anAccount([unset(1)]);
    account.staleReads.set(id(1), 1);
    const d = deps([account], { readBackDelaysMs: [5, 10] });
    const outcome = await runFixPlan(request([byId(1)], { apply: true }), d);
    assert.equal(outcome.results[0]!.action, 'flagged');
    assert.deepEqual(d.slept, [5]);
  });

  test('a change that never reads back as v2.0 failed, and says so', async () => {
    const account = anAccount([unset(1)]);
    account.onWrite = () => false;
    const d = deps([account], { readBackDelaysMs: [5, 10] });
    const outcome = await runFixPlan(request([byId(1)], { apply: true }), d);
    assert.equal(outcome.results[0]!.action, 'failed');
    assert.match(outcome.results[0]!.reason, /EC2 accepted ImdsSupport=v2\.0, but the image still reads unset after 3 reads/);
    assert.deepEqual(d.slept, [5, 10]);
  });

  test('EC2\'s refusals of a write are refusals; other errors are failures', async () => {
    const account = anAccount([unset(1), unset(2), unset(3)]);
    account.onWrite = (imageId) => {
      if (imageId === id(1)) throw awsError('AccessDenied', 'Not authorized ... grant the IAM permission ec2:ModifyImageAttribute');
      if (imageId === id(2)) throw awsError('AuthFailure', 'AWS refused ModifyImageAttribute (AuthFailure: Not authorized for image)');
      throw awsError('ServiceError', 'ModifyImageAttribute failed with InternalError (HTTP 500)');
    };
    const outcome = await runFixPlan(request([byId(1), byId(2), byId(3)], { apply: true }), deps([account]));
    assert.deepEqual(outcome.results.map((result) => result.action), ['refused', 'refused', 'failed']);
    assert.match(outcome.results[0]!.reason, /ec2:ModifyImageAttribute/);
    assert.equal(outcome.summary.failed, 1);
  });

  test('declined at the prompt: nothing is written and the run is aborted', async () => {
    const account = anAccount([unset(1), unset(2, { imdsSupport: 'v2.0' })]);
    const outcome = await runFixPlan(request([byId(1), byId(2)], { apply: true }), deps([account], { confirm: async (planned) => planned.length === 99 }));
    assert.equal(outcome.aborted, true);
    assert.deepEqual(account.writes, []);
    assert.deepEqual(outcome.results.map((result) => result.action), ['refused', 'already']);
  });

  test('the prompt lists only the images to flag', async () => {
    const account = anAccount([unset(1), unset(2, { imdsSupport: 'v2.0' }), unset(3, { ownerId: '444455556666' })]);
    let listed: string[] = [];
    await runFixPlan(request([byId(1), byId(2), byId(3)], { apply: true }), deps([account], { confirm: async (planned) => ((listed = planned.map((item) => item.target.imageId)), true) }));
    assert.deepEqual(listed, [id(1)]);
  });

  test('report images go to the account that the report names, among several', async () => {
    const prod = anAccount([unset(1)], ME, 'prod');
    const dev = anAccount([unset(2, { ownerId: '444455556666' })], '444455556666', 'dev');
    const outcome = await runFixPlan(
      request([
        { imageId: id(1), region: 'us-east-1', accountId: ME, verdict: 'safe-to-flag' },
        { imageId: id(2), region: 'us-east-1', accountId: '444455556666', verdict: 'safe-to-flag' },
        { imageId: id(3), region: 'us-east-1', accountId: '999999999999', verdict: 'safe-to-flag' },
      ]),
      deps([prod, dev]),
    );
    assert.deepEqual(outcome.results.map((result) => [result.action, result.accountId]), [['would-flag', ME], ['would-flag', '444455556666'], ['refused', '999999999999']]);
    assert.match(outcome.results[2]!.reason, /credentials given are for account 111122223333, 444455556666/);
  });

  test('an account that cannot be identified: its images failed; a configuration error is thrown', async () => {
    const account = anAccount([unset(1)]);
    account.identifyError = new AwsCallError({ code: 'AccessDenied', message: 'Not authorized to call GetCallerIdentity' });
    const outcome = await runFixPlan(request([byId(1)]), deps([account]));
    assert.equal(outcome.results[0]!.action, 'failed');
    assert.match(outcome.results[0]!.reason, /could not identify the account of default: Not authorized to call GetCallerIdentity/);

    account.identifyError = new AmiAuditError('NoCredentials', 'No AWS credentials found');
    await assert.rejects(runFixPlan(request([byId(1)]), deps([account])), /No AWS credentials found/);
  });

  test('a re-read that fails: every image of that region failed, nothing is written', async () => {
    const account = anAccount([unset(1)]);
    account.readError = new AwsCallError({ code: 'Throttled', message: 'DescribeImages in us-east-1 was still throttled' });
    const outcome = await runFixPlan(request([byId(1)], { apply: true }), deps([account]));
    assert.equal(outcome.results[0]!.action, 'failed');
    assert.match(outcome.results[0]!.reason, /could not read the image again before changing it \(nothing was changed\): DescribeImages in us-east-1 was still throttled/);
    assert.deepEqual(account.writes, []);
  });

  test('--force-blocked: a blocked image is flagged, marked forced, with the warning in its reason', async () => {
    const account = anAccount([unset(1)]);
    const outcome = await runFixPlan(request([{ ...byId(1), accountId: ME, verdict: 'blocked' }], { apply: true, forceBlocked: true }), deps([account]));
    assert.equal(outcome.results[0]!.action, 'flagged');
    assert.equal(outcome.results[0]!.forced, true);
    assert.match(outcome.results[0]!.reason, /forced with --force-blocked/);
  });

  test('credentials that expire midway: the images written are reported, the rest failed, nothing is thrown', async () => {
    const account = anAccount([unset(1), unset(2)]);
    account.onWrite = (imageId) => {
      if (imageId === id(2)) throw new AmiAuditError('InvalidCredentials', 'AWS rejected the credentials (ExpiredToken)');
    };
    const outcome = await runFixPlan(request([byId(1), byId(2)], { apply: true, concurrency: 1 }), deps([account]));
    assert.deepEqual(outcome.results.map((result) => result.action), ['flagged', 'failed']);
    assert.match(outcome.results[1]!.reason, /ExpiredToken/);
  });

  test('a --timeout that has fired before a write: the write is not sent, and the result says the image was not changed', async () => {
    const account = anAccount([unset(1)]);
    const controller = new AbortController();
    const outcome = await runFixPlan(request([byId(1)], { apply: true, signal: controller.signal }), deps([account], { confirm: async () => (controller.abort(), true) }));
    assert.deepEqual(account.writes, []);
    assert.equal(outcome.results[0]!.action, 'failed');
    assert.match(outcome.results[0]!.reason, /--timeout reached before the write was sent: the image was not changed/);
  });
});
