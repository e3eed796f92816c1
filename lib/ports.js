// @ts-check
'use strict';
// Ports: free-port search, in-use probe, readiness wait and port owner.
// Argument checks, host resolution and the walk over a range live here; the
// OS is asked natively (binding/ports/): a bind probe with the socket
// options a backend's server uses, a waiter thread that connects every few
// milliseconds, and the owner lookup (sock_diag + /proc, iphlpapi, libproc).

const dns = require('dns');
const net = require('net');
const { binding } = require('./native');
const { onAbort } = require('./abort');
const {
  invalidArgType, outOfRange, systemError, uvErrno, abortError,
} = require('./errors');
const {
  validateInteger, validateString, validateOptions, validateAbortSignal, validatePid, validatePort,
  validateProtocol,
} = require('./validate');

// probeBind's answers besides a port number.
const IN_USE = -1;
const BLOCKED = -2; // EACCES: privileged, or a Windows excluded port range
const UNAVAILABLE = -3; // no such address (or family) on this machine

// A range walk yields to the event loop after this many probes (~10 µs each).
const PROBES_PER_TURN = 64;
// Attempts at an OS-assigned port that is free on every address and not
// excluded.
const OS_PORT_ATTEMPTS = 32;
// The waiter takes at most this many addresses (ports.h BW_WAIT_MAX_ADDRS).
const MAX_ADDRESSES = 16;

function validateHost(value, name) {
  return validateString(value, name, { maxLength: 255 });
}

function validateRange(value, name = 'options.range') {
  if (!Array.isArray(value)) throw invalidArgType(name, 'an instance of Array', value);
  if (value.length !== 2) throw outOfRange(`${name}.length`, '2 ([min, max])', value.length);
  const min = validatePort(value[0], `${name}[0]`);
  const max = validatePort(value[1], `${name}[1]`);
  if (min > max) throw outOfRange(name, `[min, max] with min <= max`, value);
  return [min, max];
}

function validateExclude(value, name = 'options.exclude') {
  if (!Array.isArray(value)) throw invalidArgType(name, 'an instance of Array', value);
  const set = new Set();
  value.forEach((p, i) => set.add(validatePort(p, `${name}[${i}]`, 0)));
  return set;
}

function validateTimeout(value, name = 'options.timeoutMs') {
  if (value === Infinity) return -1;
  return validateInteger(value, name, 0);
}

// The addresses a host stands for, each { address, optional }. 'localhost'
// is both loopbacks (Node 17+ resolves it to ::1 first, so a backend bound
// to 127.0.0.1 alone is a classic "up but unreachable"); ::1 is optional
// because some machines have no IPv6 loopback. A name is resolved with
// dns.lookup, as Node's listen() does; its addresses are optional, but at
// least one must exist here. Synchronous for literals (the common case).
function literalAddresses(host) {
  if (host === 'localhost') return [{ address: '127.0.0.1', optional: false }, { address: '::1', optional: true }];
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (net.isIP(bare)) return [{ address: bare, optional: false }];
  return null;
}

async function resolveHost(host) {
  const literal = literalAddresses(host);
  if (literal) return literal;
  const found = await dns.promises.lookup(host, { all: true, verbatim: true });
  const unique = [...new Set(found.map((a) => a.address))].slice(0, MAX_ADDRESSES);
  return unique.map((address) => ({ address, optional: true }));
}

