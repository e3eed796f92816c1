// Must NOT compile: ERR_BACKEND_OWNED's hostPid is the other instance's pid, a number.
import { Backend, isBackendError } from 'backend-warden';

async function main(backend: Backend): Promise<void> {
  try {
    await backend.start();
  } catch (err) {
    if (isBackendError(err, 'ERR_BACKEND_OWNED')) {
      const host: string = err.hostPid; // @error TS2322
      console.log(host);
    }
  }
}
void main;
