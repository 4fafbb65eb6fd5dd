#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { main } from './cli/main.js';
import { exitOnOutputError } from './cli/output-errors.js';

/** The package version, read from the package.json that ships beside `dist/`. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

exitOnOutputError(process.stdout, process.stderr);
process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin }, packageVersion());
