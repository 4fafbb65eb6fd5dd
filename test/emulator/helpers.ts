// Shared helpers for the emulator fidelity tests: real SDK clients pointed at an in-process
// emulator, isolated from the machine's AWS environment and config files.

import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { SaxesParser } from 'saxes';
import { STSClient } from '@aws-sdk/client-sts';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server.js';

// No AWS_* variable or shared config file of this machine may influence the clients.
for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_CONFIG_FILE = join(tmpdir(), 'ami-audit-emulator-tests-no-such-config');
process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmpdir(), 'ami-audit-emulator-tests-no-such-credentials');

export const ACCOUNT = '111122223333';
export const RICH_ESTATE = new URL('../../examples/emulator-estate.json', import.meta.url).pathname;
export const SAMPLE_ESTATE = new URL('../../examples/estate.json', import.meta.url).pathname;

/** Access keys of examples/emulator-estate.json. */
export const KEYS = {
  prod: 'AKIAPRODEXAMPLE00001', // 111122223333
  dev: 'AKIADEVEXAMPLE000002', // 444455556666
  outside: 'AKIAOUTSIDEEXAMPLE03', // 777788889999
};

interface ClientOptions {
  region?: string;
  accessKeyId?: string;
  requestHandler?: { requestTimeout?: number; throwOnRequestTimeout?: boolean };
}

function clientConfig(emulator: RunningEmulator, o: ClientOptions) {
  return {
    region: o.region ?? 'us-east-1',
    endpoint: emulator.url,
    credentials: { accessKeyId: o.accessKeyId ?? 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
    ...(o.requestHandler ? { requestHandler: o.requestHandler } : {}),
  };
}

export function ec2(emulator: RunningEmulator, o: ClientOptions = {}): EC2Client {
  return new EC2Client(clientConfig(emulator, o));
}

export function sts(emulator: RunningEmulator, o: ClientOptions = {}): STSClient {
  return new STSClient(clientConfig(emulator, o));
}

export function organizations(emulator: RunningEmulator, o: ClientOptions = {}): OrganizationsClient {
  return new OrganizationsClient(clientConfig(emulator, o));
}

/** Starts an emulator for the duration of `fn`, always closing it. */
export async function withEmulator<T>(options: EmulatorOptions, fn: (emulator: RunningEmulator) => Promise<T>): Promise<T> {
  const emulator = await startEmulator(options);
  try {
    return await fn(emulator);
  } finally {
    await emulator.close();
  }
}

interface SdkError {
  name: string;
  Code?: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
}

/** Asserts that the SDK call fails with this error code and HTTP status; returns the error. */
export async function rejectsWith(promise: Promise<unknown>, code: string, status: number): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    const e = err as SdkError;
    assert.equal(e.name, code, `error name (message: ${e.message})`);
    assert.equal(e.Code ?? e.name, code);
    assert.equal(e.$metadata?.httpStatusCode, status, `HTTP status of ${code}`);
    return e;
  }
  assert.fail(`expected ${code}, but the call succeeded`);
}

/** A raw Query POST, signed only with a credential scope (the emulator does not check signatures). */
export async function rawQuery(
  emulator: RunningEmulator,
  body: string,
  scope: { region?: string; service?: string; accessKeyId?: string } = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const credential = `${scope.accessKeyId ?? 'AKIDEXAMPLE'}/20261127/${scope.region ?? 'us-east-1'}/${scope.service ?? 'ec2'}/aws4_request`;
  const res = await fetch(emulator.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=host, Signature=0`,
    },
    body,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/**
 * Parses a document with saxes, a conformant XML 1.0 parser, and returns the first well-formedness
 * error, or undefined. Strict like the AWS CLI's parser: `&#x1B;` is an error, not an ESC.
 */
export function xmlWellFormednessError(xml: string): string | undefined {
  const parser = new SaxesParser({ xmlns: true });
  let error: string | undefined;
  parser.on('error', (err) => (error ??= err.message));
  parser.write(xml).close();
  return error;
}
