import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/core/classify.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { anImage, NOW } from '../helpers/builders.js';

const options = { checks: DEFAULT_CHECKS, now: NOW };

describe('classify: every combination of ImdsSupport, BootMode and TpmSupport on x86_64 and arm64', () => {
  const imdsValues = ['v2.0', null] as const;
  const bootValues = ['legacy-bios', 'uefi', 'uefi-preferred', null] as const;
  const tpmValues = ['v2.0', null] as const;

  for (const architecture of ['x86_64', 'arm64'] as const) {
    for (const imdsSupport of imdsValues) {
      for (const bootMode of bootValues) {
        for (const tpmSupport of tpmValues) {
          // The expectation is written from the EC2 rules, not from the code under test:
          // unset BootMode boots UEFI on Graviton (arm64) and legacy BIOS on x86_64.
          const effective = bootMode ?? (architecture === 'arm64' ? 'uefi' : 'legacy-bios');
          const expectedRules = [
            ...(imdsSupport === 'v2.0' ? [] : ['IMDS_V1_ALLOWED']),
            ...(tpmSupport === 'v2.0' && effective === 'legacy-bios' ? ['TPM_WITHOUT_UEFI'] : []),
            ...(effective === 'legacy-bios' ? ['LEGACY_BIOS_ONLY'] : []),
          ];
          const label = `${architecture} imds=${imdsSupport ?? 'unset'} boot=${bootMode ?? 'unset'} tpm=${tpmSupport ?? 'unset'}`;

          test(label, () => {
            // GIVEN an image with these three properties
            const image = anImage({ architecture, imdsSupport, bootMode, tpmSupport });
            // WHEN it is classified
            const result = classify(image, {}, options);
            // THEN the fields, the verdict and the findings follow the rules
            assert.equal(result.imdsSupport, imdsSupport);
            assert.equal(result.bootMode, bootMode);
            assert.equal(result.effectiveBootMode, effective);
            assert.equal(result.tpmSupport, tpmSupport);
            assert.equal(result.readiness, imdsSupport === 'v2.0' ? 'ready' : 'not-ready');
            assert.deepEqual(
              result.findings.map((finding) => finding.ruleId),
              expectedRules,
            );
          });
        }
      }
    }
  }
});

describe('classify: severities and lifecycle', () => {
  test('IMDS_V1_ALLOWED is high for a private image and critical for a public one', () => {
    const privateImage = classify(anImage({ imdsSupport: null }), {}, options);
    const publicImage = classify(anImage({ imdsSupport: null, public: true }), {}, options);
    assert.equal(privateImage.findings[0]?.severity, 'high');
    assert.equal(publicImage.findings[0]?.severity, 'critical');
    assert.match(publicImage.findings[0]!.message, /Public image/);
  });

  test('TPM_WITHOUT_UEFI is medium and LEGACY_BIOS_ONLY is low', () => {
    const result = classify(anImage({ bootMode: 'legacy-bios', tpmSupport: 'v2.0' }), {}, options);
    assert.deepEqual(
      result.findings.map((finding) => [finding.ruleId, finding.severity]),
      [
        ['TPM_WITHOUT_UEFI', 'medium'],
        ['LEGACY_BIOS_ONLY', 'low'],
      ],
    );
  });

  test('an unexpected ImdsSupport value is not taken for v2.0', () => {
    const result = classify(anImage({ imdsSupport: 'v2' }), {}, options);
    assert.equal(result.readiness, 'not-ready');
    assert.match(result.findings[0]!.message, /"v2"/);
  });

  test('DEPRECATED only once the deprecation time has passed', () => {
    const past = classify(anImage({ deprecationTime: '2026-11-27T11:59:59.000Z' }), {}, options);
    const future = classify(anImage({ deprecationTime: '2026-11-27T12:00:01.000Z' }), {}, options);
    assert.deepEqual(past.findings.map((finding) => [finding.ruleId, finding.severity]), [['DEPRECATED', 'info']]);
    assert.deepEqual(future.findings, []);
  });

  test('NOT_AVAILABLE for every state other than available', () => {
    for (const state of ['pending', 'failed', 'disabled', 'deregistered', 'invalid', 'transient', 'error']) {
      const result = classify(anImage({ state }), {}, options);
      assert.deepEqual(result.findings.map((finding) => finding.ruleId), ['NOT_AVAILABLE'], state);
    }
  });

  test('only the selected checks run', () => {
    const image = anImage({ imdsSupport: null, bootMode: 'legacy-bios', tpmSupport: 'v2.0', state: 'failed' });
    const result = classify(image, {}, { checks: ['imds'], now: NOW });
    assert.deepEqual(result.findings.map((finding) => finding.ruleId), ['IMDS_V1_ALLOWED']);
  });
});

