import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffGate, diffReports, type ReportFinding, type ReportImage } from '../../src/core/diff.js';

/** An image of a report with default identity; findings as "RULE:severity". */
function anImage(overrides: Partial<Omit<ReportImage, 'findings'>> & { findings?: (string | ReportFinding)[] } = {}): ReportImage {
  const findings = (overrides.findings ?? []).map((finding) => {
    if (typeof finding !== 'string') return finding;
    const [ruleId, severity] = finding.split(':') as [string, ReportFinding['severity']];
    return { ruleId, severity };
  });
  return { accountId: null, region: null, imageId: 'ami-01', name: 'web', ...overrides, findings };
}

const report = (...images: ReportImage[]) => ({ images });

describe('diffReports', () => {
  test('the same report twice: nothing added, removed, new, fixed or changed', () => {
    const same = report(anImage({ findings: ['IMDS_V1_ALLOWED:high'] }));
    assert.deepEqual(diffReports(same, same), { images: { added: [], removed: [] }, findings: { new: [], fixed: [], changed: [] } });
  });

  test('an image added brings its findings as new; an image removed takes its findings as fixed', () => {
    // GIVEN ami-01 in both, ami-02 only before, ami-03 only after
    const old = report(anImage(), anImage({ imageId: 'ami-02', name: 'old', findings: ['LEGACY_BIOS_ONLY:low'] }));
    const current = report(anImage(), anImage({ imageId: 'ami-03', name: 'new', findings: ['IMDS_V1_ALLOWED:critical'] }));
    // WHEN
    const diff = diffReports(old, current);
    // THEN
    assert.deepEqual(diff.images.added, [{ accountId: null, region: null, imageId: 'ami-03', name: 'new' }]);
    assert.deepEqual(diff.images.removed, [{ accountId: null, region: null, imageId: 'ami-02', name: 'old' }]);
    assert.deepEqual(diff.findings.new, [{ accountId: null, region: null, imageId: 'ami-03', ruleId: 'IMDS_V1_ALLOWED', severity: 'critical' }]);
    assert.deepEqual(diff.findings.fixed, [{ accountId: null, region: null, imageId: 'ami-02', ruleId: 'LEGACY_BIOS_ONLY', severity: 'low' }]);
    assert.deepEqual(diff.findings.changed, []);
  });

  test('on one image: a rule raised is new, a rule gone is fixed, another severity is changed', () => {
    const old = report(anImage({ findings: ['IMDS_V1_ALLOWED:high', 'TPM_WITHOUT_UEFI:medium'] }));
    const current = report(anImage({ findings: ['IMDS_V1_ALLOWED:critical', 'LEGACY_BIOS_ONLY:low'] }));
    const diff = diffReports(old, current);
    assert.deepEqual(diff.images, { added: [], removed: [] });
    assert.deepEqual(diff.findings.new.map((finding) => finding.ruleId), ['LEGACY_BIOS_ONLY']);
    assert.deepEqual(diff.findings.fixed.map((finding) => `${finding.ruleId}:${finding.severity}`), ['TPM_WITHOUT_UEFI:medium']);
    assert.deepEqual(diff.findings.changed, [
      { accountId: null, region: null, imageId: 'ami-01', ruleId: 'IMDS_V1_ALLOWED', severity: 'critical', previousSeverity: 'high' },
    ]);
  });

  test('an image is identified by account, region and id: the same id elsewhere is another image', () => {
    // GIVEN ami-01 in us-east-1 of account 1 before; after, the same id in eu-west-1 and in account 2
    const old = report(anImage({ accountId: '111111111111', region: 'us-east-1', findings: ['IMDS_V1_ALLOWED:high'] }));
    const current = report(
      anImage({ accountId: '111111111111', region: 'eu-west-1', findings: ['IMDS_V1_ALLOWED:high'] }),
      anImage({ accountId: '222222222222', region: 'us-east-1', findings: ['IMDS_V1_ALLOWED:high'] }),
    );
    const diff = diffReports(old, current);
    assert.deepEqual(
      diff.images.added.map((image) => `${image.accountId}/${image.region}`),
      ['111111111111/eu-west-1', '222222222222/us-east-1'],
    );
    assert.deepEqual(diff.images.removed.map((image) => `${image.accountId}/${image.region}`), ['111111111111/us-east-1']);
    assert.equal(diff.findings.new.length, 2);
    assert.equal(diff.findings.fixed.length, 1);
    assert.equal(diff.findings.changed.length, 0);
  });

  test('lists are sorted by account, region, image and rule, whatever the reports\' order', () => {
    const current = report(
      anImage({ imageId: 'ami-09', findings: ['B:low', 'A:low'] }),
      anImage({ imageId: 'ami-01', region: 'us-east-1', findings: ['A:low'] }),
      anImage({ imageId: 'ami-05', findings: ['A:low'] }),
    );
    const diff = diffReports(report(), current);
    assert.deepEqual(
      diff.findings.new.map((finding) => `${finding.region}/${finding.imageId}/${finding.ruleId}`),
      ['null/ami-05/A', 'null/ami-09/A', 'null/ami-09/B', 'us-east-1/ami-01/A'],
    );
  });

  test('a suppressed finding keeps its suppression in the diff', () => {
    const suppressed = { ruleId: 'IMDS_V1_ALLOWED', severity: 'high' as const, suppressed: { reason: 'legacy fleet', expires: '2027-01-01' } };
    const diff = diffReports(report(), report(anImage({ findings: [suppressed] })));
    assert.deepEqual(diff.findings.new[0]!.suppressed, { reason: 'legacy fleet', expires: '2027-01-01' });
  });
});

