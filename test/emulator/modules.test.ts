// Unit tests of the emulator's building blocks: XML escaping, Query parsing, wildcards,
// token buckets, the estate loader and the synthetic estate generator.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseXML } from '@aws-sdk/xml-builder';
import { parseEstate, loadEstateFile, loadSampleEstate, EstateError, accountForAccessKey } from '../../emulator/estate.js';
import { wildcardToRegExp } from '../../emulator/filters.js';
import { generateImages, generatedEstate } from '../../emulator/generate.js';
import { QueryParams, parseCredentialScope, parseQueryRequest } from '../../emulator/query-protocol.js';
import { TokenBucket, parseThrottleSpec } from '../../emulator/token-bucket.js';
import { el, escapeXml, forbiddenXmlCharacter, leaf, list, renderDocument } from '../../emulator/xml.js';
import { RICH_ESTATE, xmlWellFormednessError } from './helpers.js';

test('escapeXml: markup, CR, DEL and C1 controls become references the SDK parser decodes', () => {
  const nasty = 'a<b>&"\'\r\u007f\u009b31m\u202e\u2066 ok\tnew\nline';
  const escaped = escapeXml(nasty);
  assert.equal(escaped, 'a&lt;b&gt;&amp;&quot;&apos;&#xD;&#x7F;&#x9B;31m\u202e\u2066 ok\tnew\nline');
  const doc = renderDocument(el('Root', leaf('v', nasty), list('emptyList', []), leaf('flag', false), leaf('unset', undefined)));
  assert.equal(xmlWellFormednessError(doc), undefined);
  assert.ok(!doc.includes('<unset'));
  assert.match(doc, /<emptyList\/>/);
  assert.match(doc, /<flag>false<\/flag>/);
  const parsed = parseXML(doc) as { Root: { v: string } };
  assert.equal(parsed.Root.v, nasty);
});

