/* The dispatch target's stand-in for server/store.c: implements every
 * function of server/store.h in memory (no SQLite, no writer thread), plus
 * the controls below. Operations with a notify token wait in a queue until
 * fake_store_commit() "commits" them, which calls the wake callback as the
 * writer thread would; the target calls it after every operation, or only
 * when the input says so (a fuzzed commit delay). To follow a change of
 * store.h, add the function here. */
#ifndef QUIZ_FAKE_STORE_H
#define QUIZ_FAKE_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

/* Commits up to max queued operations (every one for SIZE_MAX) and wakes
 * the loop if any had a notify token. Returns how many were committed. */
size_t fake_store_commit(struct store *s, size_t max);
/* Injects storage faults: stalled, nothing commits (store_stalled() says
 * so, and the hub pauses its rooms); full, store_answer refuses with
 * -QE_STORAGE_UNAVAILABLE (store_accepting() false). */
void fake_store_fault(struct store *s, bool stalled, bool full);
/* Operations queued and not yet committed. */
size_t fake_store_queued(const struct store *s);

#endif
