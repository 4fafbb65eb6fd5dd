import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { redactSecrets, redactUrl } from '../../src/redact-secrets.js';

const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexample+token/value==';
const SIGNATURE = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${SIGNATURE}`;

/** Asserts that none of the secrets above survives in `text`. */
function assertNoSecret(text: string): void {
  for (const secret of [SECRET_KEY, SESSION_TOKEN, SIGNATURE, 'AKIAIOSFODNN7EXAMPLE', 'ASIAY34FZKBOKMUTVV7A', 'PASSWORD']) {
    assert.ok(!text.includes(secret), `${secret} leaked in: ${text}`);
  }
}

describe('redactSecrets', () => {
  test('an Authorization header echoed as a header line keeps its scheme and loses its credential and signature', () => {
    const redacted = redactSecrets(`Bad request; authorization: ${AUTHORIZATION}; x-amz-date: 20261128T010000Z`);
    assert.equal(redacted, 'Bad request; authorization: AWS4-HMAC-SHA256 ***; x-amz-date: 20261128T010000Z');
  });

  test('headers echoed as JSON, as some proxies do', () => {
    const echo = JSON.stringify({ host: '127.0.0.1', authorization: AUTHORIZATION, 'x-amz-security-token': SESSION_TOKEN, 'x-amz-date': '20261128T010000Z' });
    const redacted = redactSecrets(`Proxy error, request headers: ${echo}`);
    assertNoSecret(redacted);
    assert.match(redacted, /"authorization":"AWS4-HMAC-SHA256 \*\*\*"/);
    assert.match(redacted, /"x-amz-security-token":"\*\*\*"/);
    assert.match(redacted, /"x-amz-date":"20261128T010000Z"/, 'harmless headers stay');
  });

  test('a presigned query string: X-Amz-Credential, X-Amz-Signature and X-Amz-Security-Token', () => {
    const url = `https://ec2.amazonaws.com/?Action=DescribeImages&X-Amz-Credential=ASIAY34FZKBOKMUTVV7A%2F20261128%2Fus-east-1%2Fec2%2Faws4_request&X-Amz-Security-Token=${encodeURIComponent(SESSION_TOKEN)}&X-Amz-Signature=${SIGNATURE}&X-Amz-Expires=60`;
    const redacted = redactSecrets(url);
    assert.equal(redacted, 'https://ec2.amazonaws.com/?Action=DescribeImages&X-Amz-Credential=***&X-Amz-Security-Token=***&X-Amz-Signature=***&X-Amz-Expires=60');
  });

  test('the SDK canonical request quoted by SignatureDoesNotMatch', () => {
    const redacted = redactSecrets(`The Canonical String for this request should have been 'POST / host:ec2.us-east-1.amazonaws.com x-amz-security-token:${SESSION_TOKEN}'`);
    assertNoSecret(redacted);
    assert.match(redacted, /x-amz-security-token:\*\*\*/);
  });

  test('access key ids, long-term and temporary, keep only their prefix', () => {
    assert.equal(redactSecrets('key AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A.'), 'key AKIA*** and ASIA***.');
  });

  test('a long token-shaped value after the words secret or token', () => {
    assert.equal(redactSecrets(`aws_secret_access_key = ${SECRET_KEY}`), 'aws_secret_access_key = ***');
    assert.equal(redactSecrets(`the session token ${SESSION_TOKEN} has expired`), 'the session token *** has expired');
    assert.equal(redactSecrets('client_secret: s3cr3t-value-0123456789'), 'client_secret: ***');
  });

  test('a bare secret access key or session token', () => {
    assertNoSecret(redactSecrets(`credentials were ${SECRET_KEY} / ${SESSION_TOKEN}`));
  });

  test('XML elements of an AssumeRole answer', () => {
    const xml = `<AccessKeyId>ASIAY34FZKBOKMUTVV7A</AccessKeyId><SecretAccessKey>${SECRET_KEY}</SecretAccessKey><SessionToken>${SESSION_TOKEN}</SessionToken>`;
    assertNoSecret(redactSecrets(xml));
  });

  test('the password of a URL userinfo, wherever the URL appears', () => {
    assert.equal(redactSecrets('Could not reach EC2 at http://user:PASSWORD@127.0.0.1:4566/x: ECONNREFUSED'), 'Could not reach EC2 at http://user:***@127.0.0.1:4566/x: ECONNREFUSED');
    assert.equal(redactSecrets('proxy https://ghp_token0123@proxy.example:8080'), 'proxy https://***@proxy.example:8080');
    assert.equal(redactSecrets('http://user:PASS@WORD@host/'), 'http://user:***@host/', 'a password holding @');
  });

  test('leaves ordinary messages alone', () => {
    const messages = [
      'DescribeImages in us-east-1 failed after 3 attempts (--max-attempts 3) with InternalError (HTTP 500)',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
      'The security token included in the request is invalid.',
      'No retry token available',
      'User: arn:aws:iam::111122223333:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::999999999999:role/audit',
      "The image id '[ami-0123456789abcdef0]' does not exist",
      '    at SdkEc2Port.listImages (/home/runner/work/ami-audit/ami-audit/node_modules/@aws-sdk/client-ec2/dist-es/Ec2Client.js:12:34)',
      '    at file:///opt/hostedtoolcache/node/20.19.0/x64/lib/node_modules/ami-audit/dist/chunks/scanAws2026Abcdef.js:1:2',
      '    at async file:///work/team-secrets/dist/chunks/chunk-4F2AB7QX.js:91:20',
      '    at async file:///srv/tokens/ami-audit/dist/chunks/scan-aws-ZQ3KX7WM.js:2154:18',
    ];
    for (const message of messages) assert.equal(redactSecrets(message), message);
  });
});

describe('redactUrl', () => {
  test('keeps the user, hides the password; leaves a URL without userinfo alone', () => {
    assert.equal(redactUrl('http://user:PASSWORD@127.0.0.1:4566'), 'http://user:***@127.0.0.1:4566');
    assert.equal(redactUrl('http://127.0.0.1:4566'), 'http://127.0.0.1:4566');
  });

  test('a malformed URL without // loses everything before the last @', () => {
    assert.equal(redactUrl('user:PASSWORD@127.0.0.1:4566'), '***@127.0.0.1:4566');
  });
});
