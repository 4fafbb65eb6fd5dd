import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Baseline } from '../../src/core/baseline.js';
import { classify } from '../../src/core/classify.js';
import { gateExitCode } from '../../src/core/policy.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { summarize, withComparisons } from '../../src/core/summarize.js';
import { anImage, NOW } from '../helpers/builders.js';

test('findings are new, unchanged or updated against the baseline; only new and updated ones fail the gate', () => {
  const baseline = new Baseline([
    { accountId: '111122223333', region: 'us-east-1', imageId: 'ami-0000000000000000a', findings: [{ ruleId: 'IMDS_V1_ALLOWED', severity: 'high' }] },
    { accountId: '111122223333', region: 'us-east-1', imageId: 'ami-0000000000000000b', findings: [{ ruleId: 'IMDS_V1_ALLOWED', severity: 'high' }] },
    { accountId: '111122223333', region: 'us-east-1', imageId: 'ami-0000000000000000c', findings: [{ ruleId: 'DEPRECATED', severity: 'info' }] },
  ]);
  const options = { checks: DEFAULT_CHECKS, now: NOW, baseline };
  const unchanged = classify(anImage({ imageId: 'ami-0000000000000000a', imdsSupport: null }), {}, options);
  const updated = classify(anImage({ imageId: 'ami-0000000000000000b', imdsSupport: null, public: true }), {}, options);
  assert.deepEqual([unchanged.findings[0]!.baselineState, updated.findings[0]!.baselineState], ['unchanged', 'updated']);
  const onlyOld = withComparisons(summarize([unchanged], []), {});
  assert.equal(gateExitCode(onlyOld, 'high'), 0, 'a finding the baseline already had does not fail the gate');
  const other = classify(anImage({ imageId: 'ami-0000000000000000a', region: 'eu-west-1', imdsSupport: null }), {}, options);
  assert.equal(other.findings[0]!.baselineState, 'new', 'the same image id in another region is another image');
  const summary = withComparisons(summarize([unchanged, updated, other], []), { baseline });
  assert.deepEqual(summary.baseline, { new: 1, unchanged: 1, updated: 1, absent: 1 });
  assert.equal(summary.countedBySeverity.critical + summary.countedBySeverity.high, 2);
  assert.equal(gateExitCode(summary, 'high'), 1);
});
