'use strict';
// Whose listener answers a Backend's port: a process of the backend's own
// tree, another process, or one the OS does not name. Readiness is only
// reached through the first (./readiness.js); a backend that exits before
// it is ready because the port is taken fails with EADDRINUSE naming the
// holder.

const { codedError, uvErrno } = require('../errors');
const { portOwner } = require('../ports');
const { listTree } = require('../tree');

// What a backend says when its port is taken: Node, Python, Go, .NET, Java,
// Rust, redis ("Address already in use"), gunicorn ("Connection in use"),
// Windows (WSAEADDRINUSE, 10048: "Only one usage of each socket address").
const IN_USE_TEXT = /EADDRINUSE|address already in use|address in use|connection in use|only one usage of each socket address|\b10048\b/i;

// The pids of run's tree now. Linux and macOS: everything under the
// supervisor (on Linux a child subreaper, so a descendant that daemonized
// is still there). Windows: the root and its descendants.
async function treePids(run) {
  const sup = run.proc && run.proc.supervisorPid;
  let list = [];
  if (sup) list = await listTree(sup).catch(() => []);
  else if (run.pid) list = await listTree(run.pid, { startTime: run.startTime }).catch(() => []);
  const pids = new Set(list.map((p) => p.pid));
  if (run.pid && !run.exitInfo) pids.add(run.pid);
  return pids;
}

// { ours, owner }: ours is true when the TCP listener on run.port (for
// host) is a process of run's tree, false when it is another process (owner
// says which), null when the OS does not name the owner (no socket found,
// another user's process, or Wine, whose TCP table reports pid 0 for every
// listener): then nothing can be checked, and the caller goes by the port
// answering and the root being alive.
async function listenerOf(run, host) {
  const owner = await portOwner(run.port, { host, protocol: 'tcp' }).catch(() => null);
  if (!owner || !owner.pid) return { ours: null, owner };
  return { ours: (await treePids(run)).has(owner.pid), owner };
}

// "node (pid 1234)", for messages.
function describeHolder(owner) {
  if (owner && owner.pid) return `${owner.name || 'a process'} (pid ${owner.pid})`;
  if (owner) return 'a process the system does not name (another user\'s, or hidden by the OS)';
  return 'another process';
}

// After a run exited before it was ready: an EADDRINUSE error naming the
// holder when its port is held by a process outside its tree (and the exit
// was a failure, or its output says the address is in use), or when its
// output says so and the holder cannot be named; else null. how: "exited
// with code 1"; tail: its last lines.
async function addressInUse(run, o, exit, how, tail) {
  if (!run.port) return null;
  const said = tail.some((line) => IN_USE_TEXT.test(line));
  const { ours, owner } = await listenerOf(run, o.host);
  const failed = exit.code !== 0 || Boolean(exit.signal);
  const foreign = ours === false && (failed || said);
  if (!foreign && !(said && ours === null)) return null;
  const who = describeHolder(ours === false ? owner : null);
  const err = codedError(Error, 'EADDRINUSE',
    `EADDRINUSE: backend "${o.name}" ${how} before it was ready: port ${run.port} on ${o.host} is in use by ${who}`);
  err.errno = uvErrno('EADDRINUSE');
  err.syscall = 'listen';
  err.address = o.host;
  err.port = run.port;
  err.holder = ours === false ? { pid: owner.pid, name: owner.name } : null;
  return err;
}

module.exports = { listenerOf, describeHolder, addressInUse, treePids };
