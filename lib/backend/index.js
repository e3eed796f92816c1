'use strict';
// Backend, the public class: one backend process tree per instance, started,
// probed for readiness, restarted after crashes with back-off, and stopped
// gracefully first and by force when it must be. Its options are checked
// up front (./options.js); its states, their transitions and the
// serialisation of calls are the Lifecycle it extends (./lifecycle.js, whose
// Calls, ./calls.js, serialise start/restart/stop); its
// firewall questions are about its own program and port (./firewall.js).

const firewall = require('./firewall');
const { Lifecycle, STATES } = require('./lifecycle');
const { normalizeOptions } = require('./options');

// The Backend's normalised logger, for lib/electron/ipc.js.
const kLogger = Symbol('backend-warden.logger');

class Backend extends Lifecycle {
  constructor(options) {
    super(normalizeOptions(options));
  }

  get name() {
    return this._o.name;
  }

  get state() {
    return this._state;
  }

  get [kLogger]() {
    return this._log;
  }

  // Stops the backend and refuses further starts.
  async dispose() {
    this._disposed = true;
    const result = await this.stop();
    this._removeExitHook();
    return result;
  }

  status() {
    const run = this._run;
    const running = this._state === 'running';
    return {
      name: this._o.name,
      state: this._state,
      running,
      pid: run && run.pid !== undefined ? run.pid : null,
      port: run && run.port !== null ? run.port : null,
      url: running ? run.url : null,
      restarts: this._policy.restarts,
      startedAt: running ? this._startedAt : null,
      uptimeMs: running ? Date.now() - this._startedAt : 0,
      lastExit: this._lastExit ? { ...this._lastExit } : null,
      lastError: this._lastError ? { ...this._lastError } : null,
      health: this._observer.health(run),
    };
  }

  // CPU and memory of the backend's whole tree (rejects ERR_BACKEND_NOT_RUNNING).
  usage() {
    return this._observer.usage(this._run, this._o.name);
  }

  // --- firewall: about this backend's program and port (./firewall.js) -----

  _firewallPort() {
    if (this._run && this._run.port !== null) return this._run.port;
    if (this._o.port === false) return undefined;
    return this._lastPort || this._o.port.preferred || undefined;
  }

  checkFirewall() {
    return firewall.check(this._o, this._firewallPort());
  }

  getFirewallRule(options) {
    return firewall.rule(this._o, options);
  }

  getFirewallCommand(options) {
    return firewall.command(this._o, this._firewallPort(), options);
  }
}

Backend.STATES = STATES;

module.exports = { Backend, kLogger };
