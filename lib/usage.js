'use strict';
// Tree resource usage: treeUsage(pid) and the per-owner sampler behind
// backend.usage(). The figures come from the native binding
// (binding/usage/), sampled off the JS thread; cpuPercent is computed here,
// over the wall-clock interval since the sampler's previous call.

const { binding } = require('./native');
const { invalidArgType } = require('./errors');
const { validateOptions, validatePid } = require('./validate');

// cpuPercent is the tree's CPU time over wall time, like top and pm2: 100
// is one core busy, so a busy tree on a 4-core machine can reach 400.
class UsageSampler {
  constructor() {
    this._prev = null; // { at, cpu: Map<"pid:startTime", cpuMs>, total }
  }

  // raw: { processes, cpuMs, rssBytes, ageMs, members } from the binding.
  // jobCpuMs (Windows job accounting, includes exited members) replaces
  // the sum when given.
  compute(raw, at, jobCpuMs) {
    const cpu = new Map();
    for (const m of raw.members) cpu.set(`${m.pid}:${m.startTime}`, m.cpuMs);
    const cpuMs = typeof jobCpuMs === 'number' ? jobCpuMs : raw.cpuMs;
    let busy;
    let wall;
    if (this._prev === null) {
      // First call: since the root started.
      busy = cpuMs;
      wall = raw.ageMs;
    } else if (typeof jobCpuMs === 'number') {
      busy = cpuMs - this._prev.total;
      wall = at - this._prev.at;
    } else {
      // Per member, so a member that exited does not make the sum drop; a
      // new member's whole time falls within the interval.
      busy = 0;
      for (const [key, ms] of cpu) busy += ms - (this._prev.cpu.get(key) || 0);
      wall = at - this._prev.at;
    }
    this._prev = { at, cpu, total: cpuMs };
    const cpuPercent = wall > 0 && busy > 0 ? Math.round((busy / wall) * 1000) / 10 : 0;
    return {
      processes: raw.processes,
      cpuMs,
      cpuPercent,
      rssBytes: raw.rssBytes,
      members: raw.members.map((m) => ({ pid: m.pid, ppid: m.ppid, name: m.name, cpuMs: m.cpuMs, rssBytes: m.rssBytes })),
    };
  }

  reset() {
    this._prev = null;
  }

  // job(): a Windows job's accounting ({ cpuMs, ... } from jobUsage) or
  // null; its CPU figure includes members that already exited. The live
  // members' sum is taken when it is larger (Wine's job accounting reports
  // no CPU time at all).
  // more: where the backend's members that the root's parent links miss (a
  // grandchild whose parent exited) are found, or undefined:
  //   { jobPids() }: the PIDs in the Windows job, each sampled with its own
  //     subtree;
  //   { supervisorPid }: Linux and macOS, the supervisor's descendants (on
  //     Linux it is a child subreaper, so such orphans are re-parented to
  //     it); the supervisor itself is not counted.
  // Either way a member that vanished meanwhile is skipped.
  async sample(pid, startTime, job, more) {
    const raw = await binding().treeUsage(pid, startTime);
    if (more && more.jobPids) await addJobMembers(raw, more.jobPids());
    else if (more && more.supervisorPid) await addSupervised(raw, more.supervisorPid);
    const acct = job ? job() : null;
    const jobCpu = acct ? Math.max(acct.cpuMs, raw.cpuMs) : undefined;
    return this.compute(raw, performance.now(), jobCpu);
  }
}

// members into raw (and its sums), those raw already has left out. seen:
// the PIDs of raw's members, kept up to date.
function merge(raw, members, seen = new Set(raw.members.map((m) => m.pid))) {
  for (const m of members) {
    if (seen.has(m.pid)) continue;
    seen.add(m.pid);
    raw.members.push(m);
    raw.cpuMs += m.cpuMs;
    raw.rssBytes += m.rssBytes;
  }
  raw.processes = raw.members.length;
}

// The job's members that raw's tree lacks, each with its own subtree, into
// raw. One that vanished meanwhile is skipped.
async function addJobMembers(raw, pids) {
  const seen = new Set(raw.members.map((m) => m.pid));
  for (const pid of pids) {
    if (seen.has(pid)) continue;
    let sub;
    try {
      sub = await binding().treeUsage(pid);
    } catch {
      continue;
    }
    merge(raw, sub.members, seen);
  }
}

// The supervisor's descendants that raw's tree lacks, into raw. Its tree
// counts only while the root (raw's first member, same identity) is still
// its child: a supervisor that is gone, or a PID that now names another
// process, adds nothing.
async function addSupervised(raw, supervisorPid) {
  let sub;
  try {
    sub = await binding().treeUsage(supervisorPid);
  } catch {
    return;
  }
  const root = raw.members[0];
  const same = (m) => m.pid === root.pid && m.ppid === supervisorPid &&
    (m.startTime === null || root.startTime === null || m.startTime === root.startTime);
  if (!sub.members.some(same)) return;
  merge(raw, sub.members.filter((m) => m.pid !== supervisorPid && m.pid !== process.pid));
}

// Samplers of treeUsage(pid) callers, by pid: "since the previous call"
// for the same tree. Bounded: the oldest entries go first.
const SAMPLERS_MAX = 256;
const samplers = new Map();

function samplerFor(pid, startTime) {
  const key = `${pid}:${startTime}`;
  let s = samplers.get(key);
  if (s) {
    samplers.delete(key);
  } else {
    s = new UsageSampler();
    if (samplers.size >= SAMPLERS_MAX) samplers.delete(samplers.keys().next().value);
  }
  samplers.set(key, s);
  return s;
}

function validateStartTime(startTime) {
  if (startTime === undefined || startTime === null) return null;
  if (typeof startTime !== 'number' || !Number.isFinite(startTime) || startTime < 0) {
    throw invalidArgType('options.startTime', 'a non-negative number', startTime);
  }
  return startTime;
}

// treeUsage(pid[, { startTime }]) → Promise<{ processes, cpuMs, cpuPercent,
// rssBytes, members: [{ pid, ppid, name, cpuMs, rssBytes }] }>, root first.
// Rejects ESRCH when no such process (or identity) exists.
async function treeUsage(pid, options) {
  validatePid(pid);
  const startTime = validateStartTime(validateOptions(options).startTime);
  try {
    return await samplerFor(pid, startTime).sample(pid, startTime);
  } catch (err) {
    if (err && err.code === 'ESRCH') samplers.delete(`${pid}:${startTime}`);
    throw err;
  }
}

module.exports = { treeUsage, UsageSampler };
