'use strict';
// Whose listener answers a Backend's port: a process of the backend's own
// tree, another process, or one the OS does not name. Readiness is only
// reached through the first (./readiness.js); a backend that exits before
// it is ready because the port is taken fails with EADDRINUSE naming the
// holder.

const net = require('net');

const { codedError, uvErrno } = require('../errors');
const { portOwner } = require('../ports');
const { processInfo } = require('../tree');

// Parents walked up from a listener at most.
const MAX_DEPTH = 64;

// What a backend says when its port is taken: Node, Python, Go, .NET, Java,
// Rust, redis ("Address already in use"), gunicorn ("Connection in use"),
// Windows (WSAEADDRINUSE, 10048: "Only one usage of each socket address").
const IN_USE_TEXT = /EADDRINUSE|address already in use|address in use|connection in use|only one usage of each socket address|\b10048\b/i;

// Whether pid is a process of run's tree: the root, or a descendant of the
// root or (Linux, macOS) of the supervisor — on Linux a child subreaper, so
// a descendant that daemonized is still there. Walked up through parents
// (cheap: one process read each, no listing of every process); a parent
// born after its child is a reused pid, and ends the walk. The root's pid
// counts while the root lives, and on Windows always (the root's handle is
// kept open, so its pid is not reused).
async function inTree(run, pid) {
  const tops = new Set();
  if (run.pid && (!run.exitInfo || process.platform === 'win32')) tops.add(run.pid);
  if (run.proc && run.proc.supervisorPid) tops.add(run.proc.supervisorPid);
  let current = pid;
  let child = null;
  for (let depth = 0; depth < MAX_DEPTH && current > 0; depth++) {
    if (tops.has(current)) return true;
    let info;
    try {
      info = await processInfo(current);
    } catch {
      return false; // gone
    }
    if (child && info.startTime > child.startTime) return false;
    if (info.ppid === current) return false;
    child = info;
    current = info.ppid;
  }
  return false;
}

// Whether this system names the owner of a TCP listener: asked once per
// process (JS realm), about a listener of our own on an ephemeral port. Wine
// answers pid 0 for every TCP listener (its only descriptor lives in
// wineserver), and asking takes seconds there, so on such a system no owner
// is asked for again: readiness goes by the port answering while the root
// lives, as it did before owners were checked. Started early (choosePort),
// so it runs while the backend spawns.
let named = null;
function ownerNamed() {
  if (!named) {
    named = new Promise((resolve) => {
      const server = net.createServer();
      server.unref();
      server.once('error', () => resolve(false));
      server.listen(0, '127.0.0.1', () => {
        portOwner(server.address().port, { host: '127.0.0.1', protocol: 'tcp' })
          .then((o) => Boolean(o && o.pid === process.pid), () => false)
          .then((yes) => server.close(() => resolve(yes)));
      });
    });
  }
  return named;
}

// { ours, owner }: ours is true when the TCP listener on run.port (for
// host) is a process of run's tree, false when it is another process (owner
// says which), null when the OS does not name the owner (no socket found,
// another user's process, or Wine, whose TCP table reports pid 0 for every
// listener): then nothing can be checked, and the caller goes by the port
// answering and the root being alive.
async function listenerOf(run, host) {
  if (!(await ownerNamed())) return { ours: null, owner: null };
  const owner = await portOwner(run.port, { host, protocol: 'tcp' }).catch(() => null);
  if (!owner || !owner.pid) return { ours: null, owner };
  return { ours: await inTree(run, owner.pid), owner };
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

// A pinned port (range [p, p]) another process holds before the spawn:
// EADDRINUSE naming the holder (null when the OS does not say, or when it is
// another Backend of this process: ours).
function pinnedPortTaken(o, port, owner, ours) {
  const who = ours ? 'another Backend of this process' : describeHolder(owner);
  const err = codedError(Error, 'EADDRINUSE',
    `EADDRINUSE: backend "${o.name}" was not started: its pinned port ${port} on ${o.host} is in use by ${who}`);
  err.errno = uvErrno('EADDRINUSE');
  err.syscall = 'listen';
  err.address = o.host;
  err.port = port;
  err.holder = owner && owner.pid ? { pid: owner.pid, name: owner.name } : null;
  return err;
}

// Whether a start whose backend lost the port the library chose for it
// (err: addressInUse's EADDRINUSE, for that port) may try another one: not
// when the app pins the port (range [p, p]), nor when the backend chose its
// own (chosen is then 0 or null, not choosePort's hold).
function mayTryAnotherPort(o, chosen, err) {
  if (!chosen || typeof chosen !== 'object' || !err) return false;
  if (err.code !== 'EADDRINUSE' || err.syscall !== 'listen' || err.port !== chosen.port) return false;
  const { range } = o.port;
  return !(range && range[0] === range[1]);
}

module.exports = { listenerOf, describeHolder, addressInUse, inTree, ownerNamed, mayTryAnotherPort, pinnedPortTaken };
