'use strict';
// Validates and normalises the options of `new Backend(options)` up front, so
// that every mistake surfaces in the constructor with a Node-style error that
// names the option, never later in the middle of a start.

const net = require('net');
const path = require('path');
const { invalidArgType, invalidArgValue, outOfRange } = require('../errors');
const {
  validateInteger, validateString, validateBoolean, validateObject, validateOptions, validateKeys,
  validatePort, validateEnv, validateLogger,
} = require('../validate');
const { normalizeObserve } = require('./observe');
const { normalizeStdout } = require('./readiness-output');

const MAX_TIMEOUT = 2 ** 31 - 1; // what setTimeout accepts
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HTTP_METHOD = /^[A-Z]+$/;
const OPTIONS = new Set([
  'command', 'args', 'cwd', 'env', 'name', 'host', 'port', 'portEnv', 'readiness', 'timeoutMs',
  'shutdown', 'stopTimeoutMs', 'killTimeoutMs', 'hostDeathGraceMs', 'restart', 'pidFile', 'stopOnExit', 'logger',
  'health', 'logs', 'limits',
]);

const RESTART_DEFAULTS = Object.freeze({ maxRestarts: 3, windowMs: 60000, backoffMs: 1000, maxBackoffMs: 30000 });

// Absolute on this platform, or absolute in Windows form on Windows.
function isAbsolute(p) {
  return process.platform === 'win32' ? path.win32.isAbsolute(p) && /^([A-Za-z]:[\\/]|[\\/]{2})/.test(p) : path.isAbsolute(p);
}

function timeout(value, name, fallback) {
  if (value === undefined) return fallback;
  return validateInteger(value, name, 0, MAX_TIMEOUT);
}

function normalizePort(value) {
  if (value === false) return false;
  if (value === undefined || value === null) return { preferred: 0, range: undefined };
  if (typeof value === 'number') return { preferred: validatePort(value, 'options.port', 0), range: undefined };
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgType('options.port', 'a number, false or an object { preferred, range }', value);
  }
  validateKeys(value, ['preferred', 'range'], 'options.port');
  const preferred = value.preferred === undefined ? 0 : validatePort(value.preferred, 'options.port.preferred', 0);
  let range;
  if (value.range !== undefined) {
    if (!Array.isArray(value.range) || value.range.length !== 2) {
      throw invalidArgType('options.port.range', 'an array [min, max]', value.range);
    }
    const min = validatePort(value.range[0], 'options.port.range[0]');
    const max = validatePort(value.range[1], 'options.port.range[1]');
    if (min > max) throw outOfRange('options.port.range[1]', `>= ${min} (range[0])`, max);
    if (preferred !== 0 && (preferred < min || preferred > max)) {
      throw outOfRange('options.port.preferred', `within options.port.range [${min}, ${max}]`, preferred);
    }
    range = [min, max];
  }
  return { preferred, range };
}

function normalizeReadiness(value, portSpec, defaultTimeout) {
  if (value === undefined) {
    return portSpec === false ? false : { tcp: true, path: undefined, stdout: null, timeoutMs: defaultTimeout };
  }
  if (value === false) return false;
  validateObject(value, 'options.readiness');
  validateKeys(value, ['path', 'tcp', 'timeoutMs', 'stdout'], 'options.readiness');
  const timeoutMs = timeout(value.timeoutMs, 'options.readiness.timeoutMs', defaultTimeout);
  const stdout = normalizeStdout(value.stdout);
  if (value.path !== undefined) {
    validateString(value.path, 'options.readiness.path', { maxLength: 2048 });
    if (!value.path.startsWith('/')) throw invalidArgValue('options.readiness.path', value.path, "must start with '/'");
    if (value.tcp !== undefined) validateBoolean(value.tcp, 'options.readiness.tcp');
  } else if (value.tcp !== true && !(stdout && !value.tcp)) {
    throw invalidArgValue('options.readiness', value, 'must be { path }, { tcp: true }, { stdout: RegExp } (alone or with path/tcp) or false');
  }
  const probesPort = value.path !== undefined || value.tcp === true;
  if (portSpec === false && probesPort) {
    throw invalidArgValue('options.readiness', value, 'needs a port; with options.port false, readiness must be false or { stdout }');
  }
  return { tcp: probesPort, path: value.path, stdout, timeoutMs };
}

function normalizeShutdown(value) {
  if (value === undefined || value === false) return false;
  validateObject(value, 'options.shutdown');
  validateKeys(value, ['path', 'method', 'timeoutMs'], 'options.shutdown');
  validateString(value.path, 'options.shutdown.path', { maxLength: 2048 });
  if (!value.path.startsWith('/')) throw invalidArgValue('options.shutdown.path', value.path, "must start with '/'");
  const method = value.method === undefined ? 'POST' : validateString(value.method, 'options.shutdown.method', { maxLength: 32 });
  if (!HTTP_METHOD.test(method)) throw invalidArgValue('options.shutdown.method', method, 'must be an upper-case HTTP method');
  return { path: value.path, method, timeoutMs: timeout(value.timeoutMs, 'options.shutdown.timeoutMs', 5000) };
}

