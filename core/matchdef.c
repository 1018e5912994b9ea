/* Match definitions as text: see matchdef.h. */
#include "matchdef.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "xalloc.h"

#define MATCHDEF_MAGIC "quizd-match 1"

/* A growing string. */
struct sbuf {
	char *p;
	size_t n, cap;
};

/* Appends one formatted line. */
static void sb_line(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_line(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (k >= 0 && (size_t)k + 1 < b->cap - b->n)
			break;
		b->cap = b->cap * 2 + (k > 0 ? (size_t)k : 0) + 2;
		b->p = xrealloc(b->p, b->cap);
	}
	b->n += (size_t)k;
	b->p[b->n++] = '\n';
	b->p[b->n] = '\0';
}

/* The lines of one round. */
static void write_round(struct sbuf *b, const struct contest *c,
			const struct round_cfg *r, uint32_t i)
{
	char stakes[CONTEST_STAKES_MAX * 12 + 1] = "";
	size_t o = 0;
	uint32_t k;

	sb_line(b, "round=%" PRIu32, i);
	sb_line(b, "round.name=%s", r->name);
	sb_line(b, "round.format=%d", (int)r->format);
	sb_line(b, "round.count=%" PRIu32, r->count);
	sb_line(b, "round.time_limit_us=%" PRId64, r->time_limit_us);
	sb_line(b, "round.wager_us=%" PRId64, r->wager_us);
	sb_line(b, "round.points=%" PRId32, r->points);
	sb_line(b, "round.penalty=%" PRId32, r->penalty);
	sb_line(b, "round.reading_us=%" PRId64, r->reading_us);
	sb_line(b, "round.arm_us=%" PRId64, r->arm_us);
	sb_line(b, "round.tie_us=%" PRId64, r->tie_us);
	sb_line(b, "round.foul=%" PRId32, r->foul);
	sb_line(b, "round.rebounds=%" PRIu32, r->rebounds);
	sb_line(b, "round.judge=%d", (int)r->judge);
	sb_line(b, "round.given=%" PRIu32, r->given);
	for (k = 0; k < r->nstakes && k < CONTEST_STAKES_MAX; k++)
		o += (size_t)snprintf(stakes + o, sizeof(stakes) - o,
				      "%s%" PRId32, k ? "," : "", r->stakes[k]);
	sb_line(b, "round.stakes=%s", stakes);
	sb_line(b, "round.category=%s", r->category);
	sb_line(b, "round.kinds=%" PRIu32, r->kinds);
	sb_line(b, "round.min_difficulty=%d", r->min_difficulty);
	sb_line(b, "round.max_difficulty=%d", r->max_difficulty);
	for (k = 0; k < r->nids && k < CONTEST_IDS_MAX; k++)
		sb_line(b, "round.id=%s", contest_round_id(c, r, k));
}

char *matchdef_write(const struct room_settings *s, const struct contest *c)
{
	struct sbuf b = {xmalloc(1024), 0, 1024};
	uint32_t i;

	b.p[0] = '\0';
	sb_line(&b, "%s", MATCHDEF_MAGIC);
	sb_line(&b, "title=%s", s->title);
	sb_line(&b, "seed=%" PRIu64, s->seed);
	sb_line(&b, "max_players=%" PRIu32, s->max_players);
	sb_line(&b, "auto_advance=%d", s->auto_advance ? 1 : 0);
	if (s->close_when_all) /* older definitions have no such line */
		sb_line(&b, "close_when_all=1");
	sb_line(&b, "countdown_us=%" PRId64, s->countdown_us);
	sb_line(&b, "reveal_us=%" PRId64, s->reveal_us);
	sb_line(&b, "leaderboard_us=%" PRId64, s->leaderboard_us);
	sb_line(&b, "lead_us=%" PRId64, s->lead_us);
	sb_line(&b, "comp_cap_us=%" PRId64, s->comp_cap_us);
	sb_line(&b, "question_count=%" PRIu32, s->question_count);
	sb_line(&b, "time_limit_us=%" PRId64, s->time_limit_us);
	sb_line(&b, "points=%" PRIu32, s->points);
	sb_line(&b, "contest.title=%s", c->title);
	sb_line(&b, "contest.scoring=%d", (int)c->scoring);
	sb_line(&b, "contest.team_base=%" PRId64, c->team_base);
	for (i = 0; i < c->nteams && i < CONTEST_TEAMS_MAX; i++)
		sb_line(&b, "contest.team=%s", c->teams[i]);
	for (i = 0; i < c->nrounds && i < CONTEST_ROUNDS_MAX; i++)
		write_round(&b, c, &c->rounds[i], i);
	return b.p;
}

