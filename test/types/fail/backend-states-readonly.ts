// Must NOT compile: Backend.STATES is read-only.
import { Backend } from 'backend-warden';

Backend.STATES.push('idle'); // @error TS2339
