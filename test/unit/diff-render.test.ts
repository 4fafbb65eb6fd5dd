import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diffReports, type ReportImage } from '../../src/core/diff.js';
import { renderDiffJson } from '../../src/render/diff-json.js';
import { renderDiffMarkdown } from '../../src/render/diff-markdown.js';
import { renderDiffTable } from '../../src/render/diff-table.js';
import { diffSchemaErrors } from '../helpers/schema.js';

const HOSTILE = 'web\u001b[2J\u001b]8;;https://evil.example\u0007[click](https://evil.example)<img src=x>|\u202e';

function anImage(overrides: Partial<ReportImage> = {}): ReportImage {
  return { accountId: '111122223333', region: 'us-east-1', imageId: 'ami-01', name: HOSTILE, findings: [], ...overrides };
}

// GIVEN one image changed severity (and is suppressed now), one added with a hostile rule id, one removed
const diff = diffReports(
  { images: [anImage({ findings: [{ ruleId: 'IMDS_V1_ALLOWED', severity: 'high' }] }), anImage({ imageId: 'ami-02' })] },
  {
    images: [
      anImage({ findings: [{ ruleId: 'IMDS_V1_ALLOWED', severity: 'critical', suppressed: { reason: 'legacy fleet', expires: '2027-01-01' } }] }),
      anImage({ imageId: 'ami-03', findings: [{ ruleId: HOSTILE, severity: 'low' }] }),
    ],
  },
);

describe('diff renderers', () => {
  test('JSON: valid against schema/diff-result.v1.json, with previousSeverity and suppressed; controls escaped', () => {
    const text = renderDiffJson(diff, true);
    const document = JSON.parse(text);
    assert.deepEqual(diffSchemaErrors(document), []);
    assert.deepEqual(document.findings.changed[0], {
      accountId: '111122223333', region: 'us-east-1', imageId: 'ami-01', ruleId: 'IMDS_V1_ALLOWED', severity: 'critical',
      suppressed: { reason: 'legacy fleet', expires: '2027-01-01' }, previousSeverity: 'high',
    });
    assert.equal(document.findings.new[0].ruleId, HOSTILE, 'the data is kept');
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  test('table: a row per change with account and region, no control sequence from a name or a rule', () => {
    const text = renderDiffTable(diff);
    assert.match(text, /│ changed +│ ami-01 +│ 111122223333 +│ us-east-1 +│ IMDS_V1_ALLOWED +│ high -> critical \(suppressed\) +│/);
    assert.match(text, /│ added +│ ami-03 +│/);
    assert.match(text, /│ removed +│ ami-02 +│/);
    assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });

  test('markdown: names and rules cannot open a link, inject HTML or break the table; an incomplete report is said', () => {
    const text = renderDiffMarkdown(diff, false);
    assert.match(text, /\*\*A report comes from an incomplete scan:\*\*/);
    assert.match(text, /### Changed findings \(1\)\n\n\| Image \| Account \| Region \| Rule \| Severity \|/);
    assert.match(text, /high → critical \(suppressed\)/);
    assert.doesNotMatch(text, /\]\(https|<img|[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    // Every row has as many cells as its table's header: no unescaped | from a name or a rule.
    const cells = (line: string): number => line.split(/(?<!\\)\|/).length;
    let header = 0;
    for (const line of text.split('\n')) {
      if (line.startsWith('| Image |')) header = cells(line);
      else if (line.startsWith('| `ami-')) assert.equal(cells(line), header, line);
    }
  });
});
