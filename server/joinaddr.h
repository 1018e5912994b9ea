/* The addresses contestants should type to reach this quizd (the host's
 * join hint, RoomCreated.join_addresses): for a listener on every
 * interface (0.0.0.0 or ::), each non-loopback address of the machine's
 * interfaces that are up; for a listener on one address, that address;
 * for a loopback listener, none (no other machine can connect). */
#ifndef QUIZ_JOINADDR_H
#define QUIZ_JOINADDR_H

#include <stddef.h>

struct ifaddrs;

#define JOINADDR_LEN 64 /* "[v6 address]:65535" and its NUL */
#define JOINADDR_MAX 8	/* addresses given at most */

/* The addresses of a listener on host:port, from the interfaces ifs (a
 * getifaddrs list, or a hand-made one in tests): IPv4 first in the list's
 * order, then IPv6 (only for "::"; link-local ones left out, they need an
 * interface name), duplicates once. Returns how many were written to out
 * (at most max). */
size_t joinaddr_from(const char *host, int port, const struct ifaddrs *ifs,
		     char (*out)[JOINADDR_LEN], size_t max);

/* The same over this machine's interfaces now (getifaddrs). Returns how
 * many, 0 also when the interfaces cannot be read. */
size_t joinaddr_get(const char *host, int port, char (*out)[JOINADDR_LEN],
		    size_t max);

#endif
