/* The command line of a process, for the CLI's `who` and `tree`: its
 * arguments as UTF-8 strings. Neutral types; one file per OS:
 * cmdline_linux.c (/proc/<pid>/cmdline), cmdline_darwin.c (sysctl
 * KERN_PROCARGS2), cmdline_win.c (NtQueryInformationProcess
 * ProcessCommandLineInformation, split by CommandLineToArgvW). */
#ifndef BW_CMDLINE_H
#define BW_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "os/error.h"

typedef struct bw_cmdline {
  char* data;  /* argc NUL-terminated strings, back to back (malloc'ed) */
  size_t len;  /* bytes in data, every NUL included */
  size_t argc; /* 0: the OS has none to tell (a kernel thread, a zombie) */
} bw_cmdline;

/* Fills out for pid. ESRCH when no such process exists, EPERM (Windows:
 * also EACCES) when the caller may not read it. Blocks briefly; callers run
 * it off the JS thread. */
bool bw_cmdline_get(int64_t pid, bw_cmdline* out, bw_error* err);

void bw_cmdline_free(bw_cmdline* c);

#endif