describe('classify: attributes read with DescribeImageAttribute', () => {
  test('an attribute value wins over what DescribeImages said', () => {
    const result = classify(anImage({ imdsSupport: 'v2.0' }), { attributes: { imdsSupport: null } }, options);
    assert.equal(result.imdsSupport, null);
    assert.equal(result.readiness, 'not-ready');
  });

  test('ATTRIBUTE_MISMATCH names each property on which the two APIs disagree', () => {
    const image = anImage({ imdsSupport: 'v2.0', bootMode: 'uefi', tpmSupport: null });
    const agreeing = classify(image, { attributes: { imdsSupport: 'v2.0', bootMode: 'uefi', tpmSupport: null } }, options);
    assert.deepEqual(agreeing.findings, []);
    const disagreeing = classify(image, { attributes: { imdsSupport: null, bootMode: 'uefi', tpmSupport: 'v2.0' } }, options);
    const mismatch = disagreeing.findings.find((finding) => finding.ruleId === 'ATTRIBUTE_MISMATCH');
    assert.deepEqual(mismatch, {
      ruleId: 'ATTRIBUTE_MISMATCH',
      severity: 'medium',
      message: "ImdsSupport v2.0 in DescribeImages, unset in DescribeImageAttribute; TpmSupport unset in DescribeImages, v2.0 in DescribeImageAttribute: the attribute's value is used",
    });
  });

  test('an image with an attribute that could not be read is unknown, never ready', () => {
    const failure = { attribute: 'imdsSupport' as const, error: { code: 'Throttled', message: 'still throttled' } };
    const result = classify(anImage({ imdsSupport: 'v2.0' }), { attributes: {}, failures: [failure] }, options);
    assert.equal(result.readiness, 'unknown');
  });

  test('a launch permission for the group all makes the image public', () => {
    const result = classify(anImage({ imdsSupport: null }), { attributes: { launchPermission: [{ group: 'all' }] } }, options);
    assert.equal(result.public, true);
    assert.equal(result.findings[0]?.severity, 'critical');
  });

  test('secure-boot: UEFI without uefiData is reported, legacy BIOS and UEFI with keys are not', () => {
    const checks = { checks: ['secure-boot' as const], now: NOW };
    const withoutKeys = classify(anImage({ bootMode: 'uefi' }), { attributes: { uefiData: null } }, checks);
    const withKeys = classify(anImage({ bootMode: 'uefi' }), { attributes: { uefiData: 'QU1aTlVFRkk=' } }, checks);
    const legacy = classify(anImage({ bootMode: 'legacy-bios' }), { attributes: { uefiData: null } }, checks);
    assert.deepEqual(withoutKeys.findings.map((finding) => finding.ruleId), ['SECURE_BOOT_NOT_CONFIGURED']);
    assert.deepEqual(withKeys.findings, []);
    assert.deepEqual(legacy.findings, []);
  });

  test('sharing: grants to other accounts and organizations are listed', () => {
    const result = classify(
      anImage(),
      { attributes: { launchPermission: [{ userId: '444455556666' }, { organizationArn: 'arn:aws:organizations::111122223333:organization/o-abc' }] } },
      { checks: ['sharing'], now: NOW },
    );
    assert.equal(result.findings.length, 1);
    assert.match(result.findings[0]!.message, /444455556666, arn:aws:organizations/);
  });
});
