import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/core/classify.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { anImage, NOW } from '../helpers/builders.js';

const options = { checks: DEFAULT_CHECKS, now: NOW };

describe('classify: every combination of ImdsSupport, BootMode and TpmSupport, known values or not, on each architecture', () => {
  // null is unset; v3.0, weird and riscv64 stand for values EC2 may add after ami-audit was written.
  const imdsValues = ['v2.0', null, 'v3.0'] as const;
  const bootValues = ['legacy-bios', 'uefi', 'uefi-preferred', null, 'weird'] as const;
  const tpmValues = ['v2.0', null, 'v3.0'] as const;
  const knownBootModes: readonly (string | null)[] = ['legacy-bios', 'uefi', 'uefi-preferred'];
  const architectureDefault: Record<string, string> = { x86_64: 'legacy-bios', arm64: 'uefi' };

  for (const architecture of ['x86_64', 'arm64', null, 'riscv64'] as const) {
    for (const imdsSupport of imdsValues) {
      for (const bootMode of bootValues) {
        for (const tpmSupport of tpmValues) {
          // The expectation is written from the EC2 rules, not from the code under test: unset BootMode
          // boots UEFI on Graviton (arm64) and legacy BIOS on x86_64; anything else is not guessed.
          const effective =
            bootMode === null ? ((architecture && architectureDefault[architecture]) ?? 'unknown') : knownBootModes.includes(bootMode) ? bootMode : 'unknown';
          const bootsUefi = effective === 'uefi' || effective === 'uefi-preferred';
          const expectedRules = [
            ...(imdsSupport === 'v2.0' ? [] : ['IMDS_V1_ALLOWED']),
            ...(tpmSupport === 'v2.0' && effective === 'legacy-bios' ? ['TPM_WITHOUT_UEFI'] : []),
            ...((tpmSupport === 'v2.0' && effective === 'unknown') || (tpmSupport === 'v3.0' && !bootsUefi) ? ['TPM_UNDECIDED'] : []),
            ...(effective === 'legacy-bios' ? ['LEGACY_BIOS_ONLY'] : []),
            ...(effective === 'unknown' ? ['BOOT_MODE_UNKNOWN'] : []),
          ];
          const label = `${architecture ?? 'no architecture'} imds=${imdsSupport ?? 'unset'} boot=${bootMode ?? 'unset'} tpm=${tpmSupport ?? 'unset'}`;

          test(label, () => {
            // GIVEN an image with these three properties
            const image = anImage({ architecture, imdsSupport, bootMode, tpmSupport });
            // WHEN it is classified
            const result = classify(image, {}, options);
            // THEN the raw values are kept, and the verdict and the findings follow the rules
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

describe('classify: a boot mode that cannot be decided is not guessed', () => {
  test('BootMode "weird" with NitroTPM: no TPM_WITHOUT_UEFI nor LEGACY_BIOS_ONLY, but two findings saying the checks could not decide', () => {
    const result = classify(anImage({ bootMode: 'weird', tpmSupport: 'v2.0' }), {}, options);
    assert.equal(result.effectiveBootMode, 'unknown');
    assert.deepEqual(result.findings, [
      {
        ruleId: 'TPM_UNDECIDED',
        severity: 'medium',
        message: 'TpmSupport v2.0 needs UEFI, but BootMode "weird" is not a value ami-audit knows (legacy-bios, uefi, uefi-preferred): whether NitroTPM can work is not decided',
      },
      {
        ruleId: 'BOOT_MODE_UNKNOWN',
        severity: 'low',
        message: 'BootMode "weird" is not a value ami-audit knows (legacy-bios, uefi, uefi-preferred): the boot mode is not decided, so the image may boot legacy BIOS only',
      },
    ]);
  });

  test('a missing architecture with BootMode unset is not taken for legacy BIOS', () => {
    const result = classify(anImage({ architecture: null, bootMode: null }), {}, options);
    assert.equal(result.effectiveBootMode, 'unknown');
    assert.deepEqual(result.findings.map((finding) => finding.message), [
      'BootMode is unset and the architecture is missing: the boot mode is not decided, so the image may boot legacy BIOS only',
    ]);
  });

  test('an architecture ami-audit does not know, with BootMode unset, is named in the finding', () => {
    const result = classify(anImage({ architecture: 'riscv64', bootMode: null }), {}, options);
    assert.match(result.findings[0]!.message, /^BootMode is unset on architecture "riscv64", which ami-audit does not know:/);
  });

  test('the tpm check alone says it cannot decide only when NitroTPM is claimed', () => {
    const tpmOnly = { checks: ['tpm' as const], now: NOW };
    assert.deepEqual(classify(anImage({ bootMode: 'weird', tpmSupport: null }), {}, tpmOnly).findings, []);
    assert.deepEqual(
      classify(anImage({ bootMode: 'weird', tpmSupport: 'v2.0' }), {}, tpmOnly).findings.map((finding) => finding.ruleId),
      ['TPM_UNDECIDED'],
    );
  });

  test('an unknown TpmSupport on a UEFI image is decided: NitroTPM can work there', () => {
    assert.deepEqual(classify(anImage({ bootMode: 'uefi', tpmSupport: 'v3.0' }), {}, options).findings, []);
  });

  test('secure-boot: no UEFI variable store on an undecided boot mode is SECURE_BOOT_UNDECIDED, not SECURE_BOOT_NOT_CONFIGURED', () => {
    const checks = { checks: ['secure-boot' as const], now: NOW };
    const withoutKeys = classify(anImage({ bootMode: 'weird' }), { attributes: { uefiData: null } }, checks);
    const withKeys = classify(anImage({ bootMode: 'weird' }), { attributes: { uefiData: 'QU1aTlVFRkk=' } }, checks);
    assert.deepEqual(withoutKeys.findings.map((finding) => [finding.ruleId, finding.severity]), [['SECURE_BOOT_UNDECIDED', 'low']]);
    assert.match(withoutKeys.findings[0]!.message, /^No UEFI variable store, and BootMode "weird" is not a value ami-audit knows/);
    assert.deepEqual(withKeys.findings, []);
  });

  test('a BootMode read with DescribeImageAttribute (a live scan) is not guessed either', () => {
    const result = classify(anImage({ bootMode: 'uefi', tpmSupport: 'v2.0' }), { attributes: { bootMode: 'uefi-strict' } }, options);
    assert.equal(result.bootMode, 'uefi-strict');
    assert.equal(result.effectiveBootMode, 'unknown');
    assert.deepEqual(result.findings.map((finding) => finding.ruleId), ['TPM_UNDECIDED', 'BOOT_MODE_UNKNOWN', 'ATTRIBUTE_MISMATCH']);
  });

  test('a hostile value is escaped in the message and cut to a sane length, never obeyed', () => {
    const result = classify(anImage({ bootMode: `\u001b[2J\u009b31m\u202e${'x'.repeat(500)}` }), {}, options);
    const message = result.findings[0]!.message;
    assert.doesNotMatch(message, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.match(message, /^BootMode "\\u001b\[2J\\u009b31m\\u202ex+…" is not a value/);
    assert.ok(message.length < 250, `${message.length} characters`);
  });
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

  test('an ImdsSupport value EC2 may add later is not taken for v2.0: not ready, and the finding says why', () => {
    const result = classify(anImage({ imdsSupport: 'v2' }), {}, options);
    assert.equal(result.readiness, 'not-ready');
    assert.equal(result.imdsSupport, 'v2');
    assert.deepEqual(result.findings[0], {
      ruleId: 'IMDS_V1_ALLOWED',
      severity: 'high',
      message: 'ImdsSupport "v2" (not a value ami-audit knows; EC2 defines v2.0): IMDSv2 cannot be confirmed as required, so instances launched from it may allow IMDSv1',
    });
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

describe('classify: values from AWS or a file in messages', () => {
  test('a hostile State or attribute value is escaped in the message, a plain one is shown as it is', () => {
    const state = classify(anImage({ state: '\u001b[2Jgone\u009b' }), {}, options);
    assert.equal(state.findings[0]!.message, 'State is "\\u001b[2Jgone\\u009b", not available');
    const plain = classify(anImage({ state: 'failed' }), {}, options);
    assert.equal(plain.findings[0]!.message, 'State is failed, not available');
    const mismatch = classify(anImage({ bootMode: 'uefi' }), { attributes: { bootMode: 'uefi\u202e' } }, { checks: ['consistency'], now: NOW });
    assert.equal(mismatch.findings[0]!.message, 'BootMode uefi in DescribeImages, "uefi\\u202e" in DescribeImageAttribute: the attribute\'s value is used');
  });
});