// Probes port on every address the way the backend will bind it. Returns
// the port (the OS's choice for 0, then probed on the other addresses),
// IN_USE or BLOCKED; throws what the OS said when no address exists here.
function probeAll(addrs, port) {
  const b = binding();
  let bound = port;
  let available = 0;
  for (const a of addrs) {
    const r = b.probeBind(a.address, bound, a.optional);
    if (r === UNAVAILABLE) continue;
    if (r < 0) return r;
    available++;
    bound = r;
  }
  if (available === 0) return b.probeBind(addrs[0].address, bound, false);
  return bound;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

// The first port in min..max that probe(port) answers with a port number
// (not IN_USE, not BLOCKED), or 0. Every port is probed: a blocked port
// (EACCES: privileged, a Windows excluded port range) says nothing about its
// neighbours, and excluded ranges may leave a single free port between two
// blocks, so nothing is leapt over. Yields to the event loop every
// PROBES_PER_TURN probes (~10 µs each).
async function scanRange(probe, min, max, exclude) {
  let probes = 0;
  for (let p = min; p <= max; p++) {
    if (exclude.has(p)) continue;
    const r = probe(p);
    if (r > 0) return r;
    if (++probes % PROBES_PER_TURN === 0) await turn();
  }
  return 0;
}

// --- in-process reservations (get-port's lock) --------------------------------
// A port handed out here is skipped by every later search in this process
// (this JS realm: a worker thread has its own), so two searches — two
// findFreePort calls racing, two Backends with one preferred port — never
// get the same port: for RECENT_MS once findFreePort returned it (its caller
// is about to bind it), and for as long as a hold lasts (holdFreePort: a
// Backend's, released once its backend listens or fails). A port is claimed
// in the same synchronous step as the probe that found it free. Another
// process can still take it before it is bound; the Backend's readiness
// catches that (the listener must belong to its tree).
const RECENT_MS = 15000;
const recent = new Map(); // port → when findFreePort's lock ends (ms)
const holds = new Map(); // port → number of live holds

function recentlyGiven(port, now = Date.now()) {
  const until = recent.get(port);
  if (until === undefined) return false;
  if (until > now) return true;
  recent.delete(port);
  return false;
}

function lockRecent(port) {
  const now = Date.now();
  if (recent.size >= 256) for (const p of [...recent.keys()]) recentlyGiven(p, now);
  recent.set(port, now + RECENT_MS);
}

function addHold(port) {
  holds.set(port, (holds.get(port) || 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = holds.get(port) - 1;
    if (n > 0) holds.set(port, n);
    else holds.delete(port);
  };
}

function osAssigned(addrs, skip, claim) {
  for (let i = 0; i < OS_PORT_ATTEMPTS; i++) {
    const r = probeAll(addrs, 0);
    if (r > 0 && !skip(r)) {
      claim(r);
      return r;
    }
  }
  throw systemError('EADDRINUSE', `no port the OS assigned was free on every address of the host after ${OS_PORT_ATTEMPTS} attempts`,
    'bind', { errno: uvErrno('EADDRINUSE') });
}

// The search both findFreePort and holdFreePort make: the preferred port if
// it is free and not reserved, else the first such port in range, else one
// the OS assigns. claim(port) runs synchronously with the probe that found
// it. mayReuse: a port whose findFreePort lock (not a hold) does not count.
async function search(options, claim, mayReuse) {
  const opts = validateOptions(options);
  const port = opts.port === undefined ? 0 : validatePort(opts.port, 'options.port', 0);
  const host = opts.host === undefined ? '127.0.0.1' : validateHost(opts.host, 'options.host');
  const range = opts.range === undefined ? null : validateRange(opts.range);
  const exclude = opts.exclude === undefined ? new Set() : validateExclude(opts.exclude);
  const addrs = literalAddresses(host) || (await resolveHost(host));
  const reserved = (q) => holds.has(q) || (q !== mayReuse && recentlyGiven(q));
  const probe = (q) => {
    if (reserved(q)) return IN_USE;
    const r = probeAll(addrs, q);
    if (r > 0) claim(r);
    return r;
  };
  if (port !== 0 && !exclude.has(port)) {
    const r = probe(port);
    if (r > 0) return r;
  }
  if (range) {
    const r = await scanRange(probe, range[0], range[1], exclude);
    if (r > 0) return r;
  }
  return osAssigned(addrs, (q) => exclude.has(q) || reserved(q), claim);
}

// findFreePort({ port, host, range, exclude }) → Promise<number>: the
// preferred port if it is free, else the first free one in range, else one
// the OS assigns. Free means bindable, with the backend's socket options, on
// every address host stands for, and not handed out in this process within
// the last RECENT_MS (nor held by a starting Backend). Another process can
// still take the port before the caller binds it; bind soon.
function findFreePort(options) {
  return search(options, lockRecent, 0);
}

// holdFreePort(options) → Promise<{ port, release(), preferredReserved }>:
// findFreePort's search for a Backend, holding the port until release().
// The preferred port may be one findFreePort just handed out (the app
// passes it on); preferredReserved says another hold had it.
async function holdFreePort(options) {
  let release = null;
  const preferred = options && options.port;
  const port = await search(options, (p) => { release = addHold(p); }, preferred);
  return { port, release, preferredReserved: Boolean(preferred) && holds.has(preferred) && port !== preferred };
}

// isPortFree(port, host = '127.0.0.1') → Promise<boolean>: whether a
// backend could bind port on host now ('localhost': on 127.0.0.1 and ::1).
// A port the OS refuses (EACCES: privileged, excluded range) is not free.
async function isPortFree(port, host) {
  validatePort(port, 'port');
  const h = host === undefined ? '127.0.0.1' : validateHost(host, 'host');
  const addrs = literalAddresses(h) || (await resolveHost(h));
  return probeAll(addrs, port) > 0;
}

// waitForPort(port, { host, timeoutMs = 30000, signal, pid }) → Promise<void>:
// resolves once a TCP connect to port succeeds (on 127.0.0.1 or ::1 for
// 'localhost'). Rejects with ETIMEDOUT after timeoutMs (Infinity: never),
// with an AbortError on signal, and, given pid, with ESRCH as soon as that
// process is gone (a listener seen after it died is not its). A native
// thread connects every few ms and sleeps in between on the process's exit.
async function waitForPort(port, options) {
  validatePort(port, 'port');
  const opts = validateOptions(options);
  const host = opts.host === undefined ? '127.0.0.1' : validateHost(opts.host, 'options.host');
  const timeout = opts.timeoutMs === undefined ? 30000 : validateTimeout(opts.timeoutMs);
  const signal = validateAbortSignal(opts.signal);
  const pid = opts.pid === undefined ? 0 : validatePid(opts.pid, 'options.pid');
  if (signal && signal.aborted) throw abortError(signal.reason);
  const started = Date.now();
  const addrs = literalAddresses(host) || (await resolveHost(host));
  if (signal && signal.aborted) throw abortError(signal.reason);
  const left = timeout < 0 ? -1 : Math.max(0, timeout - (Date.now() - started));
  return new Promise((resolve, reject) => {
    let off = () => {};
    const handle = binding().waitPort(addrs.map((a) => a.address), port, left, pid, (err) => {
      off();
      if (err) reject(err);
      else resolve();
    });
    if (signal) {
      off = onAbort(signal, () => {
        binding().waitPortCancel(handle);
        reject(abortError(signal.reason));
      });
    }
  });
}

// portOwner(port, { host, protocol = 'tcp' }) → Promise<{ pid, name,
// address, state } | null>: the process holding a socket on port (TCP: the
// listener first), or null. With host, only sockets serving that host count
// (its addresses or a wildcard). pid and name are null when the socket's
// owner may not be inspected (another user's process, TIME_WAIT leftovers).
async function portOwner(port, options) {
  validatePort(port, 'port');
  const opts = validateOptions(options);
  const protocol = opts.protocol === undefined ? 'tcp' : validateProtocol(opts.protocol, 'options.protocol');
  let filter;
  if (opts.host !== undefined) {
    const h = validateHost(opts.host, 'options.host');
    filter = (literalAddresses(h) || (await resolveHost(h))).map((a) => a.address);
  }
  return binding().portOwner(port, protocol, filter);
}

module.exports = {
  findFreePort,
  holdFreePort,
  isPortFree,
  waitForPort,
  portOwner,
  // For tests only.
  _internal: { scanRange, BLOCKED, IN_USE, UNAVAILABLE, RECENT_MS },
};
