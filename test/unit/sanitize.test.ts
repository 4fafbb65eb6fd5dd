import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stripControlSequences } from '../../src/render/sanitize.js';

test('removes CSI colour and cursor sequences whole', () => {
  assert.equal(stripControlSequences('a\x1b[31mred\x1b[0m\x1b[2J\x1b[1Ab'), 'aredb');
});

test('removes OSC hyperlinks and titles terminated by BEL or ST', () => {
  assert.equal(stripControlSequences('\x1b]8;;http://evil.example\x07click\x1b]8;;\x07'), 'click');
  assert.equal(stripControlSequences('x\x1b]0;owned\x1b\\y'), 'xy');
});

test('removes other C0 and C1 controls, DEL and bidirectional overrides', () => {
  assert.equal(stripControlSequences('a\rb\nc\td\x07e\x7ff\x9b31mg\u202eh\u2066i'), 'abcdefgh' + 'i');
});

test('leaves ordinary text, including non-ASCII, alone', () => {
  assert.equal(stripControlSequences('web-ünïcode-日本-2026.11 (prod)'), 'web-ünïcode-日本-2026.11 (prod)');
});
