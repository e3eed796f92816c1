// Must NOT compile: 'redy' is no Backend event.
import { Backend } from 'backend-warden';

const backend = new Backend({ command: '/usr/bin/python3' });
backend.on('redy', () => {}); // @error TS2345
