/* Internal hooks of the POSIX kill engine (tree_posix.c), implemented once
 * per OS in tree_linux.c and tree_darwin.c. Not part of the neutral API. */
#ifndef BW_TREE_POSIX_H
#define BW_TREE_POSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "tree.h"

/* Every process the caller can see. */
bool bw__proc_scan(bw_proc_list* out, bw_error* err);

/* The live children of pid, from the OS's own child list (Linux
 * /proc/<pid>/task/<tid>/children, macOS PROC_PPID_ONLY): far cheaper than
 * a whole-system scan. Returns 1 (a vanished pid has no children), 0 when the
 * OS keeps no such list (the caller scans everything), -1 on failure. */
int bw__proc_children(int64_t pid, bw_proc_list* out, bw_error* err);

/* An exit watch: a descriptor that poll() reports readable once the process
 * has exited (Linux: pidfd; macOS: a kqueue with EVFILT_PROC NOTE_EXIT).
 * Returns -1 when the OS offers none for pid (the engine then polls);
 * *os_errno then says why (EMFILE/ENFILE: out of descriptors; 0: no such
 * facility or process). The identity is re-checked after the watch is open,
 * so a watch never refers to a PID that was reused under us; *gone is set
 * only when pid provably no longer has that identity. */
int bw__watch_open(int64_t pid, double start_time, bool* gone, int* os_errno);
void bw__watch_close(int fd);

/* Sends sig to pid through its watch when there is one (race-free on Linux:
 * pidfd_send_signal), else with kill(2). Returns 0 or an errno value. */
int bw__signal(int64_t pid, int watch_fd, int sig);

/* Whether pid is still the process with that identity and not a zombie:
 * 1 yes, 0 no (gone, reused or a zombie), -1 unknown (the look failed, e.g.
 * EMFILE: never to be taken for "gone"). */
int bw__alive(int64_t pid, double start_time);

#endif
