/* Practice on quizd (issue 11): the in-memory registry of persons (every
 * person's practice state, loaded at start-up with store_load_practice),
 * one sitting per practising connection (a core round of one person,
 * core/fmt_practice.h), and the requests PracticeStart / PracticeNext /
 * Answer / PracticeStatsRequest. A practising connection is in no room.
 * Writes go through the store's writer thread; a PracticeResult, and the
 * PracticeReady that registered a person, wait for their commit in the
 * hub's pending FIFO (PEND_PRACTICE). docs/PRACTICE.md, last section.
 *
 * Each request function sends its own reply on success and returns 0, or
 * returns a negative quiz error for the caller to send as Error. */
#ifndef QUIZ_PRACTICE_SRV_H
#define QUIZ_PRACTICE_SRV_H

#include <stdbool.h>
#include <stdint.h>

#include "server.h"

struct practice_srv;
struct practice_pend;

/* PracticeStart as decoded and checked (server/decode.c). */
struct practice_srv_start {
	const char *token;    /* "" a new person */
	const char *nickname; /* a new person: checked by the decoder */
	const char *team;     /* "" none */
	const char *category; /* "" any */
	uint32_t kinds;	      /* bit (1 << item_kind); 0 any */
	int mode;	      /* enum practice_mode */
	uint32_t time_limit_ms;
	uint32_t max_new;
};

/* An empty registry over srv's bank and store. */
struct practice_srv *practice_srv_new(struct server *srv);
/* Start-up, before listening: every stored person and item state (rows
 * whose item left the bank, or whose state does not parse, are skipped and
 * counted in the log). Returns 0 or a negative error. */
int practice_srv_load(struct practice_srv *ps);
/* Accepts NULL. Sittings still referenced by pending commits stay until
 * those are freed (practice_srv_pend_free). */
void practice_srv_free(struct practice_srv *ps);

int practice_srv_start(struct practice_srv *ps, struct session *ss,
		       const struct practice_srv_start *req, uint32_t seq);
int practice_srv_next(struct practice_srv *ps, struct session *ss,
		      uint32_t seq);
/* An Answer from a practising connection (choice_mask in display order,
 * text a FILL answer or NULL), received at recv_us (monotonic). */
int practice_srv_answer(struct practice_srv *ps, struct session *ss, uint32_t q,
			uint32_t choice_mask, const char *text, int64_t recv_us,
			uint32_t seq);
int practice_srv_stats(struct practice_srv *ps, struct session *ss, bool team,
		       uint32_t seq);
/* The session is closing: its pending replies are dropped when their
 * commits come, and it is never touched again. */
void practice_srv_detach(struct session *ss);

/* A PEND_PRACTICE commit came (lost: it could never be written): the
 * reply, or Error INTERNAL when lost, goes out if the connection is still
 * there; a lost registration takes the person out of the registry and the
 * connection out of practice. Frees pp. */
void practice_srv_done(struct practice_pend *pp, bool lost);
/* Frees a pending reply whose commit never came (quizd stopping). */
void practice_srv_pend_free(struct practice_pend *pp);

/* quizd --utc-offset: at most 14 hours either way. */
#define PRACTICE_SRV_OFFSET_MAX (14 * 3600)
/* The local time zone's offset east of UTC now, in seconds (0 if the C
 * library cannot tell). */
int32_t practice_srv_local_offset(void);

/* Persons in memory (tests and logs). */
size_t practice_srv_persons(const struct practice_srv *ps);

#endif
