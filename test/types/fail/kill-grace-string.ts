// Must NOT compile: graceMs is a number.
import { killTree } from 'backend-warden';

killTree(1234, { graceMs: '5000' }); // @error TS2322
