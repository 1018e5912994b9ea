/* The addresses a host is told contestants should type (server/joinaddr.c),
 * from hand-made interface lists. */
#define _DEFAULT_SOURCE

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "joinaddr.h"

/* One interface of a hand-made list. */
struct fake_if {
	struct ifaddrs ifa;
	struct sockaddr_in6 sa; /* large enough for either family */
};

/* Makes interface f: name, address (v4 or v6 text), flags; links next. */
static void fake(struct fake_if *f, const char *name, const char *addr,
		 unsigned flags, struct fake_if *next)
{
	memset(f, 0, sizeof(*f));
	f->ifa.ifa_name = (char *)name;
	f->ifa.ifa_flags = flags;
	f->ifa.ifa_next = next ? &next->ifa : NULL;
	if (strchr(addr, ':')) {
		f->sa.sin6_family = AF_INET6;
		cr_assert_eq(inet_pton(AF_INET6, addr, &f->sa.sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)(void *)&f->sa;

		in->sin_family = AF_INET;
		cr_assert_eq(inet_pton(AF_INET, addr, &in->sin_addr), 1);
	}
	f->ifa.ifa_addr = (struct sockaddr *)(void *)&f->sa;
}

/* lo, eth0 (v4 and a global and a link-local v6), wlan0 down, eth1, and
 * eth0's address again (an alias). */
static struct fake_if ifs[8];

static void machine(void)
{
	fake(&ifs[6], "eth0:1", "192.168.1.20", IFF_UP, NULL);
	fake(&ifs[5], "eth1", "10.0.0.5", IFF_UP, &ifs[6]);
	fake(&ifs[4], "wlan0", "172.16.0.9", 0, &ifs[5]);
	fake(&ifs[3], "eth0", "fe80::1", IFF_UP, &ifs[4]);
	fake(&ifs[2], "eth0", "2001:db8::20", IFF_UP, &ifs[3]);
	fake(&ifs[1], "eth0", "192.168.1.20", IFF_UP, &ifs[2]);
	fake(&ifs[0], "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK, &ifs[1]);
}

Test(joinaddr, every_interface_up_not_loopback_once)
{
	char out[JOINADDR_MAX][JOINADDR_LEN];
	size_t n;

	machine();
	n = joinaddr_from("0.0.0.0", 7878, &ifs[0].ifa, out, JOINADDR_MAX);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(out[0], "192.168.1.20:7878");
	cr_assert_str_eq(out[1], "10.0.0.5:7878");
}

Test(joinaddr, v6_wildcard_adds_global_v6_after_v4)
{
	char out[JOINADDR_MAX][JOINADDR_LEN];
	size_t n;

	machine();
	n = joinaddr_from("::", 7878, &ifs[0].ifa, out, JOINADDR_MAX);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(out[0], "192.168.1.20:7878");
	cr_assert_str_eq(out[1], "10.0.0.5:7878");
	cr_assert_str_eq(out[2], "[2001:db8::20]:7878");
}

Test(joinaddr, loopback_listener_gives_none)
{
	char out[JOINADDR_MAX][JOINADDR_LEN];

	machine();
	cr_assert_eq(joinaddr_from("127.0.0.1", 7878, &ifs[0].ifa, out, 8), 0);
	cr_assert_eq(joinaddr_from("::1", 7878, &ifs[0].ifa, out, 8), 0);
	cr_assert_eq(joinaddr_from("localhost", 7878, &ifs[0].ifa, out, 8), 0);
	cr_assert_eq(joinaddr_from(NULL, 7878, &ifs[0].ifa, out, 8), 0);
	cr_assert_eq(joinaddr_from("", 7878, &ifs[0].ifa, out, 8), 0);
}

Test(joinaddr, one_address_listener_gives_it)
{
	char out[JOINADDR_MAX][JOINADDR_LEN];

	machine();
	cr_assert_eq(joinaddr_from("10.0.0.5", 9000, &ifs[0].ifa, out, 8), 1);
	cr_assert_str_eq(out[0], "10.0.0.5:9000");
	cr_assert_eq(joinaddr_from("2001:db8::20", 9000, NULL, out, 8), 1);
	cr_assert_str_eq(out[0], "[2001:db8::20]:9000");
}

Test(joinaddr, at_most_max_and_none_without_interfaces)
{
	char out[JOINADDR_MAX][JOINADDR_LEN];

	machine();
	cr_assert_eq(joinaddr_from("0.0.0.0", 1, &ifs[0].ifa, out, 1), 1);
	cr_assert_str_eq(out[0], "192.168.1.20:1");
	cr_assert_eq(joinaddr_from("0.0.0.0", 1, NULL, out, 8), 0);
	/* only loopback and a down interface */
	fake(&ifs[1], "wlan0", "172.16.0.9", 0, NULL);
	fake(&ifs[0], "lo", "127.0.0.1", IFF_UP | IFF_LOOPBACK, &ifs[1]);
	cr_assert_eq(joinaddr_from("0.0.0.0", 1, &ifs[0].ifa, out, 8), 0);
}

Test(joinaddr, this_machine_loopback_listener)
{
	char out[JOINADDR_MAX][JOINADDR_LEN];

	cr_assert_eq(joinaddr_get("127.0.0.1", 7878, out, JOINADDR_MAX), 0);
}
