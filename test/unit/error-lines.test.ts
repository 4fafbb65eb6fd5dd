import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorLines } from '../../src/cli/error-lines.js';
import type { ScanError } from '../../src/core/types.js';

const format = (error: ScanError): string => error.message;

function unread(imageId: string, region = 'us-east-1', accountId = '111122223333', attribute = 'imdsSupport'): ScanError {
  return { code: 'ScanTimeout', region, accountId, imageId, action: 'DescribeImageAttribute', message: `${attribute} of ${imageId} in ${region} was not read: the scan reached --timeout first` };
}

describe('errorLines', () => {
  test('images left unread by --timeout: one line per region, with the count and the first ids', () => {
    // GIVEN 1,671 unread images in one region (two attributes each) and 2 in another, around other errors
    const ids = Array.from({ length: 1671 }, (_, index) => `ami-${index.toString(16).padStart(17, '0')}`);
    const errors: ScanError[] = [
      { code: 'AccessDenied', region: 'eu-west-1', message: 'Not authorized to call DescribeImages in eu-west-1' },
      ...ids.flatMap((id) => [unread(id), unread(id, 'us-east-1', '111122223333', 'bootMode')]),
      unread('ami-0000000000000000a', 'ap-south-1'),
      unread('ami-0000000000000000b', 'ap-south-1'),
      { code: 'ScanTimeout', region: 'sa-east-1', action: 'DescribeImages', message: 'Region sa-east-1 was not scanned: the scan reached --timeout first' },
    ];
    // WHEN the lines are made
    const lines = errorLines(errors, format);
    // THEN each region's unread images take one line, in the order they came
    assert.deepEqual(lines, [
      'Not authorized to call DescribeImages in eu-west-1',
      'us-east-1: 1,671 images not fully read, the scan reached --timeout first (ami-00000000000000000, ami-00000000000000001, ami-00000000000000002 and 1,668 more; --output json lists each)',
      'ap-south-1: 2 images not fully read, the scan reached --timeout first (ami-0000000000000000a, ami-0000000000000000b; --output json lists each)',
      'Region sa-east-1 was not scanned: the scan reached --timeout first',
    ]);
  });

  test('one unread image keeps its own line; accounts are told apart and named when asked', () => {
    const lines = errorLines([unread('ami-00000000000000001', 'us-east-1', 'A'), unread('ami-00000000000000002', 'us-east-1', 'B'), unread('ami-00000000000000003', 'us-east-1', 'B')], format, true);
    assert.deepEqual(lines, [
      'imdsSupport of ami-00000000000000001 in us-east-1 was not read: the scan reached --timeout first',
      'us-east-1 [account B]: 2 images not fully read, the scan reached --timeout first (ami-00000000000000002, ami-00000000000000003; --output json lists each)',
    ]);
  });

  test('ids from AWS are made safe to print', () => {
    const [line] = errorLines([unread('ami-1\u001b[2J'), unread('ami-2\u009b31m')], format);
    assert.doesNotMatch(line!, /[\u001b\u009b]/);
  });
});