describe('diffGate', () => {
  const complete = { previousComplete: true, currentComplete: true };

  test('exit 1 when a new or changed finding reaches --fail-on, 0 when only lower ones or fixed ones do', () => {
    const old = report(anImage({ findings: ['IMDS_V1_ALLOWED:critical', 'TPM_WITHOUT_UEFI:medium'] }));
    const lowerOnly = diffReports(old, report(anImage({ findings: ['TPM_WITHOUT_UEFI:medium', 'LEGACY_BIOS_ONLY:low'] })));
    assert.equal(diffGate(lowerOnly, 'high', complete).exitCode, 0, 'a fixed critical and a new low');
    assert.equal(diffGate(lowerOnly, 'low', complete).exitCode, 1);
    const raised = diffReports(old, report(anImage({ findings: ['IMDS_V1_ALLOWED:critical', 'TPM_WITHOUT_UEFI:high'] })));
    assert.equal(diffGate(raised, 'high', complete).exitCode, 1, 'changed from medium to high');
    assert.equal(diffGate(raised, 'critical', complete).exitCode, 0, 'the critical one was there before');
    assert.equal(diffGate(raised, 'none', complete).exitCode, 0);
  });

  test('a suppressed finding does not count toward --fail-on', () => {
    const suppressed = { ruleId: 'IMDS_V1_ALLOWED', severity: 'critical' as const, suppressed: { reason: 'accepted' } };
    const diff = diffReports(report(), report(anImage({ findings: [suppressed] })));
    assert.equal(diffGate(diff, 'info', complete).exitCode, 0);
  });

  test('exit 3 when either report is incomplete, even with findings that reach --fail-on', () => {
    const diff = diffReports(report(), report(anImage({ findings: ['IMDS_V1_ALLOWED:critical'] })));
    assert.equal(diffGate(diff, 'high', { previousComplete: false, currentComplete: true }).exitCode, 3);
    assert.equal(diffGate(diff, 'none', { previousComplete: true, currentComplete: false }).exitCode, 3);
    assert.match(diffGate(diff, 'none', { previousComplete: true, currentComplete: false }).reason, /the new report comes from an incomplete scan/);
  });
});
