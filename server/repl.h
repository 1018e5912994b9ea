/* An owner's store replicated over JetStream, and a standby that takes the
 * owner's place when it dies (docs/CLUSTER.md "Takeover").
 *
 * The owner (quizd --nats URL --node NAME --replicate) publishes each
 * committed batch of its store (server/store_repl.c) to the stream
 * QUIZD_REPL_<NAME>, subject quizd.repl.<NAME>, expecting the stream's
 * last sequence to be its own last batch: a publish fails, and the owner
 * stops, once another node has written to the stream. A thread beats on
 * quizd.replbeat.<NAME> every 500 ms and checks the stream the same way.
 *
 * The standby (quizd --nats URL --node NAME --standby) applies the stream
 * in order to its own database. When the beats have been silent for 3 s
 * (counted while it is connected) and it has applied everything, it
 * writes a claim to the stream (expecting the last sequence it applied)
 * and becomes the owner NAME: quizd then starts as an owner restarting on
 * that database. libnats' JetStream calls block; the owner's publisher
 * runs on the store's writer thread, the follower before the event loop
 * starts. */
#ifndef QUIZ_REPL_H
#define QUIZ_REPL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

struct repl;
struct store;

#define REPL_BEAT_MS   500
#define REPL_SILENT_MS 3000
/* A fenced owner's exit status: another node took its place. */
#define REPL_EXIT_FENCED 75

/* Connects to url as node's replication (retrying for up to 10 s) and
 * makes sure node's stream exists. NULL and a sentence in err. */
struct repl *repl_open(const char *url, const char *node, char *err,
		       size_t errcap);
/* The owner's side: checks that the stream ends where the database does
 * (its repl_state row: its last batch's messages), refusing a database
 * the stream has gone past (the owner was taken over) or a stream that
 * lacks what came before that batch (lost), then turns replication on
 * in st, a batch in messages of at most the NATS server's max_payload
 * (or $QUIZD_REPL_CHUNK bytes, for tests), and starts the beats. 0, or
 * -1 with a sentence in err. */
int repl_owner_start(struct repl *r, struct store *st, char *err,
		     size_t errcap);
/* The standby's side: applies the stream to st from after its
 * repl_state row until the owner is silent, then claims the stream.
 * Returns the claim's sequence, 0 if *stop was set first, or -1 (an error
 * logged). */
int64_t repl_follow(struct repl *r, struct store *st,
		    volatile sig_atomic_t *stop);
/* Stops the beats and closes the connection (accepts NULL). */
void repl_close(struct repl *r);

#endif
