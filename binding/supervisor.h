/* The supervisor executable's OS hooks (supervisor_linux.c,
 * supervisor_darwin.c) and its control protocol. The protocol is lines of
 * ASCII on descriptor 3, a socket the host created:
 *   host → supervisor:  "stop <signal> <graceMs>\n"   graceful stop of the tree
 *                       "kill\n"                      force at once
 *   supervisor → host:  "spawned <pid> <startTime>\n" the backend runs
 *                       "error <errno> <syscall>\n"   it could not be started
 *                       "exit <code> <signal>\n"      the backend's root exited
 *                       "closed <forced> <k>,<k>… <s>,<s>… <complete>\n"
 *                                                     whole tree gone ("-" stands
 *                                                     for an empty list; complete
 *                                                     is 1 when no member could
 *                                                     have left an orphan unseen)
 *                       end of file                   the host died: the polite
 *                                                     signal, at most
 *                                                     host-death-grace-ms, force */
#ifndef BW_SUPERVISOR_H
#define BW_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef enum bw_sup_cmd { BW_SUP_UNKNOWN, BW_SUP_STOP, BW_SUP_KILL } bw_sup_cmd;

/* Parses one control line (without its newline, len bytes): "kill", or
 * "stop <signal 1..64> <graceMs 0..2^31-1>" (sets *sig and *grace_ms).
 * Anything else is BW_SUP_UNKNOWN and ignored. supervisor_protocol.c. */
bw_sup_cmd bw_sup_parse_control(const char* line, size_t len, int* sig, long long* grace_ms);

/* Makes this process a child subreaper where the OS has one (*subreaper
 * says whether it is), and arranges for sig to be delivered when the host
 * (the parent) dies. Returns false if the host is already gone. */
bool bw__sup_os_init(pid_t host, int sig, bool* subreaper);

/* Closes every descriptor from fd up in one call (close_range). False when
 * the OS cannot, so the caller walks /dev/fd. */
bool bw__sup_close_from(int fd);

/* A descriptor that becomes readable when the host exits, or -1. */
int bw__sup_host_watch(pid_t host);

#endif
