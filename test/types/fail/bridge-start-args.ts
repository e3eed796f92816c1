// Must NOT compile: the renderer cannot choose the executable.
import type { BackendWindow } from 'backend-warden';

declare const win: BackendWindow;
win.backend.start({ command: '/bin/sh' }); // @error TS2554
