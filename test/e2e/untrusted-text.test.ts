import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { RichEstateDocument } from '../../emulator/estate.js';
import { generateImages } from '../../emulator/generate.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, jsonOf, scanAgainst } from '../helpers/emulator.js';
import { FAKE_AWS_ENV, runCli, type CliRun } from '../helpers/run-cli.js';

const ACCOUNT = '111122223333';
/** Access key id and session token shaped like real ones, so that a leak would show. */
const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+session/token==';
const SESSION_ENV = { AWS_ACCESS_KEY_ID: ACCESS_KEY_ID, AWS_SESSION_TOKEN: SESSION_TOKEN };

const estate: RichEstateDocument = {
  DefaultAccountId: ACCOUNT,
  Accounts: [{ AccountId: ACCOUNT, AccessKeyIds: [ACCESS_KEY_ID, FAKE_AWS_ENV.AWS_ACCESS_KEY_ID] }],
  Regions: { 'us-east-1': { Images: generateImages(3, 1, { ownerId: ACCOUNT, allAvailable: true }) } },
};

/** Raw controls a terminal would obey: C0 (but line feed), DEL, C1 (U+009B is CSI) and bidi overrides. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** Asserts that a run printed no raw control character on stderr, and no credential anywhere. */
function assertClean(run: CliRun, options: { stdoutToo?: boolean } = {}): void {
  const where = options.stdoutToo ? { stderr: run.stderr, stdout: run.stdout } : { stderr: run.stderr };
  for (const [stream, text] of Object.entries(where)) assert.doesNotMatch(text, RAW_CONTROL, `raw control character on ${stream}: ${JSON.stringify(text)}`);
  for (const [stream, text] of Object.entries({ stderr: run.stderr, stdout: run.stdout })) {
    for (const secret of [FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY, SESSION_TOKEN, ACCESS_KEY_ID, 'PASSWORD']) {
      assert.ok(!text.includes(secret), `${secret} printed on ${stream}: ${text.slice(0, 2000)}`);
    }
    assert.doesNotMatch(text, /Signature=[0-9a-f]{64}/, `a request signature printed on ${stream}`);
  }
}

describe('hostile text from the endpoint never reaches the terminal raw', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate })));
  after(() => emulator.close());
  afterEach(() => emulator.setOptions({ extraRegions: [], failAction: [], echoHeaders: { action: [] } }));

  test('a skipped region whose name and opt-in status carry a C1 CSI and bidi overrides', async () => {
    // GIVEN DescribeRegions answers two hostile regions the account has not enabled
    emulator.setOptions({
      extraRegions: [
        { regionName: 'xx-evil-1\u009b2J\u202e', optInStatus: 'not-opted-in' },
        { regionName: 'xx-evil-2', optInStatus: 'not-opted-in\u009b31m\u2066' },
      ],
    });
    // WHEN every region is scanned
    const run = await scanAgainst(emulator, ['--region', 'all', '--output', 'json', '--verbose', '--fail-on', 'none']);
    // THEN both are reported as skipped, with the text only
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^ami-audit: skipped xx-evil-1 in 111122223333: opt-in region not enabled \(not-opted-in\)$/m);
    assert.match(run.stderr, /^ami-audit: skipped xx-evil-2 in 111122223333: opt-in region not enabled \(not-opted-in\)$/m);
    assertClean(run);
  });

  test('an error code and message with controls, in the error line and the --verbose line', async () => {
    emulator.setOptions({ failAction: 'DescribeImages', failError: { code: 'Evil\u009b2JCode', message: 'boom \u009b31mred\u202e', status: 400 } });
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--verbose']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /^ami-audit: error: DescribeImages in us-east-1 failed: EvilCode: boom red$/m);
    assert.match(run.stderr, /^\[api\] DescribeImages us-east-1 \d+ms attempts=1 error=EvilCode$/m);
    assertClean(run);
  });
});

describe('credentials echoed by an endpoint are redacted everywhere', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate })));
  after(() => emulator.close());
  afterEach(() => emulator.setOptions({ echoHeaders: { action: [] } }));

  for (const mode of ['normal', '--debug'] as const) {
    test(`a proxy-like error quoting Authorization and X-Amz-Security-Token, ${mode}, in stderr and errors[].message`, async () => {
      // GIVEN an endpoint whose DescribeImages error repeats the request headers
      emulator.setOptions({ echoHeaders: { action: 'DescribeImages' } });
      // WHEN a scan with session credentials reads it
      const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', ...(mode === '--debug' ? ['--debug'] : [])], SESSION_ENV);
      // THEN the error is reported, its credentials redacted on stderr and in the JSON report
      assert.equal(run.code, 3, run.stderr);
      const [error] = jsonOf(run).errors;
      assert.match(error!.message, /^DescribeImages in us-east-1 failed: InvalidRequest: Request rejected by proxy; request headers: /);
      assert.match(error!.message, /"authorization":"AWS4-HMAC-SHA256 \*\*\*"/);
      assert.match(error!.message, /"x-amz-security-token":"\*\*\*"/);
      assert.match(run.stderr, /^ami-audit: error: DescribeImages in us-east-1 failed: InvalidRequest: Request rejected by proxy/m);
      assertClean(run);
    });
  }

  test('--debug prints the stack of a fatal error with the echoed headers redacted', async () => {
    // GIVEN the echo comes as a rejected query, which stops the scan (exit 2) and, with --debug, prints the SDK's stack
    emulator.setOptions({ echoHeaders: { action: 'DescribeImages', code: 'InvalidParameterValue' } });
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--debug'], SESSION_ENV);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^InvalidParameterValue: Request rejected by proxy; request headers: .*"x-amz-security-token":"\*\*\*"/m, 'the stack is there');
    assert.match(run.stderr, /^\s+at /m);
    assertClean(run);
  });

  test('a role session token echoed back by the endpoint', async () => {
    emulator.setOptions({ echoHeaders: { action: 'DescribeImages' } });
    const run = await scanAgainst(emulator, ['--role-arn', `arn:aws:iam::${ACCOUNT}:role/audit`, '--region', 'us-east-1', '--output', 'json', '--debug']);
    assert.equal(run.code, 3, run.stderr);
    assert.doesNotMatch(run.stderr + run.stdout, /ASIA[A-Z0-9]{16}/);
    assert.doesNotMatch(jsonOf(run).errors[0]!.message, /"x-amz-security-token":"(?!\*\*\*)/);
    assertClean(run);
  });
});

