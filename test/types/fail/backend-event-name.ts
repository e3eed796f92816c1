// Must NOT compile: 'redy' is no Backend event, and a stderr line is a string.
import { Backend } from 'backend-warden';

const backend = new Backend({ command: '/usr/bin/python3' });
backend.on('redy', () => {});
backend.on('stderr', (line: number) => console.log(line));
