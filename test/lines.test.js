'use strict';
// Line splitting of backend output (lib/lines.js).

const assert = require('assert');
const { LineSplitter, MAX_LINE } = require('../lib/lines');

describe('LineSplitter', function () {
  function split(chunks, options) {
    const lines = [];
    const s = new LineSplitter((l) => lines.push(l), options);
    for (const c of chunks) s.write(c);
    s.end();
    return { lines, tail: s.tail() };
  }

  it('yields whole lines across chunks, without \\n or \\r\\n', function () {
    const { lines } = split([Buffer.from('one\r\ntw'), Buffer.from('o\nthr'), Buffer.from('ee\n\nlast')]);
    assert.deepStrictEqual(lines, ['one', 'two', 'three', '', 'last']);
  });

  it('keeps a multi-byte character split between chunks intact', function () {
    const euro = Buffer.from('€ ok\n');
    const { lines } = split([euro.subarray(0, 1), euro.subarray(1, 2), euro.subarray(2)]);
    assert.deepStrictEqual(lines, ['€ ok']);
  });

  it('cuts a line longer than the limit instead of buffering it without bound', function () {
    const { lines } = split([Buffer.alloc(MAX_LINE * 2 + 10, 'x'), Buffer.from('\n')]);
    assert.deepStrictEqual(lines.map((l) => l.length), [MAX_LINE, MAX_LINE, 10]);
  });

  it('keeps the last N lines, oldest first', function () {
    const { tail } = split([Buffer.from('1\n2\n3\n4\n5\n')], { keep: 3 });
    assert.deepStrictEqual(tail, ['3', '4', '5']);
  });
});