describe('a password in --endpoint-url is never printed', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate })));
  after(() => emulator.close());

  test('in a usage error', async () => {
    const run = await runCli(['scan', '--endpoint-url', 'http://user:PASSWORD@127.0.0.1:1:bad', '--region', 'us-east-1'], { env: FAKE_AWS_ENV });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^ami-audit: error: --endpoint-url "http:\/\/user:\*\*\*@127\.0\.0\.1:1:bad" is not a URL/);
    assertClean(run);
  });

  test('in a network error, on stderr and in errors[].message', async () => {
    const run = await runCli(['scan', '--endpoint-url', 'http://user:PASSWORD@127.0.0.1:1', '--region', 'us-east-1', '--output', 'json', '--max-attempts', '1', '--debug'], { env: FAKE_AWS_ENV });
    assert.equal(run.code, 3, run.stderr);
    assert.match(jsonOf(run).errors[0]!.message, /at http:\/\/user:\*\*\*@127\.0\.0\.1:1/);
    assertClean(run);
  });

  test('in a scan that reaches the endpoint', async () => {
    const url = emulator.url.replace('http://', 'http://user:PASSWORD@');
    emulator.setOptions({ echoHeaders: { action: 'DescribeImages' } });
    const run = await runCli(['scan', '--endpoint-url', url, '--region', 'us-east-1', '--output', 'json', '--debug'], { env: FAKE_AWS_ENV });
    emulator.setOptions({ echoHeaders: { action: [] } });
    assert.equal(run.code, 3, run.stderr);
    assertClean(run);
  });
});

describe('a role that cannot be assumed', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate })));
  after(() => emulator.close());

  test('names sts:AssumeRole, the role and its trust policy, not an EC2 permission', async () => {
    // GIVEN a role in an account the emulator does not know: STS refuses AssumeRole
    const role = 'arn:aws:iam::999999999999:role/audit';
    const run = await scanAgainst(emulator, ['--role-arn', role, '--region', 'us-east-1', '--output', 'json', '--external-id', 'ext-1']);
    assert.equal(run.code, 3, run.stderr);
    const expected = /Could not assume role arn:aws:iam::999999999999:role\/audit: AccessDenied: grant sts:AssumeRole on it to arn:aws:iam::111122223333:\S+, and check the role's trust policy \(and --external-id\)/;
    assert.match(run.stderr, new RegExp(`^ami-audit: error: ${expected.source}`, 'm'));
    assert.match(jsonOf(run).errors[0]!.message, expected);
    assert.doesNotMatch(run.stderr, /ec2:DescribeImages|ec2:GetCallerIdentity/);
  });
});

describe('--input: a parse error quoting hostile text', () => {
  test('prints the error without the escape sequences it quotes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ami-audit-input-'));
    const file = join(dir, 'images.json');
    writeFileSync(file, '\x1b]8;;https://evil.example\x07\x1b[2J{"Images": [}');
    const run = await runCli(['scan', '--input', file]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^ami-audit: error: --input .* is not valid JSON/);
    assertClean(run);
  });

  test('an image id with a C1 CSI and a bidi override is refused, and the error quoting it is clean', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ami-audit-input-'));
    const file = join(dir, 'images.json');
    writeFileSync(file, JSON.stringify({ Images: [{ ImageId: 'ami-0123\u009b2J\u202e4567', Name: 'web', ImdsSupport: 'v2.0', State: 'available' }] }));
    const run = await runCli(['scan', '--input', file, '--output', 'table']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /Images\[0\] "ImageId" must be an AMI id .*"ami-01234567"/);
    assert.equal(run.stdout, '');
    assertClean(run, { stdoutToo: true });
  });
});

describe('which limit stopped the retries', () => {
  let emulator: RunningEmulator;
  const many: RichEstateDocument = { ...estate, Regions: { 'us-east-1': { Images: generateImages(40, 7, { ownerId: ACCOUNT, allAvailable: true }) } } };
  before(async () => (emulator = await emulatorFor({ estate: many, failAction: 'DescribeImageAttribute' })));
  after(() => emulator.close());

  test('the SDK retry quota, not --max-attempts, when many calls in a region fail', async () => {
    // GIVEN every DescribeImageAttribute call fails with a 500: 40 calls would need 120 retries, and
    // the SDK's quota (500 tokens, 14 a retry) allows about 35
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--attributes', 'imdsSupport', '--max-attempts', '4']);
    assert.equal(run.code, 3, run.stderr);
    const messages = jsonOf(run).errors.map((error) => error.message);
    assert.equal(messages.length, 40);
    // THEN the calls cut short say the quota stopped them, the others say --max-attempts did
    assert.ok(messages.some((message) => /failed after [123] attempts? \(the SDK's retry quota for this region ran out after many failed calls, before --max-attempts 4\) with InternalError \(HTTP 500\)$/.test(message)), messages.join('\n'));
    assert.ok(messages.every((message) => /\(the SDK's retry quota|\(--max-attempts 4\)/.test(message)), messages.join('\n'));
  });
});
