import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stripControlSequences, terminalSafe } from '../../src/render/sanitize.js';

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

describe('terminalSafe: the one sanitiser for text printed on stderr', () => {
  test('removes an OSC-8 hyperlink, a screen clear, the C1 CSI and bidi overrides', () => {
    // GIVEN a region name as a hostile DescribeRegions answer could send it
    const hostile = '\x1b]8;;https://evil.example\x07eu-west-1\x1b]8;;\x07\x1b[2J\x9b2J\u202egnp.exe\u2066x\u2069';
    // WHEN it is made safe THEN only the visible text is left
    assert.equal(terminalSafe(hostile), 'eu-west-1gnp.exex');
  });

  test('keeps a message on one line: a line break cannot forge another line', () => {
    assert.equal(terminalSafe('bad region\nami-audit: scan complete'), 'bad region ami-audit: scan complete');
  });

  test('keeps the lines of a --debug stack when asked, each one stripped', () => {
    assert.equal(terminalSafe('Error: x\x1b[31m\n    at f (file.js:1:2)', { keepLineBreaks: true }), 'Error: x\n    at f (file.js:1:2)');
  });

  test('redacts credentials, also when an escape sequence is glued to them', () => {
    assert.equal(terminalSafe('key \x1b[AAKIAIOSFODNN7EXAMPLE'), 'key AKIA***');
    assert.equal(terminalSafe('key AKIAIOSFO\x9b0mDNN7EXAMPLE'), 'key AKIA***');
    assert.equal(terminalSafe('x-amz-security-token: \u202eFQoGZXIvYXdzEJr//////////wEaDEXAMPLE'), 'x-amz-security-token: ***');
  });
});
