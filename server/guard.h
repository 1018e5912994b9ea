/* Per-address accounting against hostile clients: failed room lookups
 * (wrong codes, wrong host tokens or keys) with backoff per address and a
 * budget for the whole server; live rooms per address; joins per address
 * in one room. Keyed by the peer's IP text (conn_peer). Pure bookkeeping:
 * the caller passes the time and decides what to refuse. */
#ifndef QUIZ_GUARD_H
#define QUIZ_GUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Failed lookups: a burst of GUARD_FAIL_BURST per address, then one per
 * GUARD_FAIL_EVERY_US; each refused attempt doubles that interval (up to
 * GUARD_FAIL_EVERY_MAX_US) until the address has its burst back. The whole
 * server allows GUARD_GLOBAL_PER_SEC failed lookups a second (burst
 * GUARD_GLOBAL_BURST). docs/PROTOCOL.md has the arithmetic. */
#define GUARD_FAIL_BURST	10
#define GUARD_FAIL_EVERY_US	1000000LL
#define GUARD_FAIL_EVERY_MAX_US 64000000LL
#define GUARD_GLOBAL_PER_SEC	10
#define GUARD_GLOBAL_BURST	20
/* At most one brute-force log line per address this often. */
#define GUARD_LOG_EVERY_US 10000000LL
/* Addresses remembered at once; past it an address with nothing to
 * remember is forgotten, and a new one is accounted only globally. */
#define GUARD_ADDRS_MAX 65536

struct guard;

struct guard *guard_new(void);
/* Accepts NULL. */
void guard_free(struct guard *g);

/* Whether a lookup (join, watch, host key) from ip may go ahead at now:
 * false when the address or the server is over its budget of failures.
 * A refusal counts as an attempt (it lengthens the address's backoff). */
bool guard_lookup_ok(struct guard *g, const char *ip, int64_t now);
/* A lookup from ip failed (no such room, wrong token or key): spends from
 * the address's and the server's budget and logs, at most once per
 * GUARD_LOG_EVERY_US per address, that someone may be guessing. what names
 * the request for the log ("join", "watch", "create"). */
void guard_lookup_failed(struct guard *g, const char *ip, int64_t now,
			 const char *what);

/* Live rooms created from ip. */
uint32_t guard_rooms(struct guard *g, const char *ip);
/* A room created from ip (+1) or removed (-1) at now. Returns 0, or
 * -ENOSPC when the address cannot be accounted (table full): refuse the
 * room. */
int guard_rooms_add(struct guard *g, const char *ip, int delta, int64_t now);

/* Counts per address inside one room (joins): a small table of its own. */
struct guard_count;
struct guard_count *guard_count_new(void);
/* Accepts NULL. */
void guard_count_free(struct guard_count *c);
/* The count for ip. */
uint32_t guard_count_get(const struct guard_count *c, const char *ip);
/* Adds one to the count for ip. */
void guard_count_inc(struct guard_count *c, const char *ip);

#endif
