/* Tests of per-address accounting (server/guard.c) with a fake clock: the
 * burst, the doubling backoff, the server-wide budget, rooms per address
 * and the per-room join counts. */
#include <criterion/criterion.h>

#include <stdio.h>

#include "guard.h"
#include "log.h"

#define SEC 1000000LL

static struct guard *G;

static void setup(void)
{
	log_set_level(LOG_ERROR);
	G = guard_new();
}

static void teardown(void)
{
	guard_free(G);
}

/* Tries a lookup that fails if allowed; returns whether it was allowed. */
static bool fail_once(const char *ip, int64_t now)
{
	if (!guard_lookup_ok(G, ip, now))
		return false;
	guard_lookup_failed(G, ip, now, "join");
	return true;
}

Test(guard, burst_then_one_a_second, .init = setup, .fini = teardown)
{
	int64_t t = 1000 * SEC;
	int i;

	for (i = 0; i < GUARD_FAIL_BURST; i++)
		cr_assert(fail_once("10.0.0.1", t), "failure %d", i);
	cr_expect_not(guard_lookup_ok(G, "10.0.0.1", t));
	/* another address is not affected */
	cr_expect(guard_lookup_ok(G, "10.0.0.2", t));
}

Test(guard, refusals_double_the_wait, .init = setup, .fini = teardown)
{
	int64_t t = 1000 * SEC;
	int i;

	for (i = 0; i < GUARD_FAIL_BURST; i++)
		cr_assert(fail_once("10.0.0.1", t));
	/* one refusal: the next failure is allowed after 2 s, not 1 s */
	cr_assert_not(guard_lookup_ok(G, "10.0.0.1", t));
	cr_expect(fail_once("10.0.0.1", t + 2 * SEC));

	/* hammering: the interval doubles up to GUARD_FAIL_EVERY_MAX_US */
	for (i = 0; i < GUARD_FAIL_BURST; i++)
		cr_assert(fail_once("10.0.0.2", t));
	for (i = 0; i < 100; i++)
		cr_assert_not(guard_lookup_ok(G, "10.0.0.2", t));
	cr_expect_not(guard_lookup_ok(G, "10.0.0.2", t + 60 * SEC));
	cr_expect(guard_lookup_ok(G, "10.0.0.2",
				  t + GUARD_FAIL_EVERY_MAX_US + 5 * SEC));
}

Test(guard, backoff_ends_when_the_burst_is_back, .init = setup,
     .fini = teardown)
{
	int64_t t = 1000 * SEC;
	int i;

	for (i = 0; i < GUARD_FAIL_BURST; i++)
		cr_assert(fail_once("10.0.0.1", t));
	for (i = 0; i < 10; i++)
		guard_lookup_ok(G, "10.0.0.1", t); /* refused, backs off */
	t += GUARD_FAIL_BURST * GUARD_FAIL_EVERY_MAX_US;
	for (i = 0; i < GUARD_FAIL_BURST; i++)
		cr_assert(fail_once("10.0.0.1", t), "failure %d", i);
	cr_assert_not(guard_lookup_ok(G, "10.0.0.1", t));
	/* back to the base rate after a full burst: (refused once) 2 s */
	cr_expect(guard_lookup_ok(G, "10.0.0.1", t + 2 * SEC));
}

Test(guard, server_wide_budget, .init = setup, .fini = teardown)
{
	int64_t t = 1000 * SEC;
	char ip[32];
	int i, allowed = 0;

	/* many addresses, one failure each: the global burst, then its rate */
	for (i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "10.1.%d.%d", i / 250, i % 250);
		allowed += fail_once(ip, t);
	}
	cr_expect_eq(allowed, GUARD_GLOBAL_BURST);
	allowed = 0;
	for (i = 0; i < 1000; i++) {
		snprintf(ip, sizeof(ip), "10.2.%d.%d", i / 250, i % 250);
		allowed += fail_once(ip, t + SEC);
	}
	cr_expect_eq(allowed, GUARD_GLOBAL_PER_SEC);
	/* successful lookups spend nothing, but wait for the budget too */
	cr_expect_not(guard_lookup_ok(G, "10.3.0.1", t + SEC));
}

Test(guard, rooms_per_address, .init = setup, .fini = teardown)
{
	cr_expect_eq(guard_rooms(G, "10.0.0.1"), 0);
	cr_assert_eq(guard_rooms_add(G, "10.0.0.1", 1, SEC), 0);
	cr_assert_eq(guard_rooms_add(G, "10.0.0.1", 1, SEC), 0);
	cr_expect_eq(guard_rooms(G, "10.0.0.1"), 2);
	cr_expect_eq(guard_rooms(G, "10.0.0.2"), 0);
	guard_rooms_add(G, "10.0.0.1", -1, SEC);
	cr_expect_eq(guard_rooms(G, "10.0.0.1"), 1);
}

/* Addresses with nothing to remember are forgotten, so the table stays
 * bounded; those with live rooms or a spent budget are kept. */
Test(guard, table_forgets_idle_addresses, .init = setup, .fini = teardown)
{
	char ip[32];
	int i;

	cr_assert_eq(guard_rooms_add(G, "10.9.9.9", 1, SEC), 0);
	for (i = 0; i < GUARD_FAIL_BURST; i++)
		fail_once("10.8.8.8", SEC);
	/* long after: 200,000 addresses each with one good lookup */
	for (i = 0; i < 200000; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", 16 + i / 65536,
			 i / 256 % 256, i % 256);
		guard_lookup_ok(G, ip, 100000 * SEC);
	}
	cr_expect_eq(guard_rooms(G, "10.9.9.9"), 1);
	cr_expect_eq(guard_rooms_add(G, "10.7.7.7", 1, 100000 * SEC), 0);
}

Test(guard, joins_per_room, .init = NULL)
{
	struct guard_count *c = guard_count_new();
	char ip[32];
	int i;

	cr_expect_eq(guard_count_get(c, "10.0.0.1"), 0);
	for (i = 0; i < 2500; i++)
		guard_count_inc(c, "10.0.0.1");
	for (i = 0; i < 300; i++) {
		snprintf(ip, sizeof(ip), "10.0.1.%d", i);
		guard_count_inc(c, ip);
	}
	cr_expect_eq(guard_count_get(c, "10.0.0.1"), 2500);
	cr_expect_eq(guard_count_get(c, "10.0.1.299"), 1);
	cr_expect_eq(guard_count_get(c, "10.0.2.1"), 0);
	guard_count_free(c);
	guard_count_free(NULL);
	guard_free(NULL);
}
