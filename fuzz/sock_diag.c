/* libFuzzer harness: sock_diag reply datagrams (bw_diag_next,
 * bw_diag_lookup_answer). Oracles: the walk always advances and stays inside
 * the buffer; sockets and errors are in range; and a datagram cut anywhere
 * yields a prefix of the whole one's messages, never a socket the whole one
 * does not have. ASan checks that nothing past the buffer is read. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ports/procnet.h"

#define MAX_ITEMS 1024

typedef struct item {
  bw_diag_item kind;
  bw_net_sock s;
  int error;
} item;

static int same(const item* a, const item* b) {
  return a->kind == b->kind && a->error == b->error && a->s.addr.family == b->s.addr.family &&
         memcmp(a->s.addr.bytes, b->s.addr.bytes, 16) == 0 && a->s.port == b->s.port &&
         a->s.state == b->s.state && a->s.uid == b->s.uid && a->s.inode == b->s.inode;
}

static size_t walk(const char* buf, size_t size, item* out) {
  const char* p = buf;
  const char* end = buf + size;
  size_t n = 0;
  for (;;) {
    const char* before = p;
    item it;
    memset(&it, 0, sizeof(it));
    it.kind = bw_diag_next(&p, end, &it.s, &it.error);
    assert(p > before || (it.kind == BW_DIAG_END && p == end));
    assert(p >= buf && p <= end);
    if (it.kind == BW_DIAG_END) return n;
    if (it.kind == BW_DIAG_SOCK) {
      assert(it.s.addr.family == 4 || it.s.addr.family == 6);
      assert(it.s.port >= 0 && it.s.port <= 65535);
    } else {
      memset(&it.s, 0, sizeof(it.s));
    }
    if (it.kind == BW_DIAG_ERROR)
      assert(it.error > 0 && it.error < 4096);
    else
      it.error = 0;
    assert(n < MAX_ITEMS);
    out[n++] = it;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static item whole[MAX_ITEMS], part[MAX_ITEMS];
  size_t n, cuts[3], c;
  int answer;
  char* buf;
  if (size > 16 * MAX_ITEMS) return 0;
  /* An exact-size copy, so ASan catches any read past the datagram; odd
   * offsets come from the input itself (the parser must not care). */
  buf = malloc(size ? size : 1);
  memcpy(buf, data, size);
  n = walk(buf, size, whole);
  answer = bw_diag_lookup_answer(buf, size);
  assert(answer >= -1 && answer <= 1);
  assert(answer != 1 || (n > 0 && whole[0].kind == BW_DIAG_SOCK));
  assert(answer != 0 || (n > 0 && whole[0].kind == BW_DIAG_ERROR && whole[0].error == ENOENT));
  cuts[0] = size ? size - 1 : 0;
  cuts[1] = size / 2;
  cuts[2] = size ? (size_t)data[0] * size / 256 : 0;
  for (c = 0; c < 3; c++) {
    size_t m = walk(buf, cuts[c], part), i;
    assert(m <= n);
    for (i = 0; i < m; i++) assert(same(&part[i], &whole[i]));
  }
  free(buf);
  return 0;
}
