'use strict';
// Splits a byte stream into whole lines and keeps the last few of them: a
// backend's stdout and stderr (so that an error about a backend that died or
// never became ready can quote what it said), and the supervisor's control
// lines (lib/tree/supervisor-posix.js).

const { StringDecoder } = require('string_decoder');

// A line longer than this is cut into pieces: a backend that writes megabytes
// without a newline must not grow a buffer without bound.
const MAX_LINE = 64 * 1024;

class LineSplitter {
  // keep: how many last lines tail() returns; maxLine: where a line without
  // a newline is cut (Infinity: never, for a protocol whose lines are whole).
  constructor(onLine, { keep = 20, maxLine = MAX_LINE } = {}) {
    this._onLine = onLine;
    this._maxLine = maxLine;
    this._decoder = new StringDecoder('utf8');
    this._partial = '';
    this._keep = keep;
    this._tail = [];
  }

  write(chunk) {
    let text = this._partial + (typeof chunk === 'string' ? chunk : this._decoder.write(chunk));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) break;
      this._line(text.slice(start, nl));
      start = nl + 1;
    }
    text = text.slice(start);
    while (text.length > this._maxLine) {
      this._line(text.slice(0, this._maxLine));
      text = text.slice(this._maxLine);
    }
    this._partial = text;
  }

  // The stream ended: what is left is the last line, even without a newline.
  end() {
    const rest = this._partial + this._decoder.end();
    this._partial = '';
    if (rest.length > 0) this._line(rest);
  }

  // The last lines seen, oldest first.
  tail() {
    return this._tail.slice();
  }

  _line(raw) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    this._tail.push(line);
    if (this._tail.length > this._keep) this._tail.shift();
    this._onLine(line);
  }
}

module.exports = { LineSplitter, MAX_LINE };
