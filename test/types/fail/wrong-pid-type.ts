// Must NOT compile: processInfo takes a number.
import { processInfo } from 'backend-warden';

processInfo('1234'); // @error TS2345
