import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { scanDocument } from '../../src/core/scan-document.js';
import { parseImagesDocument } from '../../src/input/read-images-document.js';
import { markdownText, MARKDOWN_MAX_IMAGES, renderMarkdown } from '../../src/render/markdown.js';
import { NOW } from '../helpers/builders.js';

const estate = readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8');
const result = scanDocument(parseImagesDocument(estate, 'estate.json', 'us-east-1').images, { checks: DEFAULT_CHECKS, input: 'estate.json', region: 'us-east-1', now: NOW });

describe('Markdown summary', () => {
  const text = renderMarkdown(result);

  test('totals by verdict and severity, completeness, and a row per image that is not ready', () => {
    assert.match(text, /^## ami-audit: 8 of 16 images not IMDSv2-ready\n\n\*\*Scan complete\.\*\*/);
    assert.match(text, /\| not ready \| 8 \|/);
    assert.match(text, /\| critical \| 1 \|\n\| high \| 7 \|/);
    const rows = text.split('\n').filter((line) => line.startsWith('| `ami-'));
    assert.equal(rows.length, 8);
    assert.ok(rows.every((row) => /NOT READY/.test(row)));
  });

  test('an incomplete scan says so first', () => {
    const incomplete = renderMarkdown({ ...result, errors: [{ code: 'Throttled', message: 'DescribeImages in eu-west-1 <b>was</b> [throttled](http://x)' }], summary: { ...result.summary, complete: false, errors: 1 } });
    assert.match(incomplete, /\*\*Scan incomplete: 1 error\.\*\*/);
    assert.match(incomplete, /### Errors\n\n- DescribeImages in eu-west-1 &lt;b&gt;was&lt;\/b&gt; \\\[throttled\\\]\\\(http:\/\/x\\\)/);
  });

  test('no HTML, Markdown or table injection from a name', () => {
    const hostileName = 'x | y <img src=x onerror=alert(1)> `code` [click](http://evil.example) **bold**\n# heading \u001b[2J\u202e';
    const hostile = renderMarkdown({ ...result, images: [{ ...result.images.find((image) => image.readiness === 'not-ready')!, name: hostileName }] });
    const row = hostile.split('\n').find((line) => line.startsWith('| `ami-'))!;
    assert.equal(row.split(/(?<!\\)\|/).length, 8, 'six cells: the name does not add one');
    assert.doesNotMatch(row, /<img|\]\(http|`code`|\*\*bold|\u001b|\u202e/);
    assert.doesNotMatch(hostile, /\n# heading/);
    assert.equal(markdownText('a_b*c'), 'a\\_b\\*c');
  });

  test(`lists at most ${MARKDOWN_MAX_IMAGES} images and counts the rest`, () => {
    const notReady = result.images.find((image) => image.readiness === 'not-ready')!;
    const many = renderMarkdown({ ...result, images: Array.from({ length: MARKDOWN_MAX_IMAGES + 7 }, (_, index) => ({ ...notReady, imageId: `ami-${index}` })) });
    assert.equal(many.split('\n').filter((line) => line.startsWith('| `ami-')).length, MARKDOWN_MAX_IMAGES);
    assert.match(many, /…and 7 more images not ready: see the JSON report\./);
  });
});
