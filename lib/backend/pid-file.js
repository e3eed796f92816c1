'use strict';
// A Backend's pid file: records the running backend's identity ({ pid,
// startTime, port }) so that the next start can stop a backend left over from
// a run that never stopped it, and never touches a process that merely
// reuses the PID (its start time differs).

const fs = require('fs');

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

function writePidFile(file, record) {
  return fs.promises.writeFile(file, `${JSON.stringify(record)}\n`, { mode: 0o600 });
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
