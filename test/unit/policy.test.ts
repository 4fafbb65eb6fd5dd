import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/core/classify.js';
import { gate, gateExitCode } from '../../src/core/policy.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { summarize } from '../../src/core/summarize.js';
import type { ClassifiedImage, ScanError } from '../../src/core/types.js';
import { anImage, NOW } from '../helpers/builders.js';

const classified = (overrides: Parameters<typeof anImage>[0]) => classify(anImage(overrides), {}, { checks: DEFAULT_CHECKS, now: NOW });
const summaryOf = (images: ClassifiedImage[], errors: ScanError[] = []) => summarize(images, errors);

describe('gate', () => {
  const lowOnly = classified({ bootMode: 'legacy-bios' });
  const high = classified({ imdsSupport: null, bootMode: 'uefi' });

  test('0 when no finding reaches --fail-on', () => {
    assert.equal(gateExitCode(summaryOf([lowOnly]), 'high'), 0);
    assert.equal(gateExitCode(summaryOf([]), 'info'), 0);
  });

  test('1 when a finding reaches --fail-on, and the reason names the counts', () => {
    assert.equal(gateExitCode(summaryOf([lowOnly, high]), 'high'), 1);
    assert.equal(gateExitCode(summaryOf([lowOnly]), 'low'), 1);
    assert.equal(gateExitCode(summaryOf([high]), 'critical'), 0);
    assert.equal(gate(summaryOf([lowOnly, high]), 'low').reason, 'findings reached --fail-on low: 1 high, 1 low');
  });

  test('--fail-on none never fails on findings', () => {
    assert.equal(gateExitCode(summaryOf([high]), 'none'), 0);
  });

  test('3 when the scan was incomplete, even with findings and even with --fail-on none', () => {
    const errors = [{ code: 'Throttled', message: 'x' }];
    assert.equal(gateExitCode(summaryOf([high], errors), 'high'), 3);
    assert.equal(gateExitCode(summaryOf([], errors), 'none'), 3);
  });

  test('3 when an image is unknown', () => {
    const unknown = classify(anImage(), { failures: [{ attribute: 'imdsSupport', error: { code: 'Timeout', message: 'x' } }] }, { checks: DEFAULT_CHECKS, now: NOW });
    assert.equal(gateExitCode(summaryOf([unknown]), 'none'), 3);
  });

  test('reads only the counts: a summary whose images were streamed away still fails the gate', () => {
    const summary = summaryOf([high]);
    // What a streamed scan keeps: the counts, and no image at all.
    const streamed = { errors: summary.errors, byReadiness: summary.byReadiness, bySeverity: summary.bySeverity };
    assert.equal(gateExitCode(streamed, 'high'), 1);
    assert.equal(gateExitCode(streamed, 'info'), 1);
  });
});
