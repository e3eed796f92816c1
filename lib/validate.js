'use strict';
// Every argument validator, once: each throws the Node-style error of
// lib/errors.js naming the argument, and returns the checked (sometimes
// normalised) value. Public functions call these before crossing into C.
// (lib/electron/preload.js has its own few checks: it may require nothing.)

const {
  invalidArgType, invalidArgValue, outOfRange,
} = require('./errors');

// The largest PID the binding accepts (BW_PID_MAX in binding/node/napi_util.h).
const PID_MAX = 0xffffffff;

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

// An object that is not null, an array or a function.
function validateObject(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value;
}

// An options object: undefined means {}.
function validateOptions(value, name = 'options') {
  return value === undefined ? {} : validateObject(value, name);
}

// Every own key of obj is one of `allowed` (an array or a Set of names).
function validateKeys(obj, allowed, name = 'options', reason = 'is not a known option') {
  const known = allowed instanceof Set ? allowed : new Set(allowed);
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) throw invalidArgValue(`${name}.${key}`, obj[key], reason);
  }
  return obj;
}

function validateAbortSignal(signal, name = 'options.signal') {
  if (signal === undefined) return undefined;
  if (signal === null || typeof signal !== 'object' || !('aborted' in signal) ||
      typeof signal.addEventListener !== 'function') {
    throw invalidArgType(name, 'an instance of AbortSignal', signal);
  }
  return signal;
}

function validatePid(value, name = 'pid') {
  return validateInteger(value, name, 1, PID_MAX);
}

function validatePort(value, name, min = 1) {
  return validateInteger(value, name, min, 65535);
}

// 'tcp' or 'udp'; with ignoreCase, 'TCP' too (returned in lower case).
function validateProtocol(value, name, { ignoreCase = false } = {}) {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  const p = ignoreCase ? value.toLowerCase() : value;
  if (p !== 'tcp' && p !== 'udp') throw invalidArgValue(name, value, "must be one of: 'tcp', 'udp'");
  return p;
}

// Environment variables { NAME: value }. A name is non-empty, without '=' or
// a null byte; a value is a string (a number or boolean is converted) without
// null bytes. undefined or null stays undefined: "remove this variable".
function validateEnv(value, name = 'options.env') {
  validateObject(value, name);
  const env = {};
  for (const [key, v] of Object.entries(value)) {
    if (key.length === 0 || key.includes('=') || key.includes('\0')) {
      throw invalidArgValue(name, key, 'has a variable name that is empty or contains "=" or a null byte');
    }
    if (v === undefined || v === null) env[key] = undefined;
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      env[key] = validateString(String(v), `${name}.${key}`, { allowEmpty: true });
    } else throw invalidArgType(`${name}.${key}`, 'of type string, number or boolean', v);
  }
  return env;
}

const LOG_LEVELS = Object.freeze(['debug', 'info', 'warn', 'error']);
const noop = () => {};
const SILENT = Object.freeze(Object.fromEntries(LOG_LEVELS.map((level) => [level, noop])));

// A console-like logger → { debug, info, warn, error }, each bound to it. A
// missing level falls back to its log() or to nothing; undefined, null and
// false log nothing.
function validateLogger(value, name = 'options.logger') {
  if (value === undefined || value === null || value === false) return SILENT;
  if (typeof value !== 'object') throw invalidArgType(name, 'a console-like object', value);
  const out = {};
  for (const level of LOG_LEVELS) {
    const fn = value[level];
    if (fn === undefined) out[level] = typeof value.log === 'function' ? value.log.bind(value) : noop;
    else if (typeof fn !== 'function') throw invalidArgType(`${name}.${level}`, 'of type function', fn);
    else out[level] = fn.bind(value);
  }
  return out;
}

module.exports = {
  PID_MAX,
  SILENT,
  validateInteger,
  validateString,
  validateBoolean,
  validateObject,
  validateOptions,
  validateKeys,
  validateAbortSignal,
  validatePid,
  validatePort,
  validateProtocol,
  validateEnv,
  validateLogger,
};
