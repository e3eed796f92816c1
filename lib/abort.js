'use strict';
// Abort signals and timeouts, once: listening to a signal without leaving a
// listener behind, racing a promise against a signal or a timer, and a
// delay a signal cuts short. On timers/promises and events.addAbortListener.

const events = require('events');
const timers = require('timers/promises');

const { abortError } = require('./errors');

// Calls fn once when signal aborts (in a microtask if it already has);
// returns a function that removes the listener. events.addAbortListener
// exists from Node 18.18 / 20.5; on 18.17 the same is done by hand.
function onAbort(signal, fn) {
  if (typeof events.addAbortListener === 'function' && typeof Symbol.dispose === 'symbol') {
    const disposable = events.addAbortListener(signal, fn);
    return () => disposable[Symbol.dispose]();
  }
  if (signal.aborted) {
    queueMicrotask(fn);
    return () => {};
  }
  signal.addEventListener('abort', fn, { once: true });
  return () => signal.removeEventListener('abort', fn);
}

// Rejects with an AbortError as soon as `signal` aborts; otherwise settles
// like `promise`. Leaves no listener behind.
function abortable(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) {
    Promise.resolve(promise).catch(() => {});
    return Promise.reject(abortError(signal.reason));
  }
  return new Promise((resolve, reject) => {
    const off = onAbort(signal, () => reject(abortError(signal.reason)));
    Promise.resolve(promise).then(
      (v) => { off(); resolve(v); },
      (e) => { off(); reject(e); },
    );
  });
}

// Settles like `promise`, or resolves `onTimeout()` after `ms`; clears its
// timer either way.
function withTimeout(promise, ms, onTimeout) {
  const timer = new AbortController();
  const expired = timers.setTimeout(ms, undefined, { signal: timer.signal }).then(onTimeout, () => {});
  return Promise.race([promise, expired]).finally(() => timer.abort());
}

// Resolves after ms; rejects with an AbortError when `signal` aborts first.
function delay(ms, signal) {
  return timers.setTimeout(ms, undefined, signal ? { signal } : undefined);
}

module.exports = { onAbort, abortable, withTimeout, delay };
