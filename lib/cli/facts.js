'use strict';
// What the command-line tool finds out about processes and ports, as plain
// data (the --json output): a port's owner with its command line and
// tree, a tree with usage, the caller's ancestors (never to be stopped).

const { binding } = require('../native');
const { processInfo } = require('../tree');
const { portOwner } = require('../ports');
const { treeUsage } = require('../usage');

const ANCESTOR_DEPTH = 128;

// The command line of pid as its arguments, natively and off the JS thread
// (binding/usage/cmdline_<os>.c: /proc/<pid>/cmdline, KERN_PROCARGS2,
// ProcessCommandLineInformation), or null when it is gone, may not be read
// or has none.
async function commandLine(pid) {
  try {
    return await binding().processCommandLine(pid);
  } catch (err) {
    if (err.code === 'ESRCH' || err.code === 'EPERM' || err.code === 'EACCES') return null;
    throw err;
  }
}

// treeUsage, or null when the process is gone or may not be inspected.
async function usageOf(pid) {
  try {
    return await treeUsage(pid);
  } catch (err) {
    if (err.code === 'ESRCH' || err.code === 'EPERM' || err.code === 'EACCES') return null;
    throw err;
  }
}

// { port, owner: { pid, name, address, state, command, tree } | null }.
async function whoHolds(port) {
  const owner = await portOwner(port);
  if (!owner) return { port, owner: null };
  const out = { ...owner, command: null, tree: null };
  if (owner.pid !== null) {
    out.command = await commandLine(owner.pid);
    out.tree = await usageOf(owner.pid);
  }
  return { port, owner: out };
}

// The PIDs of this process and its ancestors: the tool never stops them.
async function protectedPids() {
  const pids = new Set([1, process.pid]);
  let pid = process.ppid;
  for (let i = 0; i < ANCESTOR_DEPTH && pid > 1 && !pids.has(pid); i++) {
    pids.add(pid);
    try {
      pid = (await processInfo(pid)).ppid;
    } catch {
      break;
    }
  }
  return pids;
}

module.exports = { commandLine, usageOf, whoHolds, protectedPids };
