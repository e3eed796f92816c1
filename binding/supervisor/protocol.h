/* The supervisor's control-line protocol, shared with the host side in lib/:
 * lines of ASCII on descriptor 3, a socket the host created:
 *   host → supervisor:  "stop <signal> <graceMs>\n"   graceful stop of the tree
 *                       "kill\n"                      force at once
 *                       end of file                   the host died: graceful stop
 *   supervisor → host:  "spawned <pid> <startTime>\n" the backend runs
 *                       "error <errno> <syscall>\n"   it could not be started
 *                       "exit <code> <signal>\n"      the backend's root exited
 *                       "closed <forced> <k>,<k>… <s>,<s>…\n" whole tree gone
 *                       ("-" stands for an empty list) */
#ifndef BW_SUPERVISOR_PROTOCOL_H
#define BW_SUPERVISOR_PROTOCOL_H

/* The control socket's descriptor number in the supervisor. */
#define BW_CTL_FD 3

#endif
