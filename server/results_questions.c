/* `quizd results`: the per-question statistics and every answer of a
 * match (the sheets 每题统计 and 答题明细), read in results_load's read
 * transaction. Option letters are display letters: slot i of a question
 * showed options[perm[i]] (match_questions.perm). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "results_int.h"
#include "xalloc.h"

/* Reads a JSON array of small integers ("[0,3,1]") into perm; false when it
 * is not one, or an entry is outside 0..n-1. */
static bool parse_perm(const char *s, int *perm, int n)
{
	int k = 0;

	if (!s || *s++ != '[')
		return false;
	while (*s == ' ')
		s++;
	while (*s && *s != ']') {
		char *end;
		long v = strtol(s, &end, 10);

		if (end == s)
			return false;
		if (k < n) {
			if (v < 0 || v >= n)
				return false;
			perm[k] = (int)v;
		}
		k++;
		s = end;
		while (*s == ' ')
			s++;
		if (*s == ',')
			s++;
		while (*s == ' ')
			s++;
	}
	return *s == ']' && k >= n;
}

/* Reads the draw with each question as the bank has it now. */
int results_load_questions(struct rload *L)
{
	sqlite3_stmt *st = results_prep(
	    L, "SELECT mq.idx, mq.round, mq.question_id, mq.perm,"
	       " q.id IS NOT NULL, q.kind, q.stem, CASE WHEN"
	       " json_valid(q.options) THEN json_array_length(q.options)"
	       " ELSE 0 END, q.correct_mask, (SELECT group_concat(value,"
	       " ' / ') FROM json_each(CASE WHEN json_valid(q.fills) THEN"
	       " q.fills ELSE '[]' END)) FROM match_questions mq LEFT JOIN"
	       " questions q ON q.id = mq.question_id WHERE mq.match_id = ?1"
	       " ORDER BY mq.idx");
	size_t cap = 0;
	int rc;

	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct rq *q;
		char *perm;

		if (L->nq == cap) {
			cap = cap ? cap * 2 : 16;
			L->q = xrealloc(L->q, cap * sizeof(*L->q));
		}
		q = &L->q[L->nq++];
		memset(q, 0, sizeof(*q));
		q->idx = sqlite3_column_int64(st, 0);
		q->round = sqlite3_column_int64(st, 1);
		q->qid = results_col_text(st, 2);
		q->known = sqlite3_column_int(st, 4) != 0;
		q->kind = results_col_text(st, 5);
		q->stem = results_col_text(st, 6);
		q->nopt = sqlite3_column_int(st, 7);
		if (q->nopt < 0 || q->nopt > OPT_MAX)
			q->nopt = 0;
		q->correct_mask = (uint32_t)sqlite3_column_int64(st, 8);
		q->fills = results_col_text(st, 9);
		q->choice = q->known && q->nopt > 0 &&
			    !(q->kind && strcmp(q->kind, "fill") == 0);
		perm = results_col_text(st, 3);
		q->perm_ok = q->choice && parse_perm(perm, q->perm, q->nopt);
		free(perm);
		if (q->choice && q->nopt > L->maxopt)
			L->maxopt = q->nopt;
	}
	return results_done(L, st, rc);
}

/* The question drawn at idx, or NULL (an answer to a question the draw
 * does not list). */
