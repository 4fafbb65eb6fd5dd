import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, refuseBeforeReading, selectTargets, type CurrentImage, type FixResult, type FixTarget } from '../../src/core/fix-plan.js';
import { fixExitCode, summarizeFix } from '../../src/core/fix-summary.js';

const ME = '111122223333';

function aTarget(overrides: Partial<FixTarget> = {}): FixTarget {
  return { imageId: 'ami-0123456789abcdef0', region: 'us-east-1', accountId: ME, name: 'web', ...overrides };
}

function aCurrentImage(overrides: Partial<CurrentImage> = {}): CurrentImage {
  return { imageId: 'ami-0123456789abcdef0', name: 'web', ownerId: ME, public: false, state: 'available', imdsSupport: null, ...overrides };
}

function reasonOf(decision: ReturnType<typeof decide>): [string, string] {
  assert.equal(decision.kind, 'done');
  return [decision.result.action, decision.result.reason];
}

describe('decide: the image as EC2 says it is now', () => {
  test('an available image of the caller, unset: flag it', () => {
    const decision = decide(aTarget(), aCurrentImage(), ME);
    assert.equal(decision.kind, 'flag');
  });

  test('refusals, each with its reason', () => {
    assert.match(reasonOf(decide(aTarget(), undefined, ME))[1], /^not found in us-east-1/);
    assert.match(reasonOf(decide(aTarget(), aCurrentImage({ ownerId: '444455556666' }), ME))[1], /^owned by 444455556666, not by account 111122223333: only the owner can set ImdsSupport/);
    assert.match(reasonOf(decide(aTarget(), aCurrentImage({ ownerId: '137112412989', public: true }), ME))[1], /^a public image owned by 137112412989/);
    assert.match(reasonOf(decide(aTarget(), aCurrentImage({ state: 'disabled' }), ME))[1], /^its state is disabled, not available/);
    assert.match(reasonOf(decide(aTarget(), aCurrentImage({ state: null }), ME))[1], /its state is unknown/);
  });

  test('already v2.0: a no-op with the current value, refusals first', () => {
    const [action, reason] = reasonOf(decide(aTarget(), aCurrentImage({ imdsSupport: 'v2.0' }), ME));
    assert.equal(action, 'already');
    assert.equal(reason, 'ImdsSupport is already v2.0: nothing to do');
    // Someone else's image is refused even when it is v2.0: the caller could not have changed it.
    assert.equal(reasonOf(decide(aTarget(), aCurrentImage({ imdsSupport: 'v2.0', ownerId: '444455556666' }), ME))[0], 'refused');
  });

  test('a stale report: the re-read decides, and the reason says the report was out of date', () => {
    const [action, reason] = reasonOf(decide(aTarget({ reportedImdsSupport: null }), aCurrentImage({ imdsSupport: 'v2.0' }), ME));
    assert.equal(action, 'already');
    assert.match(reason, /the report said unset: the image changed since it was made/);
    // The report said v2.0 and the image is unset now: it is flagged on what EC2 says.
    assert.equal(decide(aTarget({ reportedImdsSupport: 'v2.0' }), aCurrentImage({ imdsSupport: null }), ME).kind, 'flag');
  });

  test('the result carries the caller\'s account, the current name and the value before', () => {
    const decision = decide(aTarget({ accountId: null, name: 'old-name' }), aCurrentImage({ name: 'new-name', state: 'pending', imdsSupport: null }), ME);
    assert.equal(decision.kind, 'done');
    assert.deepEqual({ ...decision.result, reason: '' }, { imageId: 'ami-0123456789abcdef0', region: 'us-east-1', accountId: ME, name: 'new-name', action: 'refused', reason: '', imdsSupportBefore: null });
  });
});

describe('refuseBeforeReading: what the request alone decides', () => {
  test('a blocked verdict is refused unless --force-blocked', () => {
    assert.match(refuseBeforeReading(aTarget({ verdict: 'blocked' }), { forceBlocked: false })!.reason, /still make IMDSv1 calls.*pass --force-blocked/);
    assert.equal(refuseBeforeReading(aTarget({ verdict: 'blocked' }), { forceBlocked: true }), undefined);
  });

  test('--only and a report without evidence: refused, saying the report was made without --evidence', () => {
    assert.match(refuseBeforeReading(aTarget({ verdict: null }), { only: ['safe-to-flag'], forceBlocked: false })!.reason, /made without "scan --evidence"/);
    // Without --only, an image without a verdict is simply tried.
    assert.equal(refuseBeforeReading(aTarget({ verdict: null }), { forceBlocked: false }), undefined);
  });

  test('a report image without a region is refused', () => {
    assert.match(refuseBeforeReading(aTarget({ region: null }), { forceBlocked: false })!.reason, /does not say which region/);
  });
});

describe('selectTargets', () => {
  const targets = [
    aTarget({ imageId: 'ami-00000001', verdict: 'safe-to-flag' }),
    aTarget({ imageId: 'ami-00000002', verdict: 'blocked' }),
    aTarget({ imageId: 'ami-00000003', verdict: null }),
    aTarget({ imageId: 'ami-00000004', verdict: 'safe-to-flag', region: 'eu-west-1' }),
  ];

  test('--only keeps the verdicts named and the images without one (to be refused with a reason)', () => {
    const { selected, notSelected } = selectTargets(targets, { only: ['safe-to-flag'] });
    assert.deepEqual(selected.map((target) => target.imageId), ['ami-00000001', 'ami-00000003', 'ami-00000004']);
    assert.equal(notSelected, 1);
  });

  test('--region and --image-ids narrow further', () => {
    assert.deepEqual(selectTargets(targets, { regions: ['eu-west-1'] }).selected.map((target) => target.imageId), ['ami-00000004']);
    assert.deepEqual(selectTargets(targets, { imageIds: ['ami-00000002'] }).selected.map((target) => target.imageId), ['ami-00000002']);
    assert.equal(selectTargets(targets, {}).selected.length, 4);
  });
});

describe('the summary and the exit code', () => {
  const result = (action: FixResult['action']): FixResult => ({ imageId: 'ami-00000001', region: 'us-east-1', accountId: ME, name: null, action, reason: '' });

  test('counts every action', () => {
    assert.deepEqual(summarizeFix(['flagged', 'would-flag', 'already', 'refused', 'failed', 'failed'].map((action) => result(action as FixResult['action'])), 3), {
      requested: 6, flagged: 1, wouldFlag: 1, already: 1, refused: 1, failed: 2, notSelected: 3,
    });
  });

  test('0 only when every image ended flagged, would-flag or already; 1 for a refusal; 3 for a failure, which wins', () => {
    const exit = (...actions: FixResult['action'][]) => fixExitCode(summarizeFix(actions.map(result)));
    assert.equal(exit('flagged', 'would-flag', 'already'), 0);
    assert.equal(exit(), 0);
    assert.equal(exit('flagged', 'refused'), 1);
    assert.equal(exit('refused', 'failed'), 3);
    assert.equal(exit('failed'), 3);
  });
});
