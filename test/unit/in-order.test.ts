import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InOrder } from '../../src/core/in-order.js';

test('items completed out of order are passed on in order, as soon as their turn comes', () => {
  const passed: string[] = [];
  const inOrder = new InOrder<string>((item) => passed.push(item));
  inOrder.put(2, 'c');
  inOrder.put(1, 'b');
  assert.deepEqual(passed, [], 'nothing passes before item 0');
  inOrder.put(0, 'a');
  assert.deepEqual(passed, ['a', 'b', 'c']);
  inOrder.put(4, 'e');
  assert.deepEqual(passed, ['a', 'b', 'c']);
  inOrder.put(3, 'd');
  assert.deepEqual(passed, ['a', 'b', 'c', 'd', 'e']);
});
