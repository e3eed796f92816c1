'use strict';
// A Backend's pid file: records the running backend's identity ({ pid,
// startTime, port }) so that the next start can stop a backend left over from
// a run that never stopped it, and never touches a process that merely
// reuses the PID (its start time differs).

const fs = require('fs');

const { codedError } = require('../errors');
const { processInfo, killTree, bootId } = require('../tree');

// Stops the backend the pid file names, if it is still that process; then
// removes the file. Logs what it did; never throws for a stale or damaged file.
async function recoverPidFile(file, { graceMs, log, name }) {
  let record;
  try {
    record = JSON.parse(await fs.promises.readFile(file, 'utf8'));
  } catch (err) {
    if (err.code === 'ENOENT') return;
    log.warn(`[backend-warden] ${name}: ignoring unreadable pid file ${file}: ${err.message}`);
    await removePidFile(file);
    return;
  }
  const { pid, startTime } = record || {};
  await checkHost(file, record, name, log);
  // A record from another boot (bootId, added later: older files have none
  // and are taken as this boot's) names a PID of a system that is gone.
  const current = await bootId();
  if (record && typeof record.bootId === 'string' && current && record.bootId !== current) {
    log.info(`[backend-warden] ${name}: pid file ${file} is from an earlier boot; left alone`);
  } else if (Number.isInteger(pid) && pid > 0 && typeof startTime === 'number') {
    try {
      const info = await processInfo(pid);
      if (info.startTime !== startTime) {
        log.info(`[backend-warden] ${name}: pid file names pid ${pid}, which is now another process (${info.name}); left alone`);
      } else {
        log.warn(`[backend-warden] ${name}: stopping ${info.name} (pid ${pid}) left over from an earlier run`);
        const r = await killTree(pid, { startTime, graceMs });
        log.info(`[backend-warden] ${name}: left-over backend stopped (${r.killed.length} processes${r.forced ? ', forced' : ''})`);
      }
    } catch (err) {
      // ESRCH: gone already, or its identity changed between the two calls.
      if (err.code !== 'ESRCH') log.warn(`[backend-warden] ${name}: could not stop pid ${pid}: ${err.message}`);
    }
  }
  await removePidFile(file);
}

// A record written by another live app instance (its host's pid and start
// time match) names that instance's backend: it is left alone and the start
// fails, saying so. A second instance should not run at all: Electron's
// app.requestSingleInstanceLock().
async function checkHost(file, record, name, log) {
  const host = record && record.host;
  const hostStartTime = record && record.hostStartTime;
  if (!Number.isInteger(host) || host <= 0 || host === process.pid || typeof hostStartTime !== 'number') return;
  let info;
  try {
    info = await processInfo(host);
  } catch {
    return; // the host is gone: its backend is a leftover
  }
  if (info.startTime !== hostStartTime) return;
  const msg = `backend "${name}" belongs to another live app instance (host pid ${host}, ${info.name}; pid file ${file}): ` +
    'its backend was left alone. Use app.requestSingleInstanceLock() so that a second instance quits';
  log.warn(`[backend-warden] ${name}: ${msg}`);
  const err = codedError(Error, 'ERR_BACKEND_OWNED', msg);
  err.hostPid = host;
  err.pid = Number.isInteger(record.pid) ? record.pid : null;
  err.pidFile = file;
  throw err;
}

let hostStart = null;
// This process's start time, for the pid file's host identity.
function hostStartTime() {
  if (!hostStart) hostStart = processInfo(process.pid).then((i) => i.startTime, () => undefined);
  return hostStart;
}

// Atomic: a reader sees the old record or the new one, never half of one.
async function writePidFile(file, record) {
  const tmp = `${file}.${process.pid}.tmp`;
  const full = { ...record, hostStartTime: await hostStartTime() };
  await fs.promises.writeFile(tmp, `${JSON.stringify(full)}\n`, { mode: 0o600 });
  try {
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

function removePidFile(file) {
  return fs.promises.rm(file, { force: true }).catch(() => {});
}

function removePidFileSync(file) {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Nothing more to do while the host exits.
  }
}

module.exports = { recoverPidFile, writePidFile, removePidFile, removePidFileSync };
