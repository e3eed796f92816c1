/* The supervisor executable's OS hook, one file per OS:
 * supervisor_linux.c (child subreaper, parent-death signal) and
 * supervisor_darwin.c (neither exists there). The host's exit watch is
 * os/procwatch.h's. */
#ifndef BW_SUPERVISOR_H
#define BW_SUPERVISOR_H

#include <stdbool.h>
#include <sys/types.h>

/* Makes this process a child subreaper where the OS has one (*subreaper
 * says whether it is), and arranges for sig to be delivered when the host
 * (the parent) dies. Returns false if the host is already gone. */
bool bw__sup_os_init(pid_t host, int sig, bool* subreaper);

/* Closes every descriptor from fd up in one call (close_range). False when
 * the OS cannot, so the caller walks /dev/fd. */
bool bw__sup_close_from(int fd);

#endif
