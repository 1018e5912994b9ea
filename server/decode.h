/* The request edge: protobuf requests checked and turned into the plain
 * inputs of the hub (server/hub.h). Nothing past this file sees a
 * protobuf request type. Each function returns 0, or a negative quiz
 * error code with a sentence for the Error message in err (may stay
 * empty). */
#ifndef QUIZ_DECODE_H
#define QUIZ_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "hub.h"
#include "practice_srv.h"
#include "quiz.pb-c.h"

#define DECODE_ERR_MAX 200

/* CreateRoom: settings checked and normalized; the contest parsed from
 * m->contest (docs/CONTEST.md) or built from the settings. On success
 * *contest is allocated (free it after hub_create_room). */
int decode_create(const Quiz__V1__CreateRoom *m, uint32_t seq,
		  const struct bank *bank, struct hub_create *out,
		  struct contest **contest, char *err, size_t cap);
/* Answer: choices turned into a display-order bit mask. */
int decode_answer(const Quiz__V1__Answer *m, uint32_t *mask, const char **text);
/* Verdict: the item checked against the judge limits (ROOM_VERDICT_REST
 * for rest). */
int decode_verdict(const Quiz__V1__Verdict *m, struct hub_verdict *out);
/* PracticeStart: lengths, enums and ranges checked (the names of a new
 * person are checked where it is made: server/practice_srv.c); strings
 * borrowed from m. */
int decode_practice_start(const Quiz__V1__PracticeStart *m,
			  struct practice_srv_start *out);
/* Hello.formats as a bit set; empty means SPEED only. */
int decode_formats(const Quiz__V1__Hello *h, uint32_t *out);

#endif