function normalizeRestart(value) {
  if (value === false) return false;
  if (value === undefined || value === true) return { ...RESTART_DEFAULTS };
  validateObject(value, 'options.restart');
  validateKeys(value, Object.keys(RESTART_DEFAULTS), 'options.restart');
  const out = { ...RESTART_DEFAULTS };
  if (value.maxRestarts !== undefined) out.maxRestarts = validateInteger(value.maxRestarts, 'options.restart.maxRestarts', 0, 1000);
  out.windowMs = timeout(value.windowMs, 'options.restart.windowMs', out.windowMs);
  out.backoffMs = timeout(value.backoffMs, 'options.restart.backoffMs', out.backoffMs);
  out.maxBackoffMs = timeout(value.maxBackoffMs, 'options.restart.maxBackoffMs', Math.max(out.maxBackoffMs, out.backoffMs));
  if (out.maxBackoffMs < out.backoffMs) {
    throw outOfRange('options.restart.maxBackoffMs', `>= options.restart.backoffMs (${out.backoffMs})`, out.maxBackoffMs);
  }
  return out;
}

// → a frozen, complete configuration.
function normalizeOptions(options) {
  if (options === undefined) throw invalidArgType('options', 'of type object', options);
  validateKeys(validateOptions(options), OPTIONS);

  const command = validateString(options.command, 'options.command', { maxLength: 32767 });
  // An absolute path, or a bare name that spawnTree looks up on PATH
  // (lib/tree/command.js; PATHEXT and .cmd files on Windows).
  if (!isAbsolute(command) && /[\\/]/.test(command)) {
    throw invalidArgValue('options.command', command,
      'must be an absolute path or a bare name looked up on PATH (resolve a relative path first, e.g. path.join(process.resourcesPath, \'backend\', \'server\'))');
  }

  let args = [];
  if (options.args !== undefined) {
    if (!Array.isArray(options.args)) throw invalidArgType('options.args', 'an instance of Array', options.args);
    args = options.args.map((a, i) => validateString(a, `options.args[${i}]`, { allowEmpty: true }));
  }

  const cwd = options.cwd === undefined ? undefined : validateString(options.cwd, 'options.cwd');
  const name = options.name === undefined
    ? path.basename(command).replace(/\.(exe|cmd|bat|com)$/i, '')
    : validateString(options.name, 'options.name', { maxLength: 256 });

  const host = options.host === undefined ? '127.0.0.1' : validateString(options.host, 'options.host', { maxLength: 64 });
  if (net.isIP(host) === 0) {
    throw invalidArgValue('options.host', host, "must be an IP address such as '127.0.0.1' or '::1' ('localhost' may resolve to either)");
  }

  const portSpec = normalizePort(options.port);
  let portEnv = 'PORT';
  if (options.portEnv === false || options.portEnv === null) portEnv = false;
  else if (options.portEnv !== undefined) {
    validateString(options.portEnv, 'options.portEnv', { maxLength: 256 });
    if (!ENV_NAME.test(options.portEnv)) throw invalidArgValue('options.portEnv', options.portEnv, 'must be an environment variable name');
    portEnv = options.portEnv;
  }

  const timeoutMs = timeout(options.timeoutMs, 'options.timeoutMs', 30000);
  const readiness = normalizeReadiness(options.readiness, portSpec, timeoutMs);
  const shutdown = normalizeShutdown(options.shutdown);
  if (shutdown && portSpec === false) {
    throw invalidArgValue('options.shutdown', options.shutdown, 'needs a port; with options.port false, shutdown must be false');
  }

  let pidFile;
  if (options.pidFile !== undefined) pidFile = path.resolve(validateString(options.pidFile, 'options.pidFile'));

  return Object.freeze({
    command,
    args: Object.freeze(args),
    cwd,
    env: Object.freeze(options.env === undefined ? {} : validateEnv(options.env)),
    name,
    host,
    port: portSpec,
    portEnv,
    readiness,
    timeoutMs,
    shutdown,
    stopTimeoutMs: timeout(options.stopTimeoutMs, 'options.stopTimeoutMs', 10000),
    killTimeoutMs: timeout(options.killTimeoutMs, 'options.killTimeoutMs', 5000),
    // G2: after host death the polite signal gets at most this long (< 1 s).
    hostDeathGraceMs: options.hostDeathGraceMs === undefined ? 500 : validateInteger(options.hostDeathGraceMs, 'options.hostDeathGraceMs', 0, 999),
    restart: normalizeRestart(options.restart),
    pidFile,
    stopOnExit: options.stopOnExit === undefined ? true : validateBoolean(options.stopOnExit, 'options.stopOnExit'),
    logger: validateLogger(options.logger),
    ...normalizeObserve(options, portSpec !== false),
  });
}

module.exports = { normalizeOptions };
