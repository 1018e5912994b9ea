/* A map from 64-bit ids (connection ids) to pointers: open addressing with
 * linear probing and backward-shift deletion. The cluster's owner and edge
 * find a connection by the id the other side names in each record. */
#ifndef QUIZ_IDMAP_H
#define QUIZ_IDMAP_H

#include <stddef.h>
#include <stdint.h>

struct idmap {
	struct idmap_slot {
		uint64_t id; /* 0: free (ids are never 0) */
		void *ptr;
	} * slots;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/* Sets id (> 0) to ptr (not NULL), replacing what it had. */
void idmap_put(struct idmap *m, uint64_t id, void *ptr);
/* The pointer of id, NULL if none. */
void *idmap_get(const struct idmap *m, uint64_t id);
/* Removes id; returns its pointer, NULL if it had none. */
void *idmap_del(struct idmap *m, uint64_t id);
/* Calls fn on every entry (none may be added or removed meanwhile). */
void idmap_each(const struct idmap *m,
		void (*fn)(uint64_t id, void *ptr, void *arg), void *arg);
void idmap_free(struct idmap *m);

#endif
