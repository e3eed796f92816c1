'use strict';
// Error construction in Node's style (TypeError + ERR_INVALID_ARG_TYPE,
// RangeError + ERR_OUT_OF_RANGE, system errors with code/errno/syscall) and
// the argument validators every public function uses before crossing into C.

const { inspect } = require('util');

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

function abortError(reason) {
  const err = new Error('The operation was aborted', reason === undefined ? undefined : { cause: reason });
  err.name = 'AbortError';
  err.code = 'ABORT_ERR';
  return err;
}

// --- validators ----------------------------------------------------------

function validateInteger(value, name, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

function validateString(value, name, { maxLength = 32767, allowEmpty = false } = {}) {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  if (!allowEmpty && value.length === 0) throw invalidArgValue(name, value, 'must be a non-empty string');
  if (value.length > maxLength) throw outOfRange(`${name}.length`, `<= ${maxLength}`, value.length);
  if (value.includes('\0')) throw invalidArgValue(name, value, 'must be a string without null bytes');
  return value;
}

function validateBoolean(value, name) {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

function validateFunction(value, name) {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value;
}

// Plain options objects: undefined means {}; arrays, null and functions are
// rejected.
function validateOptions(value, name = 'options') {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value;
}

function validateAbortSignal(signal, name = 'options.signal') {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal) ||
      typeof signal.addEventListener !== 'function') {
    throw invalidArgType(name, 'an instance of AbortSignal', signal);
  }
  return signal;
}

const PID_MAX = 0xffffffff;

function validatePid(value, name = 'pid') {
  return validateInteger(value, name, 1, PID_MAX);
}

module.exports = {
  invalidArgType,
  invalidArgValue,
  outOfRange,
  systemError,
  abortError,
  codedError,
  validateInteger,
  validateString,
  validateBoolean,
  validateFunction,
  validateOptions,
  validateAbortSignal,
  validatePid,
  PID_MAX,
};

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

module.exports.isBackendError = isBackendError;
