// The `npm run emulator` entry point as a separate process: URL on the first stdout line,
// serving until SIGTERM, exit code 2 on a bad option.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = (...rest: string[]) => ['--import', 'tsx', 'emulator/main.ts', ...rest];

/** The first line of the child's stdout; fails with its stderr if it exits before printing one. */
function firstLineOf(child: ChildProcessByStdio<null, Readable, Readable>): Promise<string> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code, signal) => reject(new Error(`emulator exited (${code ?? signal}) before printing its URL: ${stderr}`)));
  });
}

test('prints its URL first, serves the estate and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, args('--generate', '7', '--seed', '3', '--throttle', '100:200'), {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const firstLine = await firstLineOf(child);
    assert.match(firstLine, /^http:\/\/127\.0\.0\.1:\d+$/);
    const client = new EC2Client({
      region: 'us-east-1',
      endpoint: firstLine,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const out = await client.send(new DescribeImagesCommand({ Owners: ['self'], IncludeDisabled: true, IncludeDeprecated: true }));
    assert.equal(out.Images?.length, 7);
    const stats = (await (await fetch(`${firstLine}/__emulator/stats`)).json()) as { requestsByAction: Record<string, number> };
    assert.deepEqual(stats.requestsByAction, { DescribeImages: 1 });
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
});

test('a bad option is a one-line error and exit code 2', () => {
  const bad = spawnSync(process.execPath, args('--throttle', 'fast'), { cwd: root, encoding: 'utf8', timeout: 20_000 });
  assert.equal(bad.status, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /throttle/);
  const unknown = spawnSync(process.execPath, args('--no-such-flag'), { cwd: root, encoding: 'utf8', timeout: 20_000 });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no-such-flag/);
});

test('--generate-org serves an organization; a malformed spec is a usage error', async () => {
  const bad = spawnSync(process.execPath, args('--generate-org', '3x9x1'), { cwd: root, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /invalid --generate-org "3x9x1"/);

  const child = spawn(process.execPath, args('--generate-org', '3x2x1'), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await firstLineOf(child);
    const client = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: url,
      credentials: { accessKeyId: 'AKIAORGMANAGEMENT000', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const out = await client.send(new ListAccountsCommand({}));
    assert.deepEqual(out.Accounts?.map((a) => a.Id), ['100000000000', '100000000001', '100000000002']);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});
