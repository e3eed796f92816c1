// Must NOT compile: a stderr line is a string.
import { Backend } from 'backend-warden';

const backend = new Backend({ command: '/usr/bin/python3' });
backend.on('stderr', (line: number) => console.log(line)); // @error TS2345
