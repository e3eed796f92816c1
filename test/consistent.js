'use strict';
// assertConsistent(backend): status() is true to reality.
//   running → the root is alive; the URL answers (GET /pid gives a process
//             of the backend's tree when the backend serves /pid, else a TCP
//             connect succeeds); the listener on the port is a process of
//             the tree (portOwner + listTree), where the OS names it (Wine
//             reports pid 0 for every TCP listener: not checkable there).
//   stopped, crashed, idle → no URL, not running, and every process this
//             helper saw in the backend's trees before is gone (within a
//             generous bound: a tree is torn down after the state changed).
//   starting, stopping → in between; only the flags are checked.
// Every process seen in a running tree is remembered per Backend, so a later
// call after a stop, crash or exit checks that exactly those are gone.

const assert = require('assert');
const net = require('net');

const { listTree, portOwner, processInfo } = require('..');
const { isWindows, isWine, waitFor, httpGet, zombie } = require('./helpers');

const seen = new WeakMap(); // Backend → Map pid → startTime, of its trees' processes
const GONE_MS = isWindows ? 20000 : 10000;

// Alive and still the same process (its start time, when known).
async function isAlive(pid, startTime) {
  try {
    const info = await processInfo(pid);
    if (startTime !== undefined && info.startTime !== startTime) return false;
    return !zombie(pid);
  } catch (err) {
    if (err.code === 'ESRCH') return false;
    throw err;
  }
}

function connects(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

// options: { pidPath: false } when the backend does not serve GET /pid (a
// third-party server), host (default 127.0.0.1), label (for messages).
async function assertConsistent(backend, options = {}) {
  const { pidPath = true, host = '127.0.0.1', label = '' } = options;
  const s = backend.status();
  const what = `${label ? `${label}: ` : ''}status() ${JSON.stringify({ state: s.state, pid: s.pid, port: s.port, url: s.url })}`;
  const pids = seenOf(backend);
  assert.strictEqual(s.running, s.state === 'running', `${what}: running matches state`);

  if (s.state === 'running') {
    assert.ok(Number.isInteger(s.pid) && s.pid > 0, `${what}: a pid`);
    assert.ok(await isAlive(s.pid), `${what}: the root (pid ${s.pid}) is alive`);
    const list = await listTree(s.pid);
    const tree = new Set(list.map((p) => p.pid));
    // Nothing of an earlier tree is left beside this one.
    for (const [pid, startTime] of pids) {
      if (!tree.has(pid)) assert.ok(!(await isAlive(pid, startTime)), `${what}: pid ${pid} of an earlier tree is still alive`);
    }
    for (const p of list) pids.set(p.pid, p.startTime);
    if (s.port === null) return s;
    assert.strictEqual(s.url, `http://${host.includes(':') ? `[${host}]` : host}:${s.port}`, `${what}: the URL names the port`);
    if (pidPath) {
      const { status, body } = await httpGet(`${s.url}/pid`);
      assert.strictEqual(status, 200, `${what}: GET /pid answers`);
      assert.ok(tree.has(Number(body)), `${what}: the URL answers from pid ${body}, which is not in the tree [${[...tree]}]`);
    } else {
      assert.ok(await connects(host, s.port), `${what}: the port accepts a connection`);
    }
    const owner = await portOwner(s.port, { host });
    assert.ok(owner, `${what}: portOwner finds the listener`);
    if (!isWine) assert.ok(tree.has(owner.pid), `${what}: the listener's pid ${owner.pid} (${owner.name}) is in the tree [${[...tree]}]`);
    return s;
  }

  assert.strictEqual(s.url, null, `${what}: no URL unless running`);
  if (s.state === 'starting' || s.state === 'stopping') return s;
  // stopped, crashed, idle: nothing of any tree seen before is left.
  const left = async () => {
    const out = [];
    for (const [pid, startTime] of pids) if (await isAlive(pid, startTime)) out.push(pid);
    return out;
  };
  await waitFor(async () => (await left()).length === 0, GONE_MS).catch(async () => {
    assert.fail(`${what}: processes of its trees are still alive: ${(await left()).join(', ')}`);
  });
  return s;
}

// Remembers the processes of a tree the caller knows about (e.g. a daemon
// child whose pid the backend reported), so the next call checks them too.
async function remember(backend, ...pidList) {
  const pids = seenOf(backend);
  for (const pid of pidList) {
    const info = await processInfo(pid).catch(() => null);
    pids.set(pid, info ? info.startTime : undefined);
  }
}

function seenOf(backend) {
  let pids = seen.get(backend);
  if (!pids) seen.set(backend, (pids = new Map()));
  return pids;
}

module.exports = { assertConsistent, remember };
