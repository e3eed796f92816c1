// Must NOT compile: EADDRINUSE's holder is null when the OS does not name the listener.
import { Backend, isBackendError } from 'backend-warden';

async function main(backend: Backend): Promise<void> {
  try {
    await backend.start();
  } catch (err) {
    if (isBackendError(err, 'EADDRINUSE')) console.log(err.holder.pid); // @error TS18049
  }
}
void main;
