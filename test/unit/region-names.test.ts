import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { closestRegion, isRegionShaped, KNOWN_REGIONS } from '../../src/core/region-names.js';

describe('region names', () => {
  test('every known region is region-shaped', () => {
    for (const region of KNOWN_REGIONS) assert.ok(isRegionShaped(region), region);
  });

  test('typos, other cases, separators and injected text are not region-shaped', () => {
    for (const name of ['us-east1', 'useast-1', 'US-EAST-1', 'us_east_1', 'us-east-1 ', 'us-east-1;rm -rf', '', 'all', 'east-1', 'us-east-100']) {
      assert.equal(isRegionShaped(name), false, JSON.stringify(name));
    }
  });

  test('the closest known region is the likely intent', () => {
    assert.equal(closestRegion('us-east1'), 'us-east-1');
    assert.equal(closestRegion('eu-wset-1'), 'eu-west-1');
    assert.equal(closestRegion('US-WEST-2'), 'us-west-2');
    assert.equal(closestRegion('apsoutheast-2'), 'ap-southeast-2');
    assert.equal(closestRegion('us-gov-west1'), 'us-gov-west-1');
  });
});
