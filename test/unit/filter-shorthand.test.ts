import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFilter } from '../../src/core/filter-shorthand.js';

describe('parseFilter: the AWS CLI shorthand', () => {
  const good: [string, { name: string; values: string[] }][] = [
    ['Name=architecture,Values=x86_64,arm64', { name: 'architecture', values: ['x86_64', 'arm64'] }],
    ['Name=tag:Team,Values=web', { name: 'tag:Team', values: ['web'] }],
    ['Values=web-*,api-?,Name=name', { name: 'name', values: ['web-*', 'api-?'] }],
    ['name=state,values=available', { name: 'state', values: ['available'] }],
    ['Name=description,Values="a,b",c', { name: 'description', values: ['a,b', 'c'] }],
    ["Name=tag:Owner,Values='x=y'", { name: 'tag:Owner', values: ['x=y'] }],
    ['Name=tag:Expr,Values=a=b', { name: 'tag:Expr', values: ['a=b'] }],
    ['{"Name":"image-type","Values":["machine"]}', { name: 'image-type', values: ['machine'] }],
  ];
  for (const [spec, expected] of good) {
    test(`accepts ${spec}`, () => assert.deepEqual(parseFilter(spec), expected));
  }

  const bad: [string, RegExp][] = [
    ['foo', /"foo" is neither Name= nor Values=/],
    ['Name=architecture', /at least one value/],
    ['Values=x86_64', /exactly one Name/],
    ['Name=a,Name=b,Values=c', /appears twice/],
    ['Name=a,Values=b,,c', /empty item/],
    ['Name=a,Values="b', /quote is not closed/],
    ['{"Name": 1}', /JSON form needs/],
    ['{oops', /not valid JSON/],
  ];
  for (const [spec, message] of bad) {
    test(`rejects ${spec} with a usage error that shows the expected form`, () => {
      assert.throws(
        () => parseFilter(spec),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'Usage');
          assert.match(error.message, message);
          assert.match(error.message, /Name=<filter>,Values=<value>/);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
    });
  }
});
