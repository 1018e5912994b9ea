/* The addresses contestants should type (joinaddr.h). */
/* getifaddrs and struct ifaddrs are BSD/GNU, not POSIX */
#define _DEFAULT_SOURCE

#include "joinaddr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Whether host names every interface. */
static bool wildcard(const char *host, bool *v6)
{
	*v6 = strcmp(host, "::") == 0 || strcmp(host, "[::]") == 0;
	return *v6 || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0;
}

/* Whether host is a loopback address or name. */
static bool loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	       strcmp(host, "[::1]") == 0 || strcmp(host, "localhost") == 0;
}

/* Appends "addr:port" (IPv6 in brackets) unless already there. */
static size_t add(char (*out)[JOINADDR_LEN], size_t n, size_t max,
		  const char *addr, bool v6, int port)
{
	char buf[JOINADDR_LEN];
	size_t i;

	if (n >= max)
		return n;
	snprintf(buf, sizeof(buf), v6 ? "[%s]:%d" : "%s:%d", addr, port);
	for (i = 0; i < n; i++)
		if (strcmp(out[i], buf) == 0)
			return n;
	memcpy(out[n], buf, sizeof(buf));
	return n + 1;
}

/* Adds the usable addresses of one family from ifs. */
static size_t scan(const struct ifaddrs *ifs, int family, int port,
		   char (*out)[JOINADDR_LEN], size_t n, size_t max)
{
	const struct ifaddrs *i;
	char addr[INET6_ADDRSTRLEN];

	for (i = ifs; i && n < max; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != family ||
		    !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		if (family == AF_INET) {
			const struct sockaddr_in *a =
			    (const struct sockaddr_in *)(const void *)
				i->ifa_addr;

			if ((ntohl(a->sin_addr.s_addr) >> 24) == 127 ||
			    !inet_ntop(AF_INET, &a->sin_addr, addr,
				       sizeof(addr)))
				continue;
		} else {
			const struct sockaddr_in6 *a =
			    (const struct sockaddr_in6 *)(const void *)
				i->ifa_addr;

			if (IN6_IS_ADDR_LOOPBACK(&a->sin6_addr) ||
			    IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr) ||
			    !inet_ntop(AF_INET6, &a->sin6_addr, addr,
				       sizeof(addr)))
				continue;
		}
		n = add(out, n, max, addr, family == AF_INET6, port);
	}
	return n;
}

size_t joinaddr_from(const char *host, int port, const struct ifaddrs *ifs,
		     char (*out)[JOINADDR_LEN], size_t max)
{
	bool v6;
	size_t n = 0;

	if (!host || !host[0] || loopback(host))
		return 0; /* no listener, or one other machines cannot reach */
	if (!wildcard(host, &v6))
		return add(out, 0, max, host, strchr(host, ':') != NULL, port);
	n = scan(ifs, AF_INET, port, out, n, max);
	if (v6)
		n = scan(ifs, AF_INET6, port, out, n, max);
	return n;
}

size_t joinaddr_get(const char *host, int port, char (*out)[JOINADDR_LEN],
		    size_t max)
{
	struct ifaddrs *ifs = NULL;
	size_t n;

	if (host && host[0] && !loopback(host) && getifaddrs(&ifs) != 0)
		return 0;
	n = joinaddr_from(host, port, ifs, out, max);
	if (ifs)
		freeifaddrs(ifs);
	return n;
}
