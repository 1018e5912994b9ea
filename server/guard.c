/* Per-address accounting: see guard.h. */
#include "guard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bucket.h"
#include "log.h"
#include "text.h"
#include "xalloc.h"

#define IP_MAX 48 /* an IPv6 address as text is at most 45 bytes */

/* What is remembered of one address. */
struct addr {
	char ip[IP_MAX];	 /* "" for a free slot */
	struct bucket budget;	 /* failed lookups it may still make now */
	int64_t every;		 /* one token back per this many us (backoff) */
	uint32_t rooms;		 /* live rooms created from it */
	uint32_t count;		 /* guard_count: the per-room count */
	uint64_t fails, refused; /* since the last log line */
	int64_t log_at;
};

/* An open-addressing table of addresses, at most half full. */
struct addr_tab {
	struct addr *a;
	size_t n, cap;
};

struct guard {
	struct addr_tab t;
	struct bucket global; /* the server-wide budget */
};

struct guard_count {
	struct addr_tab t;
};

static size_t tab_slot(const struct addr_tab *t, const char *ip)
{
	size_t mask = t->cap - 1, i = text_hash(ip) & mask;

	while (t->a[i].ip[0] && strcmp(t->a[i].ip, ip) != 0)
		i = (i + 1) & mask;
	return i;
}

/* The address's record, or NULL when absent. */
static struct addr *tab_find(const struct addr_tab *t, const char *ip)
{
	size_t i;

	if (!t->cap)
		return NULL;
	i = tab_slot(t, ip);
	return t->a[i].ip[0] ? &t->a[i] : NULL;
}

/* Rebuilds the table with cap slots, keeping the records keep() wants. */
static void tab_rebuild(struct addr_tab *t, size_t cap,
			bool (*keep)(struct addr *a, int64_t now), int64_t now)
{
	struct addr *old = t->a;
	size_t i, oldcap = t->cap;

	t->a = xcalloc(cap, sizeof(*t->a));
	t->cap = cap;
	t->n = 0;
	for (i = 0; i < oldcap; i++) {
		if (!old[i].ip[0] || (keep && !keep(&old[i], now)))
			continue;
		t->a[tab_slot(t, old[i].ip)] = old[i];
		t->n++;
	}
	free(old);
}

/* The address's record, added if absent; NULL if the table may not grow
 * past max records. */
static struct addr *tab_get(struct addr_tab *t, const char *ip, size_t max,
			    bool (*keep)(struct addr *a, int64_t now),
			    int64_t now)
{
	struct addr *a = tab_find(t, ip);
	size_t i;

	if (a)
		return a;
	if ((t->n + 1) * 2 > t->cap) {
		if (keep && t->cap) /* forget what need not be remembered */
			tab_rebuild(t, t->cap, keep, now);
		if ((t->n + 1) * 4 > t->cap) { /* still over a quarter */
			if (t->n + 1 > max)
				return NULL;
			tab_rebuild(t, t->cap ? t->cap * 2 : 64, NULL, now);
		}
	}
	i = tab_slot(t, ip);
	memset(&t->a[i], 0, sizeof(t->a[i]));
	snprintf(t->a[i].ip, sizeof(t->a[i].ip), "%s", ip);
	t->n++;
	return &t->a[i];
}

/* Brings an address's failure budget up to now. */
static void addr_refill(struct addr *a, int64_t now)
{
	if (bucket_refill(&a->budget, now, (double)a->every, GUARD_FAIL_BURST))
		a->every = GUARD_FAIL_EVERY_US; /* behaved: backoff over */
}

/* A record worth keeping: it has live rooms, or a budget not yet full. */
static bool addr_keep(struct addr *a, int64_t now)
{
	addr_refill(a, now);
	return a->rooms || a->budget.tokens < GUARD_FAIL_BURST;
}

/* A fresh record starts with a full budget. */
static struct addr *guard_addr(struct guard *g, const char *ip, int64_t now)
{
	struct addr *a = tab_get(&g->t, ip, GUARD_ADDRS_MAX, addr_keep, now);

	if (a && !a->every) {
		bucket_init(&a->budget, GUARD_FAIL_BURST, now);
		a->every = GUARD_FAIL_EVERY_US;
	}
	return a;
}

struct guard *guard_new(void)
{
	struct guard *g = xcalloc(1, sizeof(*g));

	bucket_init(&g->global, GUARD_GLOBAL_BURST, 0);
	return g;
}

void guard_free(struct guard *g)
{
	if (!g)
		return;
	free(g->t.a);
	free(g);
}

/* Brings the server-wide budget up to now. */
static void guard_refill(struct guard *g, int64_t now)
{
	(void)bucket_refill(&g->global, now, 1e6 / GUARD_GLOBAL_PER_SEC,
			    GUARD_GLOBAL_BURST);
}

/* Logs what an address has been doing, at most once per period. */
static void guard_log(struct addr *a, int64_t now, const char *what)
{
	if (a->log_at && now - a->log_at < GUARD_LOG_EVERY_US)
		return;
	if (a->fails + a->refused < GUARD_FAIL_BURST)
		return; /* a few typos are not worth a line */
	log_warn("guard",
		 "%s: %llu failed lookups, %llu refused (last: %s); "
		 "guessing room codes?",
		 a->ip, (unsigned long long)a->fails,
		 (unsigned long long)a->refused, what);
	a->log_at = now;
	a->fails = a->refused = 0;
}

bool guard_lookup_ok(struct guard *g, const char *ip, int64_t now)
{
	struct addr *a = guard_addr(g, ip, now);

	guard_refill(g, now);
	if (a)
		addr_refill(a, now);
	if ((!a || a->budget.tokens >= 1.0) && g->global.tokens >= 1.0)
		return true;
	if (a && a->budget.tokens < 1.0) {
		a->every *= 2;
		if (a->every > GUARD_FAIL_EVERY_MAX_US)
			a->every = GUARD_FAIL_EVERY_MAX_US;
	}
	if (a) {
		a->refused++;
		guard_log(a, now, "refused");
	}
	return false;
}

void guard_lookup_failed(struct guard *g, const char *ip, int64_t now,
			 const char *what)
{
	struct addr *a = guard_addr(g, ip, now);

	guard_refill(g, now);
	g->global.tokens -= 1.0;
	if (!a)
		return;
	addr_refill(a, now);
	a->budget.tokens -= 1.0;
	a->fails++;
	guard_log(a, now, what);
}

uint32_t guard_rooms(struct guard *g, const char *ip)
{
	struct addr *a = tab_find(&g->t, ip);

	return a ? a->rooms : 0;
}

int guard_rooms_add(struct guard *g, const char *ip, int delta, int64_t now)
{
	struct addr *a;

	if (delta < 0) {
		a = tab_find(&g->t, ip);
		if (a && a->rooms)
			a->rooms--;
		return 0;
	}
	a = guard_addr(g, ip, now);
	if (!a)
		return -ENOSPC;
	a->rooms++;
	return 0;
}

struct guard_count *guard_count_new(void)
{
	return xcalloc(1, sizeof(struct guard_count));
}

void guard_count_free(struct guard_count *c)
{
	if (!c)
		return;
	free(c->t.a);
	free(c);
}

uint32_t guard_count_get(const struct guard_count *c, const char *ip)
{
	const struct addr *a = tab_find(&c->t, ip);

	return a ? a->count : 0;
}

void guard_count_inc(struct guard_count *c, const char *ip)
{
	struct addr *a = tab_get(&c->t, ip, SIZE_MAX, NULL, 0);

	a->count++;
}
