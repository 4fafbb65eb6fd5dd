import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SCAN_OPTIONS } from '../../src/cli/options.js';
import { RULES } from '../../src/core/rules.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const schema = readFileSync(new URL('../../schema/scan-result.v1.json', import.meta.url), 'utf8');

test('the README documents every option of scan', () => {
  for (const option of SCAN_OPTIONS) assert.ok(readme.includes(`\`${option.flags}\``), `README lacks ${option.flags}`);
});

test('the README and the schema name every rule with its severity', () => {
  for (const rule of RULES) {
    assert.match(readme, new RegExp(`\\| \`${rule.id}\` \\| \`${rule.check}\`[^|]*\\| \\**${rule.severity}`), `README row for ${rule.id}`);
    assert.ok(schema.includes(`"${rule.id}"`), `schema lacks ${rule.id}`);
  }
});
