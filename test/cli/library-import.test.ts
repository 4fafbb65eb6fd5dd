import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/run-cli.js';

const run = promisify(execFile);

test('importing the library adds no process listener, prints nothing and sets no exit code', async () => {
  // GIVEN a fresh Node process that counts the listeners a library could leave behind
  const script = `
    const events = ['exit', 'beforeExit', 'uncaughtException', 'unhandledRejection', 'SIGINT', 'SIGTERM', 'SIGPIPE', 'warning'];
    const count = () => JSON.stringify([events.map((name) => process.listenerCount(name)), process.stdout.listenerCount('error'), process.stderr.listenerCount('error')]);
    const before = count();
    // WHEN it imports the library as a package user would
    const library = await import('./dist/index.js');
    process.stdout.write(JSON.stringify({ before, after: count(), exitCode: process.exitCode ?? null, exports: typeof library.gate }));
  `;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
  // THEN nothing changed: only the CLI entry point watches stdout and sets the exit code
  const result = JSON.parse(stdout);
  assert.equal(result.after, result.before);
  assert.equal(result.exitCode, null);
  assert.equal(result.exports, 'function');
  assert.equal(stderr, '');
});
