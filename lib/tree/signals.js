'use strict';
// Signal names and numbers, and errno numbers to Node-style codes.

const os = require('os');
const { invalidArgValue, invalidArgType } = require('../errors');

const { signals, errno: errnos } = os.constants;

// 'SIGTERM' or a number → the signal number of this platform.
function signalNumber(signal, name = 'options.signal') {
  if (typeof signal === 'number') {
    if (Number.isInteger(signal) && Object.values(signals).includes(signal) && signal !== 0) return signal;
    throw invalidArgValue(name, signal, 'must be a known signal');
  }
  if (typeof signal !== 'string') throw invalidArgType(name, 'of type string or number', signal);
  const n = signals[signal];
  if (n === undefined) throw invalidArgValue(name, signal, 'must be a known signal name such as SIGTERM');
  return n;
}

function signalName(n) {
  for (const [name, value] of Object.entries(signals)) if (value === n) return name;
  return null;
}

function errnoCode(n) {
  for (const [name, value] of Object.entries(errnos)) if (value === n) return name;
  return 'UNKNOWN';
}

module.exports = { signalNumber, signalName, errnoCode };
