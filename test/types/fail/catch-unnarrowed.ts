// Must NOT compile: isBackendError() without a code does not promise an exit's output.
import { Backend, isBackendError } from 'backend-warden';

async function main(backend: Backend): Promise<void> {
  try {
    await backend.start();
  } catch (err) {
    if (isBackendError(err)) console.log(err.output); // @error TS2339
  }
}
void main;
