import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { schemaErrors } from '../helpers/schema.js';
import { anEc2Image } from '../helpers/builders.js';
import { runCli } from '../helpers/run-cli.js';

// An --input document is as hostile as anything AWS sends: these run the built CLI on small files.
const directory = mkdtempSync(join(tmpdir(), 'ami-audit-input-'));
after(() => rmSync(directory, { recursive: true, force: true }));

let files = 0;
/** Writes a describe-images document holding these images and returns its path. */
function saved(...images: Record<string, unknown>[]): string {
  files += 1;
  const path = join(directory, `images-${files}.json`);
  writeFileSync(path, JSON.stringify({ Images: images }));
  return path;
}


// Terminal controls a hostile file could carry: C0 but tab and newline, DEL, C1, bidi overrides.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('--input: a field with the wrong type is exit 2, one line naming the image, its id and the field', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['ImdsSupport 5', { ImdsSupport: 5 }, '(ami-0abc1234) "ImdsSupport" must be a string, got number 5'],
    ['State 5', { State: 5 }, '(ami-0abc1234) "State" must be a string, got number 5'],
    ['CreationDate 12', { CreationDate: 12 }, '(ami-0abc1234) "CreationDate" must be an ISO 8601 time such as 2025-11-03T08:12:44.000Z, got number 12'],
    ['ImageId ""', { ImageId: '' }, '"ImageId" must be an AMI id (ami- and hexadecimal digits), got string ""'],
    ['Tags "x"', { Tags: 'x' }, '(ami-0abc1234) "Tags" must be a list of {"Key": ..., "Value": ...}, got string "x"'],
    ['a null tag', { Tags: [null] }, '(ami-0abc1234) "Tags[0]" must be an object {"Key": ..., "Value": ...}, got null'],
    ['Architecture 5', { Architecture: 5 }, '(ami-0abc1234) "Architecture" must be a string, got number 5'],
  ];
  for (const [label, overrides, expected] of cases) {
    test(label, async () => {
      const path = saved(anEc2Image({ ImageId: 'ami-0fff0000' }), anEc2Image(overrides));
      for (const output of ['table', 'json']) {
        const run = await runCli(['scan', '--input', path, '--output', output]);
        assert.equal(run.code, 2, run.stderr);
        assert.equal(run.stdout, '');
        assert.equal(run.stderr, `ami-audit: error: --input ${path}: Images[1] ${expected}\n`);
      }
    });
  }
});

describe('--input: values EC2 may add later are kept and reported, never guessed', () => {
  test('BootMode "weird" with NitroTPM: a warning, the raw value, no TPM_WITHOUT_UEFI on a guess, and the checks say they could not decide', async () => {
    const path = saved(anEc2Image({ BootMode: 'weird', TpmSupport: 'v2.0' }));
    const run = await runCli(['scan', '--input', path, '--output', 'json']);
    assert.equal(
      run.stderr,
      `ami-audit: warning: --input ${path}: BootMode "weird" on 1 image (ami-0abc1234) is not a value ami-audit knows (legacy-bios, uefi, uefi-preferred): kept as it is; the boot mode is not decided (BOOT_MODE_UNKNOWN), and no boot or TPM finding is raised on a guess\n`,
    );
    const document = JSON.parse(run.stdout);
    assert.deepEqual(schemaErrors(document), []);
    const [image] = document.images;
    assert.equal(image.bootMode, 'weird');
    assert.equal(image.effectiveBootMode, 'unknown');
    assert.deepEqual(
      image.findings.map((finding: { ruleId: string; severity: string }) => [finding.ruleId, finding.severity]),
      [
        ['TPM_UNDECIDED', 'medium'],
        ['BOOT_MODE_UNKNOWN', 'low'],
      ],
    );
    assert.equal(run.code, 0, 'no finding reaches the default --fail-on high');
    assert.equal((await runCli(['scan', '--input', path, '--fail-on', 'medium'])).code, 1, 'an undecided TPM check fails a gate at medium, as TPM_WITHOUT_UEFI would');
  });

  test('a missing Architecture with BootMode unset is not taken for legacy BIOS', async () => {
    const path = saved(anEc2Image({ Architecture: undefined, BootMode: undefined }));
    const run = await runCli(['scan', '--input', path, '--output', 'json']);
    assert.match(run.stderr, /^ami-audit: warning: .*1 image \(ami-0abc1234\) has neither BootMode nor Architecture: the boot mode is not decided/);
    const [image] = JSON.parse(run.stdout).images;
    assert.equal(image.effectiveBootMode, 'unknown');
    assert.deepEqual(image.findings.map((finding: { ruleId: string }) => finding.ruleId), ['BOOT_MODE_UNKNOWN']);
  });

  test('an unknown ImdsSupport is not ready, and the output still fits the schema in every format', async () => {
    const path = saved(anEc2Image({ ImdsSupport: 'v3.0' }));
    const run = await runCli(['scan', '--input', path, '--output', 'json']);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^ami-audit: warning: .*ImdsSupport "v3\.0" on 1 image .*not ready/);
    const document = JSON.parse(run.stdout);
    assert.deepEqual(schemaErrors(document), []);
    assert.equal(document.images[0].imdsSupport, 'v3.0');
    assert.equal(document.images[0].readiness, 'not-ready');
  });

  test('--quiet silences the warnings, not the findings', async () => {
    const path = saved(anEc2Image({ BootMode: 'weird' }));
    const run = await runCli(['scan', '--input', path, '--quiet']);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /BOOT_MODE_UNKNOWN/);
  });
});