test('escapeXml never writes a character XML 1.0 forbids, raw or as a reference: it becomes U+FFFD', () => {
  // GIVEN text with C0 controls, non-characters and a lone surrogate (a request echoed in an error message)
  const forbidden = 'a\u001b[31m\u0007\u0000\u000b\uffff\ufffe\ud800b';
  // WHEN it is written
  const doc = renderDocument(el('Root', leaf('v', forbidden)));
  // THEN a strict parser accepts the document and each forbidden character reads as U+FFFD
  assert.equal(xmlWellFormednessError(doc), undefined);
  assert.doesNotMatch(doc, /&#x(1B|7|0|B|FFFF|FFFE|D800);/i);
  assert.equal((parseXML(doc) as { Root: { v: string } }).Root.v, 'a\ufffd[31m\ufffd\ufffd\ufffd\ufffd\ufffd\ufffdb');
  assert.equal(forbiddenXmlCharacter('tab\tlf\ncr\r\u0085\u009b\u202e\u{1F600}'), undefined);
});

test('an estate holding a character XML 1.0 forbids is refused, naming where and what to use instead', () => {
  const hostile = { Images: [{ ImageId: 'ami-0123456789abcdef0', Name: 'ok' }, { ImageId: 'ami-0123456789abcdef1', Tags: [{ Key: 'Team', Value: '\u001b[32mtrusted' }] }] };
  assert.throws(() => parseEstate(hostile), (err: Error) => {
    assert.ok(err instanceof EstateError);
    assert.match(err.message, /Images\[1\]\.Tags\[0\]\.Value: holds U\+001B, which XML 1\.0 cannot carry and EC2 never stores/);
    assert.match(err.message, /U\+009B/);
    assert.match(err.message, /--input/);
    return true;
  });
  assert.throws(() => parseEstate({ Regions: { 'us-east-1': { Images: [{ ImageId: 'ami-0123456789abcdef0', Description: 'bell\u0007' }] } } }), /Regions\.us-east-1\.Images\[0\]\.Description: holds U\+0007/);
  // What XML allows and terminals still obey is accepted: C1 CSI, bidi overrides and isolates.
  assert.doesNotThrow(() => parseEstate({ Images: [{ ImageId: 'ami-0123456789abcdef0', Name: 'x\u009b2J\u202e\u2066\u2069' }] }));
});

test('QueryParams: lists, filters, booleans and integers', () => {
  const params = new QueryParams(
    new URLSearchParams('Owner.2=b&Owner.1=a&Owner.10=c&Filter.2.Name=tag:Team&Filter.2.Value.1=x&Filter.1.Name=name&Filter.1.Value.2=n2&Filter.1.Value.1=n1&DryRun=TRUE&MaxResults=7').entries(),
  );
  assert.deepEqual(params.list('Owner'), ['a', 'b', 'c']);
  assert.deepEqual(params.filters(), [
    { name: 'name', values: ['n1', 'n2'] },
    { name: 'tag:Team', values: ['x'] },
  ]);
  assert.equal(params.bool('DryRun'), true);
  assert.equal(params.int('MaxResults'), 7);
  assert.equal(params.bool('Missing'), undefined);
  assert.throws(() => new QueryParams([['DryRun', 'yes']]).bool('DryRun'), /DryRun/);
  assert.throws(() => new QueryParams([['MaxResults', 'ten']]).int('MaxResults'), /MaxResults/);
  assert.throws(() => new QueryParams([]).required('ImageId'), /ImageId/);
});

test('credential scope: access key, region and service from the Authorization header or X-Amz-Credential', () => {
  assert.deepEqual(parseCredentialScope('AKID/20261127/eu-west-1/ec2/aws4_request'), {
    accessKeyId: 'AKID', date: '20261127', region: 'eu-west-1', service: 'ec2',
  });
  assert.equal(parseCredentialScope('garbage'), undefined);
  const signed = parseQueryRequest('/', {
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIDX/20261127/ap-south-1/sts/aws4_request, SignedHeaders=host, Signature=abc',
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
  }, 'Action=GetCallerIdentity&Version=2011-06-15');
  assert.equal(signed.action, 'GetCallerIdentity');
  assert.equal(signed.version, '2011-06-15');
  assert.deepEqual(signed.scope, { accessKeyId: 'AKIDX', date: '20261127', region: 'ap-south-1', service: 'sts' });
  const presigned = parseQueryRequest('/?Action=DescribeRegions&X-Amz-Credential=AKIDY%2F20261127%2Fus-west-2%2Fec2%2Faws4_request', {}, '');
  assert.equal(presigned.action, 'DescribeRegions');
  assert.equal(presigned.scope?.region, 'us-west-2');
  assert.equal(parseQueryRequest('/', {}, 'Action=DescribeImages').scope, undefined);
});

test('wildcards: * any run, ? one character, backslash escapes, everything else literal', () => {
  assert.ok(wildcardToRegExp('web-*').test('web-al2023'));
  assert.ok(wildcardToRegExp('web-*').test('web-'));
  assert.ok(!wildcardToRegExp('web-*').test('api-web-1'));
  assert.ok(wildcardToRegExp('a?c').test('abc'));
  assert.ok(!wildcardToRegExp('a?c').test('abbc'));
  assert.ok(wildcardToRegExp('v2.0').test('v2.0'));
  assert.ok(!wildcardToRegExp('v2.0').test('v2x0'));
  assert.ok(wildcardToRegExp('a\\*b').test('a*b'));
  assert.ok(!wildcardToRegExp('a\\*b').test('axxb'));
  assert.ok(wildcardToRegExp('(x)[y]{z}|+^$/-').test('(x)[y]{z}|+^$/-'));
});

test('token bucket: capacity, refill and parse of the CLI spec', () => {
  let now = 0;
  const bucket = new TokenBucket({ capacity: 3, refillPerSecond: 2 }, () => now);
  assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, true, false]);
  now = 499;
  assert.equal(bucket.tryTake(), false);
  now = 500;
  assert.equal(bucket.tryTake(), true);
  now = 100_000;
  assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, true, false], 'never above capacity');
  assert.deepEqual(parseThrottleSpec('ec2'), { capacity: 100, refillPerSecond: 20 });
  assert.deepEqual(parseThrottleSpec('100:200'), { capacity: 100, refillPerSecond: 200 });
  assert.equal(parseThrottleSpec('off'), undefined);
  assert.throws(() => parseThrottleSpec('fast'));
  assert.throws(() => parseThrottleSpec('0:5'));
});

