'use strict';
// When a crashed backend is started again: at most restart.maxRestarts
// times within restart.windowMs, after a back-off that doubles from
// backoffMs up to maxBackoffMs. A backend that stayed up longer than
// windowMs starts a fresh count. restart false: never.

class RestartPolicy {
  // policy: options.restart, normalised (false, or the four numbers).
  constructor(policy) {
    this._policy = policy;
    this.restarts = 0; // automatic restarts since the last start()/restart()
    this._times = []; // when they happened, for the windowMs limit
  }

  get enabled() {
    return Boolean(this._policy);
  }

  // A start() or restart() by the app: the count begins again.
  reset() {
    this.restarts = 0;
    this._times = [];
  }

  // The backend crashed after being ready at readyAt (0: never ready).
  crashedAfter(readyAt, now = Date.now()) {
    if (this._policy && readyAt && now - readyAt > this._policy.windowMs) this._times = [];
  }

  // The delay before the next restart, counted as made; or null: give up.
  next(now = Date.now()) {
    const p = this._policy;
    if (!p) return null;
    this._times = this._times.filter((t) => now - t <= p.windowMs);
    if (this._times.length >= p.maxRestarts) return null;
    const delayMs = Math.min(p.backoffMs * 2 ** this._times.length, p.maxBackoffMs);
    this._times.push(now);
    this.restarts++;
    return delayMs;
  }
}

module.exports = { RestartPolicy };
