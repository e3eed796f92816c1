// @ts-check
'use strict';
// Windows Firewall verdicts: argument checks and the three entry points
// (checkFirewall, firewallRule, firewallCommand). The policy is read
// natively (binding/firewall/firewall_win.c, off the JS thread) and judged by
// the C matcher (binding/firewall/firewall_match.c); ./status.js words the
// result and ./command.js builds the netsh line. Nothing here runs a
// program, and nothing is guessed: when the policy cannot be read the state
// is 'unknown' and the message says so.

const net = require('net');
const { binding } = require('../native');
const { codedError } = require('../errors');
const {
  validateObject, validateOptions, validatePort, validateProtocol, validateString,
} = require('../validate');
const { firewallCommand, validateProgram } = require('./command');
const {
  statusFromVerdict, unknownStatus, notApplicableStatus, loopbackMessage, formatRule,
} = require('./status');

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6'); // IPv4-mapped ::ffff:127.x match the IPv4 subnet

// Whether a listen address is loopback only. Names other than "localhost"
// are not resolved: they count as reachable from the network.
function isLoopbackHost(host) {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h === 'localhost.') return true;
  const zone = h.indexOf('%');
  if (zone > 0) h = h.slice(0, zone);
  const kind = net.isIP(h);
  return kind !== 0 && loopback.check(h, kind === 4 ? 'ipv4' : 'ipv6');
}

// { program, port, protocol, host } → the checked query. windowsPaths: the
// program is judged by Windows rules (the Windows lane, synthetic verdicts).
function validateCheck(options, windowsPaths) {
  const o = validateOptions(options);
  const q = { program: undefined, port: undefined, protocol: 'tcp', host: '127.0.0.1' };
  if (o.program !== undefined) q.program = validateProgram(o.program, 'options.program', windowsPaths);
  if (o.port !== undefined) q.port = validatePort(o.port, 'options.port');
  if (o.protocol !== undefined) q.protocol = validateProtocol(o.protocol, 'options.protocol', { ignoreCase: true });
  if (o.host !== undefined) q.host = validateString(o.host, 'options.host', { maxLength: 255 });
  q.loopback = isLoopbackHost(q.host);
  return q;
}

function nativeQuery(q) {
  return { program: q.program, port: q.port, protocol: q.protocol, loopback: q.loopback };
}

// A native failure (code + syscall), as opposed to a programming error.
/** @param {NodeJS.ErrnoException} err */
function isNativeFailure(err) {
  return err instanceof Error && typeof err.code === 'string' && typeof err.syscall === 'string';
}

// checkFirewall({ program, port, protocol = 'tcp', host = '127.0.0.1' }?)
// → Promise<FirewallStatus>. Never rejects for a firewall that cannot be
// read (state 'unknown'); rejects for bad arguments.
async function checkFirewall(options) {
  const win = process.platform === 'win32';
  const q = validateCheck(options, win);
  if (!win) return notApplicableStatus();
  if (q.loopback) return { compatible: true, state: 'not-applicable', message: loopbackMessage(q), profiles: [], rules: [] };
  let raw;
  try {
    raw = await binding().firewallCheck(nativeQuery(q));
  } catch (err) {
    if (!isNativeFailure(err)) throw err;
    return unknownStatus(q, err);
  }
  return statusFromVerdict(raw, q);
}

// The verdict for a given policy instead of the machine's (tests, and apps
// that want to explain a policy exported from another machine). Same status
// as checkFirewall; policy in the binding's numeric NET_FW_* form.
function evaluateFirewall(policy, options, env) {
  const q = validateCheck(options, true);
  return statusFromVerdict(binding().firewallVerdict(policy, nativeQuery(q), env), q);
}

// firewallRule({ name } | { program }) → Promise<{ exists, details? }>: the
// rules (either direction) with that name and/or for that program. Rejects
// with the system error when the policy cannot be read.
async function firewallRule(options) {
  validateObject(options, 'options');
  const win = process.platform === 'win32';
  const filter = { name: undefined, program: undefined };
  if (options.name !== undefined) filter.name = validateString(options.name, 'options.name');
  if (options.program !== undefined) filter.program = validateProgram(options.program, 'options.program', win);
  if (filter.name === undefined && filter.program === undefined) {
    throw codedError(TypeError, 'ERR_MISSING_ARGS', 'The "options.name" or "options.program" argument must be specified');
  }
  if (!win) return { exists: false };
  const raw = await binding().firewallRules(filter);
  const result = { exists: raw.rules.length > 0 };
  if (result.exists) result.details = raw.rules.map((r) => formatRule(r, false));
  if (raw.skipped > 0) result.skipped = raw.skipped;
  return result;
}

module.exports = {
  checkFirewall,
  firewallRule,
  firewallCommand,
  evaluateFirewall,
  isLoopbackHost,
};
