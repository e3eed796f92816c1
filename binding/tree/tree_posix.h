/* The OS facts the POSIX kill engine (tree_posix.c) reads, implemented once
 * per OS in tree_linux.c and tree_darwin.c. Not part of the neutral API. */
#ifndef BW_TREE_POSIX_H
#define BW_TREE_POSIX_H

#include <stdbool.h>
#include <stdint.h>

#include "tree/tree.h"

/* Every process the caller can see. */
bool bw__proc_scan(bw_proc_list* out, bw_error* err);

/* The live children of pid, from the OS's own child list (Linux
 * /proc/<pid>/task/<tid>/children, macOS PROC_PPID_ONLY): far cheaper than
 * a whole-system scan. Returns 1 (a vanished pid has no children), 0 when the
 * OS keeps no such list (the caller scans everything), -1 on failure. */
int bw__proc_children(int64_t pid, bw_proc_list* out, bw_error* err);

/* Whether pid is still the process with that identity and not a zombie:
 * 1 yes, 0 no (gone, reused or a zombie), -1 unknown (the look failed, e.g.
 * EMFILE: never to be taken for "gone"). */
int bw__alive(int64_t pid, double start_time);

#endif
