// The confirmation of `fix --apply` on a terminal, through main(argv, io) with an injected stdin that
// says it is a TTY; the emulator runs in this process and its estate is checked afterwards.

import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/terminal.js';
import { startEmulator, type RunningEmulator } from '../../emulator/server.js';

// The SDK reads credentials from the process environment: fake ones, and no file of this machine.
for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
});

const ME = '111122223333';
const WEB = 'ami-0f00000000000a001';
const API = 'ami-0f00000000000a002';

/** Runs main() with stdin holding `typed` (or a stdin that never answers), marked as a terminal when `tty`. */
async function runMain(args: string[], stdin: { typed?: string; tty: boolean }): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const input = Object.assign(stdin.typed === undefined ? Readable.from([]) : Readable.from([stdin.typed]), { isTTY: stdin.tty });
  const io: CliIo = { stdout, stderr, env: { ...process.env }, stdin: input };
  const code = await main(['node', 'ami-audit', ...args], io);
  return { code, stdout: out, stderr: err };
}

describe('fix --apply asks on a terminal', () => {
  let emulator: RunningEmulator;
  const imds = (id: string) => emulator.estate.regions.get('us-east-1')!.images.find((image) => image.ImageId === id)!.ImdsSupport;
  const args = () => ['fix', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--image-ids', WEB, API, '--apply', '--output', 'json'];

  before(async () => {
    emulator = await startEmulator({ estate: { DefaultAccountId: ME, Regions: { 'us-east-1': { Images: [{ ImageId: WEB, OwnerId: ME, Name: 'web', State: 'available' }, { ImageId: API, OwnerId: ME, Name: 'api', State: 'available' }] } } } });
  });
  beforeEach(() => {
    for (const image of emulator.estate.regions.get('us-east-1')!.images) delete image.ImdsSupport;
  });
  after(() => emulator.close());

  test('typing the number of images confirms: both are flagged', async () => {
    const run = await runMain(args(), { typed: '2\n', tty: true });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /will set ImdsSupport=v2\.0 on 2 images:\n {2}ami-0f00000000000a001 web .*\n {2}ami-0f00000000000a002 api .*\nWARNING: This cannot be undone.*\nType 2 to flag these 2 images, anything else to abort: $/);
    assert.deepEqual(JSON.parse(run.stdout).results.map((result: { action: string }) => result.action), ['flagged', 'flagged']);
    assert.equal(imds(WEB), 'v2.0');
    assert.equal(imds(API), 'v2.0');
  });

  test('anything else aborts: exit 2, nothing changed, the images listed as not confirmed', async () => {
    for (const typed of ['yes\n', '1\n', '\n']) {
      const run = await runMain(args(), { typed, tty: true });
      assert.equal(run.code, 2, `${JSON.stringify(typed)}: ${run.stderr}`);
      assert.match(run.stderr, /ami-audit: aborted: the answer was not the number of images, so nothing was changed\n$/);
      const document = JSON.parse(run.stdout);
      assert.equal(document.aborted, true);
      assert.deepEqual(document.results.map((result: { action: string; reason: string }) => [result.action, result.reason]), [
        ['refused', 'not confirmed at the prompt: nothing was changed'],
        ['refused', 'not confirmed at the prompt: nothing was changed'],
      ]);
      assert.equal(imds(WEB), undefined);
      assert.equal(imds(API), undefined);
    }
  });

  test('end of input at the prompt aborts', async () => {
    const run = await runMain(args(), { tty: true });
    assert.equal(run.code, 2);
    assert.equal(imds(WEB), undefined);
  });

  test('no prompt when nothing is to be flagged', async () => {
    for (const image of emulator.estate.regions.get('us-east-1')!.images) image.ImdsSupport = 'v2.0';
    const run = await runMain(args(), { tty: true });
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /Type/);
  });

  test('stdin that is not a terminal, without --yes: exit 2 before any call', async () => {
    const run = await runMain(args(), { typed: '2\n', tty: false });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /pass --yes/);
    assert.equal(imds(WEB), undefined);
  });
});
