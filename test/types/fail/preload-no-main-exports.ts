// Must NOT compile: backend-warden/preload exports the preload helpers only, nothing of the main process.
import { Backend } from 'backend-warden/preload'; // @error TS2305

void Backend;