/* A whole decimal integer in [lo, hi]. */
static int num(const char *v, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || end == v || *end || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* Copies v into a buffer of cap bytes; -1 if it does not fit. */
static int str(const char *v, char *out, size_t cap)
{
	size_t n = strlen(v);

	if (n >= cap)
		return -1;
	memcpy(out, v, n + 1);
	return 0;
}

/* The stakes list "10,20,30". */
static int stakes(const char *v, struct round_cfg *r)
{
	char *end;
	long x;

	r->nstakes = 0;
	while (*v) {
		if (r->nstakes == CONTEST_STAKES_MAX)
			return -1;
		errno = 0;
		x = strtol(v, &end, 10);
		if (errno || end == v || x < INT32_MIN || x > INT32_MAX ||
		    (*end && *end != ','))
			return -1;
		r->stakes[r->nstakes++] = (int32_t)x;
		v = *end ? end + 1 : end;
	}
	return 0;
}

/* One key of a round. */
static int round_key(const char *k, const char *v, struct contest *c,
		     struct round_cfg *r)
{
	int64_t x;

	if (!strcmp(k, "name"))
		return str(v, r->name, sizeof(r->name));
	if (!strcmp(k, "category"))
		return str(v, r->category, sizeof(r->category));
	if (!strcmp(k, "stakes"))
		return stakes(v, r);
	if (!strcmp(k, "id")) {
		if (c->nids == CONTEST_IDS_MAX)
			return -1;
		if (!r->nids)
			r->first_id = c->nids;
		r->nids++;
		return str(v, c->ids[c->nids++], sizeof(c->ids[0]));
	}
	if (num(v, INT64_MIN / 2, INT64_MAX / 2, &x) < 0)
		return -1;
	if (!strcmp(k, "format") && x >= 0 && x < FMT_COUNT)
		r->format = (enum round_format)x;
	else if (!strcmp(k, "count") && x >= 0 && x <= UINT32_MAX)
		r->count = (uint32_t)x;
	else if (!strcmp(k, "time_limit_us"))
		r->time_limit_us = x;
	else if (!strcmp(k, "wager_us"))
		r->wager_us = x;
	else if (!strcmp(k, "points") && x >= INT32_MIN && x <= INT32_MAX)
		r->points = (int32_t)x;
	else if (!strcmp(k, "penalty") && x >= INT32_MIN && x <= INT32_MAX)
		r->penalty = (int32_t)x;
	else if (!strcmp(k, "reading_us"))
		r->reading_us = x;
	else if (!strcmp(k, "arm_us"))
		r->arm_us = x;
	else if (!strcmp(k, "tie_us"))
		r->tie_us = x;
	else if (!strcmp(k, "foul") && x >= INT32_MIN && x <= INT32_MAX)
		r->foul = (int32_t)x;
	else if (!strcmp(k, "rebounds") && x >= 0 && x <= UINT32_MAX)
		r->rebounds = (uint32_t)x;
	else if (!strcmp(k, "judge") && x >= 0 && x <= JUDGE_FILL)
		r->judge = (enum judge_mode)x;
	else if (!strcmp(k, "given") && x >= 0 && x <= UINT32_MAX)
		r->given = (uint32_t)x;
	else if (!strcmp(k, "kinds") && x >= 0 && x <= UINT32_MAX)
		r->kinds = (uint32_t)x;
	else if (!strcmp(k, "min_difficulty") && x >= 0 && x <= 3)
		r->min_difficulty = (int)x;
	else if (!strcmp(k, "max_difficulty") && x >= 0 && x <= 3)
		r->max_difficulty = (int)x;
	else
		return -1;
	return 0;
}

/* One key of the settings or the contest head. */
static int head_key(const char *k, const char *v, struct room_settings *s,
		    struct contest *c)
{
	int64_t x;

	if (!strcmp(k, "title"))
		return str(v, s->title, sizeof(s->title));
	if (!strcmp(k, "contest.title"))
		return str(v, c->title, sizeof(c->title));
	if (!strcmp(k, "contest.team")) {
		if (c->nteams == CONTEST_TEAMS_MAX)
			return -1;
		return str(v, c->teams[c->nteams++], sizeof(c->teams[0]));
	}
	if (!strcmp(k, "seed")) {
		char *end;

		errno = 0;
		s->seed = strtoull(v, &end, 10);
		return errno || end == v || *end ? -1 : 0;
	}
	if (num(v, INT64_MIN / 2, INT64_MAX / 2, &x) < 0)
		return -1;
	if (!strcmp(k, "max_players") && x >= 0 && x <= UINT32_MAX)
		s->max_players = (uint32_t)x;
	else if (!strcmp(k, "auto_advance") && (x == 0 || x == 1))
		s->auto_advance = x == 1;
	else if (!strcmp(k, "close_when_all") && (x == 0 || x == 1))
		s->close_when_all = x == 1;
	else if (!strcmp(k, "countdown_us"))
		s->countdown_us = x;
	else if (!strcmp(k, "reveal_us"))
		s->reveal_us = x;
	else if (!strcmp(k, "leaderboard_us"))
		s->leaderboard_us = x;
	else if (!strcmp(k, "lead_us"))
		s->lead_us = x;
	else if (!strcmp(k, "comp_cap_us"))
		s->comp_cap_us = x;
	else if (!strcmp(k, "question_count") && x >= 0 && x <= UINT32_MAX)
		s->question_count = (uint32_t)x;
	else if (!strcmp(k, "time_limit_us"))
		s->time_limit_us = x;
	else if (!strcmp(k, "points") && x >= 0 && x <= UINT32_MAX)
		s->points = (uint32_t)x;
	else if (!strcmp(k, "contest.scoring") && (x == 0 || x == 1))
		c->scoring = (enum team_scoring)x;
	else if (!strcmp(k, "contest.team_base"))
		c->team_base = x;
	else
		return -1;
	return 0;
}

int matchdef_read(const char *text, struct room_settings *s, struct contest *c,
		  char *err, size_t cap)
{
	const char *p = text, *nl;
	char line[512];
	unsigned ln = 0;
	int round = -1;

	memset(s, 0, sizeof(*s));
	memset(c, 0, sizeof(*c));
	while (*p) {
		size_t n;
		char *eq;
		int r;

		ln++;
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n >= sizeof(line))
			goto bad;
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl ? 1 : 0);
		if (ln == 1) {
			if (strcmp(line, MATCHDEF_MAGIC) != 0)
				goto bad;
			continue;
		}
		if (!(eq = strchr(line, '=')))
			goto bad;
		*eq = '\0';
		if (!strcmp(line, "round")) {
			if (round + 1 >= CONTEST_ROUNDS_MAX ||
			    strtol(eq + 1, NULL, 10) != round + 1)
				goto bad;
			round++;
			c->nrounds = (uint32_t)round + 1;
			continue;
		}
		if (!strncmp(line, "round.", 6))
			r = round < 0 ? -1
				      : round_key(line + 6, eq + 1, c,
						  &c->rounds[round]);
		else
			r = head_key(line, eq + 1, s, c);
		if (r < 0)
			goto bad;
	}
	if (ln == 0)
		goto bad;
	return 0;
bad:
	snprintf(err, cap, "match definition: line %u not understood", ln);
	return -QE_BAD_MESSAGE;
}