static struct rq *question_at(struct rload *L, int64_t idx)
{
	size_t lo = 0, hi = L->nq;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (L->q[mid].idx == idx)
			return &L->q[mid];
		if (L->q[mid].idx < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Display letters of a mask's first n slots ("AC") into out (9 bytes). */
static void letters(uint32_t mask, int n, char *out)
{
	int i, k = 0;

	for (i = 0; i < n && i < OPT_MAX; i++)
		if (mask & (1u << i))
			out[k++] = (char)('A' + i);
	out[k] = '\0';
}

static const struct rcol answer_cols[] = {
    {"题号", "q", 0, 0, true},
    {"题目编号", "item", 0, 0, true},
    {"选手编号", "id", 0, 0, true},
    {"昵称", "nick", 0, 0, true},
    {"队伍", "team", 0, 0, true},
    {"作答", "answer", 0, 0, true},
    {"接收时间(ms)", "recv ms", 3, 0, true},
    {"单程补偿(ms)", "comp ms", 3, 0, true},
    {"用时(ms)", "time ms", 3, 0, true},
    {"正确", "correct", 0, 0, true},
    {"得分", "points", 0, 0, true},
    {"作废", "voided", 0, 0, true},
};

/* The time base of the receive times: the match's first event (quizd's
 * monotonic clock), else its first answer. */
static int recv_base(struct rload *L, int64_t *base)
{
	sqlite3_stmt *st = results_prep(
	    L, "SELECT coalesce((SELECT at_us FROM events WHERE match_id = ?1"
	       " ORDER BY seq LIMIT 1), (SELECT min(recv_us) FROM answers"
	       " WHERE match_id = ?1), 0)");
	int rc;

	if (!st)
		return -EIO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*base = sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	return results_done(L, st, rc);
}

/* Reads every answer: the answers sheet, and the counts per question. */
int results_load_answers(struct rload *L)
{
	struct rtable *t = &L->m->t[RS_ANSWERS];
	sqlite3_stmt *st;
	int64_t base = 0;
	int rc;

	results_table_init(t, "答题明细", "answers", answer_cols,
			   sizeof(answer_cols) / sizeof(answer_cols[0]));
	if ((rc = recv_base(L, &base)) < 0)
		return rc;
	st = results_prep(
	    L, "SELECT q, player_id, choice_mask, text, recv_us,"
	       " one_way_us, rt_us, correct, points, voided FROM answers"
	       " WHERE match_id = ?1 ORDER BY q, recv_us, player_id");
	if (!st)
		return -EIO;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t qi = sqlite3_column_int64(st, 0);
		int64_t pid = sqlite3_column_int64(st, 1);
		uint32_t mask = (uint32_t)sqlite3_column_int64(st, 2);
		int64_t rt = sqlite3_column_int64(st, 6);
		bool right = sqlite3_column_int64(st, 7) != 0;
		bool voided = sqlite3_column_int64(st, 9) != 0;
		struct rq *q = question_at(L, qi);
		struct rplayer *p = results_player(L, pid);
		size_t r = results_row(t);
		char *text = results_col_text(st, 3);
		char lt[OPT_MAX + 1];
		int i;

		results_set_int(t, r, 0, qi + 1);
		results_set_text(t, r, 1, q ? q->qid : NULL);
		results_set_int(t, r, 2, pid);
		results_set_text(t, r, 3, p ? p->nick : NULL);
		results_set_text(t, r, 4, p ? p->team : NULL);
		letters(mask, OPT_MAX, lt);
		results_set_text(t, r, 5, mask ? lt : text);
		free(text);
		results_set_real(t, r, 6,
				 (double)(sqlite3_column_int64(st, 4) - base) /
				     1e3);
		results_set_real(t, r, 7,
				 (double)sqlite3_column_int64(st, 5) / 1e3);
		results_set_real(t, r, 8, (double)rt / 1e3);
		results_set_int(t, r, 9, right);
		results_set_int(t, r, 10, sqlite3_column_int64(st, 8));
		results_set_int(t, r, 11, voided);
		if (!q)
			continue;
		q->answers++;
		q->right += right;
		q->voided |= voided;
		if (q->nrt == q->rtcap) {
			q->rtcap = q->rtcap ? q->rtcap * 2 : 16;
			q->rt = xrealloc(q->rt, q->rtcap * sizeof(*q->rt));
		}
		q->rt[q->nrt++] = rt;
		for (i = 0; q->perm_ok && i < q->nopt; i++)
			if (mask & (1u << i))
				q->wrong[i]++;
	}
	return results_done(L, st, rc);
}

/* qsort order of int64 values. */
static int i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static const struct rcol question_cols[] = {
    {"题号", "q", 0, 4, true},
    {"轮次", "round", 0, 5, true},
    {"题目编号", "item", 0, 10, true},
    {"题型", "kind", 0, 9, true},
    {"题干", "stem", 0, 28, true},
    {"正确答案", "key", 0, 10, true},
    {"作答", "answers", 0, 7, true},
    {"答对", "right", 0, 5, true},
    {"正确率(%)", "accuracy %", 1, 10, true},
    {"中位用时(秒)", "median s", 3, 8, true},
    {"作废", "voided", 0, 6, true},
    {NULL, "wrong options chosen", 0, 24, false},
};
#define QCOL_WRONG_TEXT 11 /* then one export column per letter */

static const char *const wrong_headers[OPT_MAX] = {
    "误选 A", "误选 B", "误选 C", "误选 D",
    "误选 E", "误选 F", "误选 G", "误选 H",
};

/* Whether display slot i of q holds a wrong option. */
static bool slot_wrong(const struct rq *q, int i)
{
	return q->perm_ok && i < q->nopt &&
	       !(q->correct_mask & (1u << q->perm[i]));
}

/* The per-question sheet. */
void results_question_table(struct rload *L)
{
	size_t nc = QCOL_WRONG_TEXT + 1 + (size_t)L->maxopt;
	struct rcol *cols = xcalloc(nc, sizeof(*cols));
	struct rtable *t = &L->m->t[RS_QUESTIONS];
	size_t i;
	int k;

	memcpy(cols, question_cols, sizeof(question_cols));
	for (k = 0; k < L->maxopt; k++) {
		struct rcol *c = &cols[QCOL_WRONG_TEXT + 1 + k];

		c->zh = wrong_headers[k];
		c->en = wrong_headers[k];
		c->export = true;
	}
	results_table_init(t, "每题统计", "questions", cols, nc);
	free(cols);
	for (i = 0; i < L->nq; i++) {
		struct rq *q = &L->q[i];
		size_t r = results_row(t);
		char key[OPT_MAX + 1], wtext[OPT_MAX * 24 + 1];
		size_t wl = 0;
		uint32_t km = 0;

		results_set_int(t, r, 0, q->idx + 1);
		results_set_int(t, r, 1, q->round + 1);
		results_set_text(t, r, 2, q->qid);
		results_set_text(t, r, 3, q->known ? q->kind : "?");
		results_set_text(
		    t, r, 4,
		    q->known ? q->stem : "(题库中已无此题 / not in the bank)");
		for (k = 0; q->perm_ok && k < q->nopt; k++)
			if (q->correct_mask & (1u << q->perm[k]))
				km |= 1u << k;
		letters(km, q->nopt, key);
		results_set_text(
		    t, r, 5, q->choice ? (q->perm_ok ? key : "?") : q->fills);
		results_set_int(t, r, 6, q->answers);
		results_set_int(t, r, 7, q->right);
		if (q->answers)
			results_set_real(t, r, 8,
					 100.0 * (double)q->right /
					     (double)q->answers);
		if (q->nrt) {
			qsort(q->rt, q->nrt, sizeof(*q->rt), i64_cmp);
			results_set_real(t, r, 9,
					 (q->nrt % 2
					      ? (double)q->rt[q->nrt / 2]
					      : ((double)q->rt[q->nrt / 2 - 1] +
						 (double)q->rt[q->nrt / 2]) /
						    2) /
					     1e6);
		}
		results_set_int(t, r, 10, q->voided);
		wtext[0] = '\0';
		for (k = 0; k < q->nopt; k++) {
			if (!slot_wrong(q, k))
				continue;
			results_set_int(t, r, QCOL_WRONG_TEXT + 1 + (size_t)k,
					q->wrong[k]);
			wl += (size_t)snprintf(wtext + wl, sizeof(wtext) - wl,
					       "%s%c:%lld", wl ? "," : "",
					       'A' + k, (long long)q->wrong[k]);
		}
		if (wl)
			results_set_text(t, r, QCOL_WRONG_TEXT, wtext);
	}
}
