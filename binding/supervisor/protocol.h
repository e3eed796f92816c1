/* The supervisor's control-line protocol, shared with the host side in lib/:
 * lines of ASCII on descriptor 3, a socket the host created:
 *   host → supervisor:  "stop <signal> <graceMs>\n"   graceful stop of the tree
 *                       "kill\n"                      force at once
 *                       end of file                   the host died: the polite
 *                                                     signal, at most
 *                                                     host-death-grace-ms, force
 *   supervisor → host:  "spawned <pid> <startTime>\n" the backend runs
 *                       "error <errno> <syscall>\n"   it could not be started
 *                       "exit <code> <signal>\n"      the backend's root exited
 *                       "closed <forced> <k>,<k>… <s>,<s>… <complete>\n"
 *                                                     whole tree gone ("-" stands
 *                                                     for an empty list; complete
 *                                                     is 1 when no member could
 *                                                     have left an orphan unseen) */
#ifndef BW_SUPERVISOR_PROTOCOL_H
#define BW_SUPERVISOR_PROTOCOL_H

#include <stddef.h>

/* The control socket's descriptor number in the supervisor. */
#define BW_CTL_FD 3

typedef enum bw_sup_cmd { BW_SUP_UNKNOWN, BW_SUP_STOP, BW_SUP_KILL } bw_sup_cmd;

/* Parses one control line (without its newline, len bytes): "kill", or
 * "stop <signal 1..64> <graceMs 0..2^31-1>" (sets *sig and *grace_ms).
 * Anything else is BW_SUP_UNKNOWN and ignored. Pure (protocol.c), so it is
 * fuzzed on its own (fuzz/control_line.c). */
bw_sup_cmd bw_sup_parse_control(const char* line, size_t len, int* sig, long long* grace_ms);

#endif
