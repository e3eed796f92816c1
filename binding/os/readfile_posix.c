/* Whole-file reads with EINTR retries, for /proc and friends. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "os/readfile.h"

static int open_retry(const char* path) {
  int fd;
  do fd = open(path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  return fd;
}

static ssize_t read_retry(int fd, char* buf, size_t n) {
  ssize_t r;
  do r = read(fd, buf, n);
  while (r < 0 && errno == EINTR);
  return r;
}

bool bw_read_file(const char* path, char* buf, size_t size, size_t* len, bw_error* err) {
  size_t total = 0;
  int fd = open_retry(path);
  if (fd < 0) {
    bw_error_from_os(err, "open");
    return false;
  }
  for (;;) {
    ssize_t r;
    if (total + 1 >= size) {
      /* Full: only a read that finds the end proves nothing was cut off. */
      char probe;
      r = read_retry(fd, &probe, 1);
      if (r == 0) break;
      close(fd);
      if (r < 0)
        bw_error_from_os(err, "read");
      else
        bw_error_set(err, BW_ERR_POSIX, EFBIG, "read");
      return false;
    }
    r = read_retry(fd, buf + total, size - 1 - total);
    if (r < 0) {
      bw_error_from_os(err, "read");
      close(fd);
      return false;
    }
    if (r == 0) break;
    total += (size_t)r;
  }
  close(fd);
  buf[total] = '\0';
  *len = total;
  return true;
}

bool bw_read_file_alloc(const char* path, char** out, size_t* len, bw_error* err) {
  size_t cap = 16384, total = 0;
  char* buf = malloc(cap);
  int fd;
  *out = NULL;
  if (buf == NULL) {
    bw_error_set(err, BW_ERR_POSIX, ENOMEM, "malloc");
    return false;
  }
  fd = open_retry(path);
  if (fd < 0) {
    bw_error_from_os(err, "open");
    free(buf);
    return false;
  }
  for (;;) {
    ssize_t r;
    if (cap - total < 4096) {
      char* bigger = realloc(buf, cap * 2);
      if (bigger == NULL) {
        bw_error_set(err, BW_ERR_POSIX, ENOMEM, "realloc");
        goto fail;
      }
      buf = bigger;
      cap *= 2;
    }
    r = read_retry(fd, buf + total, cap - 1 - total);
    if (r < 0) {
      bw_error_from_os(err, "read");
      goto fail;
    }
    if (r == 0) break;
    total += (size_t)r;
  }
  close(fd);
  buf[total] = '\0';
  *out = buf;
  *len = total;
  return true;

fail:
  close(fd);
  free(buf);
  return false;
}
