import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseImagesDocument } from '../../src/input/read-images-document.js';
import { anEc2Image } from '../helpers/builders.js';

const documentOf = (...images: unknown[]): string => JSON.stringify({ Images: images });

/** Returns the message of the InvalidInput error that parsing `text` throws. */
function rejection(text: string): string {
  let message = '';
  assert.throws(
    () => parseImagesDocument(text, 'saved.json', null),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, 'InvalidInput');
      message = error.message;
      return true;
    },
  );
  assert.doesNotMatch(message, /\n/, 'one line');
  return message;
}

describe('parseImagesDocument', () => {
  test('maps the AWS CLI describe-images JSON to records, with no warning', () => {
    const text = readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8');
    const { images, warnings } = parseImagesDocument(text, 'estate.json', 'eu-west-1');
    assert.deepEqual(warnings, []);
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
  ];
  test('a JSON error that quotes the file shows no control character from it', () => {
    const found = rejection('\u001b[2J\u009b31m{');
    assert.match(found, /is not valid JSON/);
    assert.doesNotMatch(found, /[\u0000-\u001f\u007f-\u009f]/);
  });

  for (const [text, message] of bad) {
    test(`rejects ${text} with one line naming the file and the expected form`, () => {
      const found = rejection(text);
      assert.match(found, /saved\.json/);
      assert.match(found, message);
      assert.match(found, /aws ec2 describe-images/);
    });
  }
});

describe('parseImagesDocument: every field it reads has the type describe-images gives it', () => {
  // [field, bad value, what the message says]; each is exit 2 naming the image, its id and the field.
  const cases: [string, unknown, string][] = [
    ['Name', 5, '"Name" must be a string, got number 5'],
    ['Description', ['x'], '"Description" must be a string, got an array'],
    ['OwnerId', 111122223333, '"OwnerId" must be a string, got number 111122223333'],
    ['Public', 'true', '"Public" must be true or false, got string "true"'],
    ['Architecture', 5, '"Architecture" must be a string, got number 5'],
    ['State', 5, '"State" must be a string, got number 5'],
    ['CreationDate', 12, '"CreationDate" must be an ISO 8601 time such as 2025-11-03T08:12:44.000Z, got number 12'],
    ['CreationDate', 'yesterday', '"CreationDate" must be an ISO 8601 time such as 2025-11-03T08:12:44.000Z, got string "yesterday"'],
    ['DeprecationTime', '2026-13-45T00:00:00Z', '"DeprecationTime" must be an ISO 8601 time such as 2025-11-03T08:12:44.000Z, got string "2026-13-45T00:00:00Z"'],
    ['ImdsSupport', 5, '"ImdsSupport" must be a string, got number 5'],
    ['BootMode', { Value: 'uefi' }, '"BootMode" must be a string, got an object'],
    ['TpmSupport', true, '"TpmSupport" must be a string, got boolean true'],
    ['Tags', 'x', '"Tags" must be a list of {"Key": ..., "Value": ...}, got string "x"'],
    ['Tags', [null], '"Tags[0]" must be an object {"Key": ..., "Value": ...}, got null'],
    ['Tags', [{ Key: 'a', Value: 'b' }, { Key: 1, Value: 'b' }], '"Tags[1].Key" must be a string, got number 1'],
    ['Tags', [{ Key: 'a', Value: 2 }], '"Tags[0].Value" must be a string, got number 2'],
  ];
  for (const [field, value, expected] of cases) {
    test(`${field}: ${JSON.stringify(value)} is exit 2 naming Images[1], its id and the field`, () => {
      const text = documentOf(anEc2Image({ ImageId: 'ami-0aaa0001' }), anEc2Image({ ImageId: 'ami-0bbb0002', [field]: value }));
      assert.equal(rejection(text), `--input saved.json: Images[1] (ami-0bbb0002) ${expected}`);
    });
  }

  const badIds: [unknown, string][] = [
    ['', 'string ""'],
    [5, 'number 5'],
    [null, 'null'],
    [undefined, 'nothing'],
    ['i-0abc1234', 'string "i-0abc1234"'],
  ];
  for (const [id, got] of badIds) {
    test(`ImageId ${JSON.stringify(id) ?? 'missing'} is exit 2, never a ready image`, () => {
      assert.equal(
        rejection(documentOf(anEc2Image({ ImageId: id }))),
        `--input saved.json: Images[0] "ImageId" must be an AMI id (ami- and hexadecimal digits), got ${got}`,
      );
    });
  }

  test('an entry that is not an object is exit 2', () => {
    assert.equal(rejection(documentOf('ami-0abc1234')), '--input saved.json: Images[0] must be an object with an "ImageId", got string "ami-0abc1234"');
  });

  test('the first problem is shown, with the count of the others', () => {
    const text = documentOf(anEc2Image({ State: 1 }), anEc2Image({ Name: 2 }), anEc2Image({ Tags: 3 }));
    assert.match(rejection(text), /^--input saved\.json: Images\[0\] \(ami-0abc1234\) "State" must be a string, got number 1 \(and 2 more problems in the file\)$/);
  });

  test('a hostile value is shown without control characters and cut to a sane length', () => {
    const message = rejection(documentOf(anEc2Image({ CreationDate: `\u001b[2J\u001b]8;;http://evil\u0007x\u009b31m${'A'.repeat(5000)}` })));
    assert.doesNotMatch(message, /[\u0000-\u001f\u007f-\u009f]/);
    assert.ok(message.length < 250, `${message.length} characters`);
    assert.match(message, /got string "xA+…"$/);
  });

  test('absent and null fields are unset; fields ami-audit does not read are ignored', () => {
    const { images, warnings } = parseImagesDocument(
      documentOf({ ImageId: 'ami-0abc1234', Architecture: 'arm64', ImdsSupport: null, Tags: null, Hypervisor: 5, NewField: { x: [1] } }),
      'saved.json',
      null,
    );
    assert.deepEqual(warnings, []);
    assert.equal(images[0]!.imdsSupport, null);
    assert.equal(images[0]!.name, null);
    assert.deepEqual(images[0]!.tags, []);
  });

  test('a tag without a Value has an empty value, as EC2 allows', () => {
    const { images } = parseImagesDocument(documentOf(anEc2Image({ Tags: [{ Key: 'k' }] })), 'saved.json', null);
    assert.deepEqual(images[0]!.tags, [{ key: 'k', value: '' }]);
  });
});

describe('parseImagesDocument: warnings', () => {
  test('an unknown BootMode is kept as it is, with one warning naming the value and the images', () => {
    const text = documentOf(anEc2Image({ ImageId: 'ami-01', BootMode: 'weird' }), anEc2Image({ ImageId: 'ami-02', BootMode: 'weird' }));
    const { images, warnings } = parseImagesDocument(text, 'saved.json', null);
    assert.deepEqual(
      images.map((image) => image.bootMode),
      ['weird', 'weird'],
    );
    assert.deepEqual(warnings, [
      '--input saved.json: BootMode "weird" on 2 images (ami-01, ami-02) is not a value ami-audit knows (legacy-bios, uefi, uefi-preferred): kept as it is; the boot mode is not decided (BOOT_MODE_UNKNOWN), and no boot or TPM finding is raised on a guess',
    ]);
  });

  const unknownValues: [string, string, RegExp][] = [
    ['Architecture', 'riscv64', /^--input saved\.json: Architecture "riscv64" on 1 image \(ami-0abc1234\) is not a value ami-audit knows \(i386, x86_64, arm64, x86_64_mac, arm64_mac\): kept as it is; where BootMode is unset/],
    ['ImdsSupport', 'v3.0', /ImdsSupport "v3\.0" on 1 image .*\(v2\.0\): kept as it is; IMDSv2 cannot be confirmed as required, so the image is not ready/],
    ['TpmSupport', 'v3.0', /TpmSupport "v3\.0" on 1 image .*TPM_UNDECIDED/],
    ['State', 'archived', /State "archived" on 1 image .*not available/],
  ];
  for (const [field, value, expected] of unknownValues) {
    test(`an unknown ${field} is kept as it is, with a warning`, () => {
      const { images, warnings } = parseImagesDocument(documentOf(anEc2Image({ [field]: value })), 'saved.json', null);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, expected);
      const key = (field[0]!.toLowerCase() + field.slice(1)) as 'architecture' | 'imdsSupport' | 'tpmSupport' | 'state';
      assert.equal(images[0]![key], value);
    });
  }

  test('a hostile unknown value is shown without control characters in the warning', () => {
    const { warnings } = parseImagesDocument(documentOf(anEc2Image({ BootMode: '\u001b[31muefi\u202e' })), 'saved.json', null);
    assert.match(warnings[0]!, /^--input saved\.json: BootMode "uefi" on 1 image/);
  });

  test('a missing Architecture with BootMode unset is warned about, not taken for x86_64', () => {
    const { warnings } = parseImagesDocument(documentOf(anEc2Image({ Architecture: undefined, BootMode: undefined })), 'saved.json', null);
    assert.deepEqual(warnings, [
      '--input saved.json: 1 image (ami-0abc1234) has neither BootMode nor Architecture: the boot mode is not decided (BOOT_MODE_UNKNOWN)',
    ]);
  });

  test('an empty Architecture is unset, as EC2 writes an unset value', () => {
    const { images, warnings } = parseImagesDocument(documentOf(anEc2Image({ Architecture: '', BootMode: '' })), 'saved.json', null);
    assert.equal(images[0]!.architecture, null);
    assert.equal(images[0]!.bootMode, null);
    assert.match(warnings[0]!, /has neither BootMode nor Architecture/);
  });

  test('an image id listed more than once is kept once (the first entry), with one warning counting what was dropped', () => {
    const text = documentOf(
      anEc2Image({ ImageId: 'ami-0a', Name: 'first' }),
      anEc2Image({ ImageId: 'ami-0b' }),
      anEc2Image({ ImageId: 'ami-0a', Name: 'second' }),
      anEc2Image({ ImageId: 'ami-0a', Name: 'third' }),
      anEc2Image({ ImageId: 'ami-0b' }),
    );
    const { images, warnings } = parseImagesDocument(text, 'saved.json', null);
    assert.deepEqual(
      images.map((image) => [image.imageId, image.name]),
      [
        ['ami-0a', 'first'],
        ['ami-0b', 'web-2026.11.0'],
      ],
    );
    assert.deepEqual(warnings, [
      '--input saved.json: dropped 3 duplicate entries of 2 image ids listed more than once (ami-0a, ami-0b); each image is classified once, from its first entry',
    ]);
  });

  test('an unknown value on a dropped duplicate is not counted twice', () => {
    const text = documentOf(anEc2Image({ BootMode: 'weird' }), anEc2Image({ BootMode: 'weird' }));
    const { warnings } = parseImagesDocument(text, 'saved.json', null);
    assert.equal(warnings.length, 2);
    assert.match(warnings[1]!, /BootMode "weird" on 1 image \(ami-0abc1234\)/);
  });
});