describe('--input: duplicates and hostile text', () => {
  test('an image listed twice is counted once, with a warning', async () => {
    const path = saved(anEc2Image({ ImdsSupport: undefined }), anEc2Image({ ImageId: 'ami-0def5678' }), anEc2Image({ ImdsSupport: undefined }));
    const run = await runCli(['scan', '--input', path, '--output', 'json']);
    assert.equal(
      run.stderr,
      `ami-audit: warning: --input ${path}: dropped 1 duplicate entry of 1 image id listed more than once (ami-0abc1234); each image is classified once, from its first entry\n`,
    );
    const document = JSON.parse(run.stdout);
    assert.equal(document.summary.images, 2);
    assert.deepEqual(document.summary.byReadiness, { ready: 1, 'not-ready': 1, unknown: 0 });
    assert.equal(document.summary.bySeverity.high, 1);
  });

  test('names, descriptions, tags and enum values holding ESC sequences reach neither the table nor stderr raw', async () => {
    const hostile = '\u001b[2J\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007\u009b31m\u202eevil\u0007\u007f';
    const path = saved(
      anEc2Image({ Name: `web${hostile}`, Description: hostile, Tags: [{ Key: hostile, Value: hostile }], BootMode: `uefi${hostile}`, ImdsSupport: `v2.0${hostile}` }),
      anEc2Image({ ImageId: 'ami-0def5678', Name: hostile, Architecture: `arm${hostile}`, BootMode: undefined, TpmSupport: hostile, State: hostile }),
    );
    const run = await runCli(['scan', '--input', path, '--no-color']);
    assert.equal(run.code, 1, run.stderr);
    assert.doesNotMatch(run.stdout, CONTROLS);
    assert.doesNotMatch(run.stderr, CONTROLS);
    assert.match(run.stdout, /ami-0abc1234/);
    assert.match(run.stdout, /ami-0def5678/);
    assert.match(run.stderr, /^ami-audit: warning: .*BootMode "ueficlickevil"/m);
  });

  test('a hostile value in a rejected field is printed without control characters and cut short', async () => {
    const path = saved(anEc2Image({ DeprecationTime: `\u001b[2J\u009b31m${'x'.repeat(10_000)}` }));
    const run = await runCli(['scan', '--input', path]);
    assert.equal(run.code, 2);
    assert.doesNotMatch(run.stderr, CONTROLS);
    assert.ok(run.stderr.length < 300 + path.length, `${run.stderr.length} characters`);
  });
});
