'use strict';
// Error construction in Node's style (TypeError + ERR_INVALID_ARG_TYPE,
// RangeError + ERR_OUT_OF_RANGE, system errors with code/errno/syscall,
// AbortError). The validators that throw them live in lib/validate.js.

const util = require('util');

const { inspect } = util;

function received(value) {
  if (value == null) return ` Received ${value}`;
  if (typeof value === 'function') return ` Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const ctor = value.constructor && value.constructor.name;
    return ctor ? ` Received an instance of ${ctor}` : ` Received ${inspect(value, { depth: -1 })}`;
  }
  let shown = inspect(value, { colors: false });
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

function codedError(Ctor, code, message) {
  const err = new Ctor(message);
  err.code = code;
  return err;
}

function invalidArgType(name, expected, value) {
  const what = name.includes('.') ? 'property' : 'argument';
  return codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
    `The "${name}" ${what} must be ${expected}.${received(value)}`);
}

function invalidArgValue(name, value, reason = 'is invalid') {
  let shown = inspect(value, { depth: 0, breakLength: Infinity });
  if (shown.length > 128) shown = `${shown.slice(0, 128)}...`;
  const what = name.includes('.') ? 'property' : 'argument';
  return codedError(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${what} '${name}' ${reason}. Received ${shown}`);
}

function outOfRange(name, range, value) {
  return codedError(RangeError, 'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${inspect(value)}`);
}

// A system error shaped like Node's own (fs, net): "CODE: message, syscall".
function systemError(code, message, syscall, extra = {}) {
  const err = new Error(`${code}: ${message}${syscall ? `, ${syscall}` : ''}`);
  err.code = code;
  if (syscall) err.syscall = syscall;
  Object.assign(err, extra);
  return err;
}

// Node's errno for a system error code on this platform (negative libuv
// numbers), or undefined.
function uvErrno(code) {
  for (const [errno, [name]] of util.getSystemErrorMap()) if (name === code) return errno;
  return undefined;
}

function abortError(reason) {
  const err = new Error('The operation was aborted', reason === undefined ? undefined : { cause: reason });
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}

// A plain { code, message } for an error that crosses a boundary (IPC, a
// status object): defaultCode when it has no string code of its own.
function plainError(err, defaultCode) {
  if (err !== null && typeof err === 'object') {
    return {
      code: typeof err.code === 'string' && err.code ? err.code : defaultCode,
      message: typeof err.message === 'string' ? err.message : String(err),
    };
  }
  return { code: defaultCode, message: String(err) };
}

// isBackendError(err, code?): an Error with a string code (every error of
// this library is one), and with `code` when given. The type guard of
// index.d.ts.
function isBackendError(err, code) {
  if (code !== undefined && typeof code !== 'string') throw invalidArgType('code', 'of type string', code);
  if (err === null || typeof err !== 'object') return false;
  if (!(err instanceof Error) && Object.prototype.toString.call(err) !== '[object Error]') return false;
  if (typeof err.code !== 'string' || err.code === '') return false;
  return code === undefined || err.code === code;
}

module.exports = {
  invalidArgType,
  invalidArgValue,
  outOfRange,
  systemError,
  uvErrno,
  abortError,
  codedError,
  plainError,
  isBackendError,
};
