/* The event log's hash chain (schema v5, docs/STORAGE.md "The hash
 * chain"): each events row carries
 *
 *   hash(n) = SHA-256( prev(n) || canonical(event n) )
 *
 * where prev(1) is 32 zero bytes and prev(n) the 32 bytes of hash(n - 1)
 * of the same match, stored as 64 lowercase hex digits. The canonical
 * encoding is fixed (documented in STORAGE.md) so that anyone can
 * recompute the chain from the rows: changing, removing or inserting one
 * event changes every later hash. SHA-256 is nettle's (as tokenhash.c). */
#ifndef QUIZ_EVHASH_H
#define QUIZ_EVHASH_H

#include "store.h"

#define EVHASH_HEX 64

/* Writes the link of event e after prev_hex (64 hex digits, or NULL/""
 * for the first event of a match) into out as 64 lowercase hex digits and
 * a NUL. Returns 0, or -1 if prev_hex is not 64 hex digits. */
int evhash_hex(const char *prev_hex, const struct store_event *e,
	       char out[EVHASH_HEX + 1]);

#endif
