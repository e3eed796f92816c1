/* Reading small procfs-style files whole (POSIX builds only). */
#ifndef BW_READFILE_H
#define BW_READFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "os/error.h"

/* Reads path into buf (at most size - 1 bytes, NUL-terminated), retrying on
 * EINTR. *len receives the byte count. A file that does not fit is never
 * truncated: it fails with EFBIG (read the whole of it with
 * bw_read_file_alloc). */
bool bw_read_file(const char* path, char* buf, size_t size, size_t* len, bw_error* err);

/* The same into a malloc'ed buffer that grows as needed (for /proc/net/tcp
 * and friends). Free *out with free(). */
bool bw_read_file_alloc(const char* path, char** out, size_t* len, bw_error* err);

#endif
