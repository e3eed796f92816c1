// Must NOT compile: portOwner's protocol is 'tcp' or 'udp'.
import { portOwner } from 'backend-warden';

portOwner(3000, { protocol: 'sctp' }); // @error TS2322
