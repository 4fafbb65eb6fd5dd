import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/core/classify.js';
import { gateExitCode } from '../../src/core/policy.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { summarize, withComparisons } from '../../src/core/summarize.js';
import { Suppressor, type SuppressionEntry } from '../../src/core/suppressions.js';
import { parseIgnoreFile } from '../../src/input/read-ignore-file.js';
import { anImage, NOW } from '../helpers/builders.js';

const entry = (overrides: Partial<SuppressionEntry>): SuppressionEntry => ({ index: 0, rule: 'IMDS_V1_ALLOWED', reason: 'vendor appliance', ...overrides });
const classifyWith = (suppressor: Suppressor, overrides: Parameters<typeof anImage>[0] = {}) =>
  classify(anImage({ imdsSupport: null, bootMode: 'uefi', ...overrides }), {}, { checks: DEFAULT_CHECKS, now: NOW, suppressor });

describe('suppressions', () => {
  test('a matching entry marks the finding; it stays reported but does not count toward --fail-on', () => {
    const suppressor = new Suppressor([entry({ expires: '2099-01-01' })], NOW);
    const image = classifyWith(suppressor);
    assert.deepEqual(image.findings[0]!.suppressed, { reason: 'vendor appliance', expires: '2099-01-01' });
    assert.equal(image.readiness, 'not-ready', 'a suppression changes the gate, not the truth');
    const summary = withComparisons(summarize([image], []), { suppressor });
    assert.equal(summary.bySeverity.high, 1);
    assert.equal(summary.countedBySeverity.high, 0);
    assert.equal(gateExitCode(summary, 'high'), 0);
    assert.equal(summary.suppressions!.applied, 1);
  });

  test('every matcher must match: image id, name glob, owner, account, region, tag', () => {
    const image = { imageId: 'ami-0abc', name: 'legacy-app-7', ownerId: '111122223333', accountId: '444455556666', region: 'eu-west-1', tags: [{ key: 'Team', value: 'web-blue' }] };
    const suppressed = (overrides: Partial<SuppressionEntry>) => classifyWith(new Suppressor([entry(overrides)], NOW), image).findings[0]!.suppressed !== undefined;
    assert.equal(suppressed({ imageId: 'ami-0abc', name: 'legacy-*', owner: '111122223333', account: '444455556666', region: 'eu-west-1', tag: 'Team=web-*' }), true);
    assert.equal(suppressed({ name: 'legacy-app-?' }), true);
    assert.equal(suppressed({ name: 'legacy-?' }), false, '? is one character');
    assert.equal(suppressed({ name: 'legacy' }), false, 'a glob matches the whole name');
    assert.equal(suppressed({ imageId: 'ami-0abd' }), false);
    assert.equal(suppressed({ region: 'us-east-1' }), false);
    assert.equal(suppressed({ account: '111122223333' }), false, 'account is the scanning account, owner the owner');
    assert.equal(suppressed({ tag: 'Team=web' }), false);
    assert.equal(suppressed({ tag: 'Team' }), true, 'a tag key alone matches any value');
    assert.equal(suppressed({ rule: 'TPM_WITHOUT_UEFI' }), false);
  });

  test('fails closed: expired, no reason, or a date that cannot be read suppress nothing, and are reported', () => {
    const suppressor = new Suppressor(
      [entry({ index: 0, expires: '2020-01-01' }), entry({ index: 1, reason: '  ' }), entry({ index: 2, expires: 'next spring' }), entry({ index: 3, expires: '2027-02-30' }), entry({ index: 4, rule: 'DEPRECATED' })],
      NOW,
    );
    const image = classifyWith(suppressor);
    assert.equal(image.findings[0]!.suppressed, undefined);
    const report = suppressor.summary();
    assert.deepEqual(report.expired, [{ index: 0, rule: 'IMDS_V1_ALLOWED', expires: '2020-01-01', reason: 'vendor appliance' }]);
    assert.deepEqual(report.invalid.map((invalid) => invalid.index), [1, 2, 3]);
    assert.deepEqual(report.unused, [{ index: 4, rule: 'DEPRECATED' }]);
    assert.equal(report.applied, 0);
  });

  test('a date lasts through its day in UTC', () => {
    const lastDay = new Date('2027-03-31T23:00:00Z');
    assert.equal(classifyWith(new Suppressor([entry({ expires: '2027-03-31' })], lastDay)).findings[0]!.suppressed?.expires, '2027-03-31');
    const dayAfter = new Date('2027-04-01T00:00:01Z');
    assert.equal(classifyWith(new Suppressor([entry({ expires: '2027-03-31' })], dayAfter)).findings[0]!.suppressed, undefined);
  });
});

describe('the ignore file', () => {
  test('YAML as the README shows it, and JSON too; account ids keep their leading zeros', () => {
    const yaml = 'suppressions:\n  - rule: IMDS_V1_ALLOWED   # a comment\n    account: 012345678901\n    name: "legacy-*"\n    reason: vendor appliance, replaced in Q1\n    expires: 2027-03-31\n';
    assert.deepEqual(parseIgnoreFile(yaml, 'f.yml'), [{ index: 0, rule: 'IMDS_V1_ALLOWED', account: '012345678901', name: 'legacy-*', reason: 'vendor appliance, replaced in Q1', expires: '2027-03-31' }]);
    assert.deepEqual(parseIgnoreFile('{"suppressions": [{"rule": "DEPRECATED", "reason": "x"}]}', 'f.json'), [{ index: 0, rule: 'DEPRECATED', reason: 'x' }]);
    assert.deepEqual(parseIgnoreFile('', 'empty.yml'), []);
    assert.deepEqual(parseIgnoreFile('suppressions:\n', 'none.yml'), []);
  });

  for (const [text, problem] of [
    ['suppressions: [unclosed', /not valid YAML or JSON/],
    ['- rule: X', /expected a mapping with a "suppressions" list/],
    ['suppressions: yes', /"suppressions" must be a list/],
    ['suppressions:\n  - just text', /suppressions\[0\] must be a mapping/],
    ['suppressions:\n  - reason: x', /suppressions\[0\] needs "rule"/],
    ['suppressions:\n  - rule: IMDS_V2_ALLOWED\n    reason: x', /suppressions\[0\]: "IMDS_V2_ALLOWED" is not a rule id: choose from IMDS_V1_ALLOWED/],
    ['suppressions:\n  - rule: IMDS_V1_ALLOWED\n    reason: x\n    expiry: 2027-01-01', /suppressions\[0\] has an unknown key "expiry"/],
    ['suppressions:\n  - rule: IMDS_V1_ALLOWED\n    reason: [a, b]', /suppressions\[0\]: "reason" must be text/],
  ] as const) {
    test(`a malformed file is a usage error naming the file, the entry and the problem: ${JSON.stringify(text)}`, () => {
      assert.throws(() => parseIgnoreFile(text, 'team.yml'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'InvalidInput');
        assert.match(error.message, /^--ignore-file team\.yml: /);
        assert.match(error.message, problem);
        return true;
      });
    });
  }
});
