// Must NOT compile: checkFirewall's protocol is 'tcp' or 'udp', not a number.
import { checkFirewall } from 'backend-warden';

checkFirewall({ port: 5000, protocol: 6 }); // @error TS2322
