import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseImagesDocument } from '../../src/input/read-images-document.js';

describe('parseImagesDocument', () => {
  test('maps the AWS CLI describe-images JSON to records', () => {
    const text = readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8');
    const images = parseImagesDocument(text, 'estate.json', 'eu-west-1');
    assert.equal(images.length, 16);
    const first = images[0]!;
    assert.equal(first.imageId, 'ami-0a1b2c3d4e5f60001');
    assert.equal(first.region, 'eu-west-1');
    assert.equal(first.imdsSupport, 'v2.0');
    assert.equal(first.bootMode, 'uefi');
    assert.equal(first.tpmSupport, 'v2.0');
    assert.deepEqual(first.tags, [
      { key: 'Team', value: 'web' },
      { key: 'Environment', value: 'prod' },
    ]);
    const unset = images[1]!;
    assert.equal(unset.imdsSupport, null);
    assert.equal(unset.bootMode, null);
    assert.equal(images.find((image) => image.public)?.imageId, 'ami-0a1b2c3d4e5f60007');
  });

  const bad: [string, RegExp][] = [
    ['not json', /is not valid JSON/],
    ['[]', /no "Images" list/],
    ['{"Reservations": []}', /no "Images" list/],
    ['{"Images": [{"Name": "x"}]}', /Images\[0\] has no "ImageId"/],
  ];
  for (const [text, message] of bad) {
    test(`rejects ${text} with one line naming the file and the expected form`, () => {
      assert.throws(
        () => parseImagesDocument(text, 'saved.json', null),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'InvalidInput');
          assert.match(error.message, /saved\.json/);
          assert.match(error.message, message);
          assert.match(error.message, /aws ec2 describe-images/);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
    });
  }
});
