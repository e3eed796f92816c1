// Must NOT compile: a Backend's port is a number, an object or false, never a string.
import { Backend } from 'backend-warden';

new Backend({ command: '/usr/bin/python3', port: '8000' }); // @error TS2769
