/* What the POSIX ports engine (ports_posix.c: probe and waiter) asks of the
 * Linux or macOS file (ports_linux.c, ports_darwin.c). Not part of the
 * neutral API. */
#ifndef BW_PORTS_POSIX_H
#define BW_PORTS_POSIX_H

#include "ports/ports.h"

/* A check, cheaper than a connect, whether a listener would take a
 * connection to addr:port: 1 yes, 0 no, -1 cannot tell (connect to find
 * out). open returns NULL where there is no such check; the waiter's thread
 * opens, uses and closes it. */
void* bw__listener_check_open(void);
int bw__listener_check(void* check, const bw_addr* addr, int port);
void bw__listener_check_close(void* check);

#endif
