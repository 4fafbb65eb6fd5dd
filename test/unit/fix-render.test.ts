import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FixOutcome } from '../../src/core/fix.js';
import type { FixResult } from '../../src/core/fix-plan.js';
import { summarizeFix } from '../../src/core/fix-summary.js';
import { renderFixJson } from '../../src/render/fix-json.js';
import { renderFixTable } from '../../src/render/fix-table.js';
import { fixSchemaErrors } from '../helpers/schema.js';

function aResult(overrides: Partial<FixResult> = {}): FixResult {
  return { imageId: 'ami-0123456789abcdef0', region: 'us-east-1', accountId: '111122223333', name: 'web', action: 'flagged', reason: 'ImdsSupport set to v2.0 and read back as v2.0', imdsSupportBefore: null, imdsSupportAfter: 'v2.0', ...overrides };
}

function anOutcome(results: FixResult[], overrides: Partial<FixOutcome> = {}): FixOutcome {
  return { dryRun: false, aborted: false, results, summary: summarizeFix(results), ...overrides };
}

describe('renderFixTable', () => {
  test('a row per image with ImdsSupport before → after, the reasons, and the totals', () => {
    const text = renderFixTable(anOutcome([aResult(), aResult({ imageId: 'ami-0123456789abcdef1', action: 'refused', reason: 'its state is pending, not available', imdsSupportAfter: undefined })]));
    assert.match(text, /│ ami-0123456789abcdef0 │ 111122223333 │ us-east-1 │ web +│ unset → v2\.0 │ flagged +│/);
    assert.match(text, /│ ami-0123456789abcdef1 │ 111122223333 │ us-east-1 │ web +│ unset +│ refused +│/);
    assert.match(text, /\nami-0123456789abcdef1: refused: its state is pending, not available\n/);
    assert.match(text, /\n1 flagged, 0 already v2\.0, 1 refused, 0 failed\.\n$/);
  });

  test('a dry run says that nothing changed and how to apply; an aborted run says nothing changed', () => {
    const dry = anOutcome([aResult({ action: 'would-flag', imdsSupportAfter: undefined })], { dryRun: true });
    assert.match(renderFixTable(dry), /Dry run, nothing was changed: 1 would be flagged, .* Run again with --apply to set ImdsSupport=v2\.0 \(it cannot be undone\)\.\n$/);
    assert.match(renderFixTable(anOutcome([aResult({ action: 'refused' })], { aborted: true })), /Aborted at the prompt: nothing was changed \(1 image requested\)\.\n$/);
    assert.equal(renderFixTable(anOutcome([], { dryRun: true })), 'No image to flag.\nDry run, nothing was changed: 0 would be flagged, 0 already v2.0, 0 refused, 0 failed.\n');
  });

  test('names and reasons from AWS cannot drive the terminal', () => {
    const text = renderFixTable(anOutcome([aResult({ name: 'evil\u001b[2J\u009b31m\u202ename', reason: 'AWS said \u001b]8;;http://x\u0007click\u001b]8;;\u0007 no' })]));
    assert.doesNotMatch(text, /[\u001b\u009b\u202e\u0007]/);
    assert.match(text, /│ evilname +│/);
    assert.match(text, /AWS said click no/);
  });
});

describe('renderFixJson', () => {
  test('the document validates against schema/fix-result.v1.json, and hostile characters are escaped', () => {
    const outcome = anOutcome([aResult({ verdict: 'blocked', forced: true, name: 'a\u009bb' }), aResult({ action: 'refused', imdsSupportBefore: undefined, imdsSupportAfter: undefined, name: null })]);
    const text = renderFixJson(outcome);
    assert.doesNotMatch(text, /\u009b/);
    const document = JSON.parse(text);
    assert.deepEqual(fixSchemaErrors(document), []);
    assert.deepEqual(Object.keys(document), ['schemaVersion', 'dryRun', 'aborted', 'results', 'summary']);
    assert.equal(document.results[0].name, 'a\u009bb');
    assert.deepEqual(document.summary, { requested: 2, flagged: 1, wouldFlag: 0, already: 0, refused: 1, failed: 0, notSelected: 0 });
  });

  test('the schema refuses an unknown action', () => {
    const document = JSON.parse(renderFixJson(anOutcome([aResult()])));
    document.results[0].action = 'maybe';
    assert.notDeepEqual(fixSchemaErrors(document), []);
  });
});
