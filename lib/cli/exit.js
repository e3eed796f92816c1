'use strict';
// Exit codes of `backend-warden` (documented in the usage text and
// docs/observe.md) and the usage error.

const EXIT = Object.freeze({
  OK: 0, // done; for who/tree/doctor: the report was printed
  FAILED: 1, // an operation failed (the error is printed)
  USAGE: 2, // bad arguments or an unknown command
  NOT_FOUND: 3, // who/free: nothing holds the port; tree: no such process
  REFUSED: 4, // free: pid 1, this tool, one of its ancestors, or a process this user may not see
  STILL_RUNNING: 5, // free: processes of the tree are still running
});

function usageError(message) {
  const err = new Error(message);
  err.code = 'ERR_USAGE';
  return err;
}

module.exports = { EXIT, usageError };