test('the sample estate is us-east-1, account 111122223333, every access key', () => {
  const estate = loadSampleEstate();
  assert.equal(estate.defaultAccountId, '111122223333');
  assert.equal(estate.regions.get('us-east-1')?.images.length, 16);
  assert.equal(accountForAccessKey(estate, 'ANYTHING').accountId, '111122223333');
  const elsewhere = parseEstate({ Images: [] }, { region: 'eu-west-3', accountId: '123456789012' });
  assert.equal(elsewhere.defaultAccountId, '123456789012');
  assert.ok(elsewhere.regions.has('eu-west-3'));
});

test('the richer estate: accounts by access key, opt-in, defaults', () => {
  const estate = loadEstateFile(RICH_ESTATE);
  assert.equal(accountForAccessKey(estate, 'AKIADEVEXAMPLE000002').accountId, '444455556666');
  assert.equal(accountForAccessKey(estate, 'nope').accountId, '111122223333');
  assert.equal(estate.accounts.get('111122223333')?.optIn.get('eu-south-1'), 'opted-in');
  assert.equal(estate.regions.get('ap-east-1')?.optInRequired, true);
});

test('estate validation reports every problem with its path', () => {
  const bad = {
    Images: [
      { ImageId: 'ami-123', Name: 'x' },
      { ImageId: 'ami-0123456789abcdef0', ImdsSupport: 'v1', Colour: 'red', Public: 'yes' },
      { ImageId: 'ami-0123456789abcdef1', LaunchPermissions: [{ UserId: 'bob' }], Tags: [{ Key: 1 }] },
    ],
  };
  assert.throws(() => parseEstate(bad), (err: Error) => {
    assert.ok(err instanceof EstateError);
    for (const fragment of ['Images[0].ImageId', 'Images[1].ImdsSupport', 'Images[1].Colour', 'Images[1].Public', 'Images[2].LaunchPermissions[0]', 'Images[2].Tags[0]']) {
      assert.ok(err.message.includes(fragment), `${fragment} in ${err.message}`);
    }
    return true;
  });
  assert.throws(() => parseEstate({ Images: [{ ImageId: 'ami-0123456789abcdef0' }, { ImageId: 'ami-0123456789abcdef0' }] }), /duplicate image id/);
  assert.throws(() => parseEstate({ Regions: { 'us-east-1': { Instances: [{ InstanceId: 'i-1', ImageId: 'ami-0123456789abcdef0' }] } } }), /InstanceId/);
  assert.throws(() => parseEstate({ Accounts: [{ AccountId: '12' }] }), /AccountId/);
  assert.throws(() => parseEstate([]), EstateError);
  assert.throws(() => loadEstateFile('/nonexistent/estate.json'), /Cannot read estate/);
});

test('generateImages is deterministic, valid and varied', () => {
  const a = generateImages(200, 3);
  assert.deepEqual(generateImages(200, 3), a);
  assert.notDeepEqual(generateImages(200, 4), a);
  assert.equal(new Set(a.map((i) => i.ImageId)).size, 200);
  for (const img of a) assert.match(img.ImageId, /^ami-[0-9a-f]{17}$/);
  const values = (f: (i: (typeof a)[number]) => unknown) => new Set(a.map(f));
  assert.deepEqual(values((i) => i.ImdsSupport), new Set(['v2.0', undefined]));
  assert.deepEqual(values((i) => i.BootMode), new Set(['legacy-bios', 'uefi', 'uefi-preferred', undefined]));
  assert.deepEqual(values((i) => i.TpmSupport), new Set(['v2.0', undefined]));
  assert.deepEqual(values((i) => i.Architecture), new Set(['x86_64', 'arm64']));
  assert.deepEqual(values((i) => i.Public), new Set([true, false]));
  assert.deepEqual(values((i) => i.State), new Set(['available', 'pending', 'failed', 'disabled']));
  assert.ok(a.some((i) => i.DeprecationTime));
  // The generated document is a valid estate.
  assert.equal(parseEstate(generatedEstate(50, 9)).regions.get('us-east-1')?.images.length, 50);
  assert.deepEqual(new Set(generateImages(50, 1, { allAvailable: true }).map((i) => i.State)), new Set(['available']));
});
