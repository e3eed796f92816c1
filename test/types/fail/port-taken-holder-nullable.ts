// Must NOT compile: portTaken's holder is null when the OS does not name the listener.
import { Backend } from 'backend-warden';

export function watch(backend: Backend): void {
  backend.on('portTaken', (e) => console.log(e.holder.pid, e.nextPort)); // @error TS18047
}
