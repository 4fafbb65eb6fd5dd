import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FIX_OPTIONS } from '../../src/cli/fix-options.js';
import { FIX_HELP } from '../../src/cli/program.js';
import { FIX_ACTIONS } from '../../src/core/fix-plan.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const schema = JSON.parse(readFileSync(new URL('../../schema/fix-result.v1.json', import.meta.url), 'utf8'));

test('the README documents every option of fix', () => {
  for (const option of FIX_OPTIONS) assert.ok(readme.includes(`\`${option.flags}\``), `README lacks ${option.flags}`);
});

test('fix --help and the README give the same exit codes, and the schema the same actions', () => {
  const section = readme.slice(readme.indexOf('Exit codes of `ami-audit fix`'));
  for (const code of [0, 1, 2, 3]) {
    assert.match(FIX_HELP, new RegExp(`\\n  ${code}  `), `--help lacks exit ${code}`);
    assert.match(section, new RegExp(`\\n\\| ${code} \\|`), `README lacks exit ${code}`);
  }
  assert.deepEqual(schema.$defs.result.properties.action.enum, [...FIX_ACTIONS]);
});

test('the README keeps the IAM policy for fix apart from the read-only one', () => {
  const iam = readme.slice(readme.indexOf('## IAM permissions'));
  const forFix = iam.indexOf('### IAM policy for fix');
  assert.ok(forFix > 0);
  assert.doesNotMatch(iam.slice(0, forFix), /ModifyImageAttribute/);
  assert.match(iam.slice(forFix), /"Action": "ec2:ModifyImageAttribute",\n\s+"Resource": "arn:aws:ec2:eu-west-1::image\/\*"/);
});
