/* Private to the client's model (client/model.c, model_buzz.c): the
 * copying helpers every apply function uses, and the buzzer's and judges'
 * apply functions that model_apply() dispatches to. */
#ifndef QUIZ_MODEL_INT_H
#define QUIZ_MODEL_INT_H

#include "model.h"
#include "text.h"

/* Copies one line of server text into dst (cap bytes, NUL included),
 * sanitised (text_sanitize): no control character, so no escape sequence,
 * reaches the terminal; invalid bytes become U+FFFD; cut at a character
 * boundary when it does not fit. */
static inline void copy_text(char *dst, size_t cap, const char *src)
{
	text_sanitize(dst, cap, src, 0);
}

/* As copy_text, keeping line feeds (question stem, explanation). */
static inline void copy_lines(char *dst, size_t cap, const char *src)
{
	text_sanitize(dst, cap, src, 1);
}

/* Local time of a server time (identity without a converter). */
static inline uint64_t local_time(model_to_local_fn to_local, void *arg,
				  uint64_t server_us)
{
	return to_local ? to_local(arg, server_us) : server_us;
}

/* 1 when a push refers to the question on screen. */
static inline int same_question(const struct model *m, uint32_t index)
{
	return m->have_q && m->q == index;
}

/* BuzzState: the buzzer of the question on screen. */
int model_apply_buzz_state(struct model *m, const Quiz__V1__BuzzState *b,
			   model_to_local_fn to_local, void *arg);
/* BuzzResult: what became of my press. */
int model_apply_buzz_result(struct model *m, const Quiz__V1__BuzzResult *r);
/* AnswerKey (host, judges): the correct answer before the reveal. */
int model_apply_answer_key(struct model *m, const Quiz__V1__AnswerKey *k);
/* JudgeRequest (host, judges): the items awaiting a ruling. */
int model_apply_judge_request(struct model *m, const Quiz__V1__JudgeRequest *r,
			      model_to_local_fn to_local, void *arg);

#endif
