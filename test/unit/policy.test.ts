import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/core/classify.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { gateExitCode } from '../../src/core/policy.js';
import { anImage, NOW } from '../helpers/builders.js';

const classified = (overrides: Parameters<typeof anImage>[0]) => classify(anImage(overrides), {}, { checks: DEFAULT_CHECKS, now: NOW });

describe('gateExitCode', () => {
  const lowOnly = classified({ bootMode: 'legacy-bios' });
  const high = classified({ imdsSupport: null, bootMode: 'uefi' });

  test('0 when no finding reaches --fail-on', () => {
    assert.equal(gateExitCode({ images: [lowOnly], errors: [] }, 'high'), 0);
    assert.equal(gateExitCode({ images: [], errors: [] }, 'info'), 0);
  });

  test('1 when a finding reaches --fail-on', () => {
    assert.equal(gateExitCode({ images: [lowOnly, high], errors: [] }, 'high'), 1);
    assert.equal(gateExitCode({ images: [lowOnly], errors: [] }, 'low'), 1);
    assert.equal(gateExitCode({ images: [high], errors: [] }, 'critical'), 0);
  });

  test('--fail-on none never fails on findings', () => {
    assert.equal(gateExitCode({ images: [high], errors: [] }, 'none'), 0);
  });

  test('3 when the scan was incomplete, even with findings and even with --fail-on none', () => {
    const errors = [{ code: 'Throttled', message: 'x' }];
    assert.equal(gateExitCode({ images: [high], errors }, 'high'), 3);
    assert.equal(gateExitCode({ images: [], errors }, 'none'), 3);
  });

  test('3 when an image is unknown', () => {
    const unknown = classify(anImage(), { failures: [{ attribute: 'imdsSupport', error: { code: 'Timeout', message: 'x' } }] }, { checks: DEFAULT_CHECKS, now: NOW });
    assert.equal(gateExitCode({ images: [unknown], errors: [] }, 'none'), 3);
  });
});
