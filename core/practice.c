/* Leitner schedule, 错题本 and progress of practice. */
#include "practice.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

static const int64_t practice_intervals[PRACTICE_BOXES] = {
    PRACTICE_BOX0_US, PRACTICE_BOX1_US, PRACTICE_BOX2_US,
    PRACTICE_BOX3_US, PRACTICE_BOX4_US, PRACTICE_BOX5_US,
};

int64_t practice_interval(unsigned box)
{
	return box < PRACTICE_BOXES ? practice_intervals[box] : 0;
}

/* a + b for b >= 0, stopping at INT64_MAX. */
static int64_t add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

/* One more, stopping at UINT32_MAX. */
static uint32_t inc32(uint32_t v)
{
	return v == UINT32_MAX ? v : v + 1;
}

/* One more, stopping at UINT64_MAX. */
static uint64_t inc64(uint64_t v)
{
	return v == UINT64_MAX ? v : v + 1;
}

bool practice_due(const struct practice_item *st, int64_t now_us)
{
	return st->seen == 0 || now_us >= st->due_at;
}

void practice_answer(struct practice_item *st, int64_t now_us, bool correct)
{
	bool due;

	if (now_us < 0)
		now_us = 0;
	if (now_us < st->last_at)
		now_us = st->last_at;
	due = practice_due(st, now_us);
	st->seen = inc32(st->seen);
	st->last_at = now_us;
	if (!correct) {
		st->wrong = inc32(st->wrong);
		st->streak_right = 0;
		st->box = 1;
		st->due_at = add_sat(now_us, PRACTICE_RELEARN_US);
		st->in_review = true;
		return;
	}
	st->right = inc32(st->right);
	st->streak_right = inc32(st->streak_right);
	if (st->streak_right >= PRACTICE_REVIEW_CLEAR)
		st->in_review = false;
	if (!due)
		return;
	if (st->box >= PRACTICE_BOXES)
		st->box = PRACTICE_BOXES - 1;
	if (st->box + 1 < PRACTICE_BOXES)
		st->box++;
	st->due_at = add_sat(now_us, practice_intervals[st->box]);
}

struct practice_set *practice_set_new(const struct bank *b,
				      int32_t utc_offset_s)
{
	struct practice_set *set = calloc(1, sizeof(*set));

	if (!set)
		return NULL;
	set->items = calloc(b->n ? b->n : 1, sizeof(*set->items));
	if (!set->items) {
		free(set);
		return NULL;
	}
	set->bank = b;
	set->n = b->n;
	set->utc_offset_s = utc_offset_s;
	return set;
}

void practice_set_free(struct practice_set *set)
{
	if (!set)
		return;
	free(set->items);
	free(set);
}

int practice_set_load(struct practice_set *set, const char *item_id,
		      const char *text)
{
	const struct item *it = item_id ? bank_find(set->bank, item_id) : NULL;
	size_t i;

	if (!it)
		return -ENOENT;
	i = (size_t)(it - set->bank->items);
	if (i >= set->n)
		return -ENOENT;
	return practice_item_parse(text, &set->items[i]);
}

void practice_session_init(struct practice_session *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->max_new = PRACTICE_NEW_PER_SESSION;
	s->new_gap = PRACTICE_NEW_GAP;
}

bool practice_accepts(const struct practice_filter *f, const struct item *it)
{
	if (!f)
		return true;
	if (f->category && f->category[0] &&
	    (!it->category || strcmp(f->category, it->category) != 0))
		return false;
	if (f->kinds &&
	    ((unsigned)it->kind >= 32 || !(f->kinds & (1u << it->kind))))
		return false;
	return true;
}

/* The best candidate of one kind so far, ties drawn uniformly (reservoir
 * sampling with the seeded PRNG). */
struct practice_best {
	size_t index;
	int64_t key; /* larger is better */
	uint64_t ties;
	uint64_t rng;
};

/* Offers item i with key to the candidate b. */
static void practice_offer(struct practice_best *b, size_t i, int64_t key)
{
	if (b->ties == 0 || key > b->key) {
		b->index = i;
		b->key = key;
		b->ties = 1;
		return;
	}
	if (key < b->key)
		return;
	b->ties++;
	/* keep the newcomer with probability 1/ties, without modulo bias */
	{
		uint64_t limit = UINT64_MAX - UINT64_MAX % b->ties, x;

		do
			x = draw_rand(&b->rng);
		while (x >= limit);
		if (x % b->ties == 0)
			b->index = i;
	}
}

int practice_next(const struct practice_set *set,
		  const struct practice_session *s,
		  const struct practice_filter *f, int64_t now_us,
		  struct practice_pick *pick)
{
	struct practice_session dflt;
	struct practice_best due = {0}, fresh = {0}, rev = {0};
	int64_t earliest = PRACTICE_NEVER;
	uint64_t base;
	size_t i, eligible = 0;
	bool review = f && f->mode == PRACTICE_REVIEW, new_ok;

	if (!s) {
		practice_session_init(&dflt, 0);
		s = &dflt;
	}
	/* one stream per sitting and answer: the same seed and history give
	 * the same picks */
	base = s->seed ^ ((uint64_t)s->answers * 0xd1b54a32d192ed03ULL);
	due.rng = base ^ 0x1;
	fresh.rng = base ^ 0x2;
	rev.rng = base ^ 0x3;
	for (i = 0; i < set->n && i < set->bank->n; i++) {
		const struct practice_item *st = &set->items[i];

		if (!practice_accepts(f, &set->bank->items[i]))
			continue;
		if (review) {
			if (!st->in_review)
				continue;
			eligible++;
			/* answered longest ago first */
			practice_offer(&rev, i,
				       st->last_at == INT64_MIN ? INT64_MAX
								: -st->last_at);
			continue;
		}
		eligible++;
		if (st->seen == 0)
			practice_offer(&fresh, i, 0);
		else if (now_us >= st->due_at)
			/* most overdue first: the earliest due_at */
			practice_offer(&due, i,
				       st->due_at == INT64_MIN ? INT64_MAX
							       : -st->due_at);
		else if (st->due_at < earliest)
			earliest = st->due_at;
	}
	pick->wait_until = 0;
	if (eligible == 0)
		return -ENOENT;
	if (review) {
		pick->index = rev.index;
		pick->why = PRACTICE_PICK_REVIEW;
		return 0;
	}
	new_ok = fresh.ties > 0 && s->new_count < s->max_new;
	if (new_ok && (!due.ties || s->since_new >= s->new_gap)) {
		pick->index = fresh.index;
		pick->why = PRACTICE_PICK_NEW;
		return 0;
	}
	if (due.ties) {
		pick->index = due.index;
		pick->why = PRACTICE_PICK_DUE;
		return 0;
	}
	pick->wait_until = earliest;
	return -EAGAIN;
}

/* Local calendar day number of a time (floor division). */
static int64_t practice_day(int64_t now_us, int32_t utc_offset_s)
{
	int64_t sec = now_us / PRACTICE_SEC_US + utc_offset_s;
	int64_t day = sec / 86400;

	if (sec % 86400 < 0)
		day--;
	return day;
}

int practice_record(struct practice_set *set, struct practice_session *s,
		    size_t index, int64_t now_us, bool correct, int64_t rt_us)
{
	struct practice_person *p = &set->person;
	struct practice_item *st;
	bool was_new;
	int64_t day;

	if (index >= set->n)
		return -EINVAL;
	st = &set->items[index];
	was_new = st->seen == 0;
	practice_answer(st, now_us, correct);
	now_us = st->last_at; /* as clamped */

	if (correct) {
		p->right = inc64(p->right);
		p->streak = inc32(p->streak);
		if (p->streak > p->best_streak)
			p->best_streak = p->streak;
	} else {
		p->wrong = inc64(p->wrong);
		p->streak = 0;
	}
	if (rt_us < 0)
		rt_us = 0;
	if (rt_us > PRACTICE_RT_CAP_US)
		rt_us = PRACTICE_RT_CAP_US;
	p->time_us = add_sat(p->time_us < 0 ? 0 : p->time_us, rt_us);
	day = practice_day(now_us, set->utc_offset_s);
	/* day is at most ~1e8, so day - 1 cannot overflow */
	if (p->days == 0 || day - 1 > p->last_day) {
		p->days = 1;
		p->last_day = day;
	} else if (day - 1 == p->last_day) {
		p->days = inc32(p->days);
		p->last_day = day;
	} /* the same day, or a clock that went back: no change */
	if (p->days > p->best_days)
		p->best_days = p->days;
	if (now_us > p->last_at)
		p->last_at = now_us;

	if (s) {
		s->answers = inc32(s->answers);
		if (was_new) {
			s->new_count = inc32(s->new_count);
			s->since_new = 0;
		} else {
			s->since_new = inc32(s->since_new);
		}
	}
	return 0;
}

/* Reads n space-separated unsigned decimal fields after the tag, each at
 * most max[i]; nothing else may follow. Returns 0 or -EINVAL. */
static int practice_fields(const char *text, const char *tag, uint64_t *v,
			   const uint64_t *max, size_t n)
{
	size_t i, len = strlen(tag);

	if (!text || strncmp(text, tag, len) != 0)
		return -EINVAL;
	text += len;
	for (i = 0; i < n; i++) {
		uint64_t x = 0;

		if (*text++ != ' ' || *text < '0' || *text > '9')
			return -EINVAL;
		if (*text == '0' && text[1] >= '0' && text[1] <= '9')
			return -EINVAL; /* no leading zeros: one spelling */
		while (*text >= '0' && *text <= '9') {
			unsigned d = (unsigned)(*text++ - '0');

			if (d > max[i] || x > (max[i] - d) / 10)
				return -EINVAL;
			x = x * 10 + d;
		}
		v[i] = x;
	}
	return *text ? -EINVAL : 0;
}

int practice_item_format(const struct practice_item *st, char *buf, size_t cap)
{
	int n = snprintf(buf, cap,
			 "S1 %u %u %" PRIu32 " %" PRIu32 " %" PRIu32 " %" PRIu32
			 " %" PRId64 " %" PRId64,
			 (unsigned)st->box, st->in_review ? 1u : 0u, st->seen,
			 st->right, st->wrong, st->streak_right, st->due_at,
			 st->last_at);

	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

int practice_item_parse(const char *text, struct practice_item *out)
{
	static const uint64_t max[8] = {
	    PRACTICE_BOXES - 1, 1,	    UINT32_MAX, UINT32_MAX,
	    UINT32_MAX,		UINT32_MAX, INT64_MAX,	INT64_MAX};
	uint64_t v[8];
	struct practice_item st;

	if (practice_fields(text, "S1", v, max, 8) < 0)
		return -EINVAL;
	st.box = (uint8_t)v[0];
	st.in_review = v[1] != 0;
	st.seen = (uint32_t)v[2];
	st.right = (uint32_t)v[3];
	st.wrong = (uint32_t)v[4];
	st.streak_right = (uint32_t)v[5];
	st.due_at = (int64_t)v[6];
	st.last_at = (int64_t)v[7];
	/* what practice_answer can produce, and nothing else */
	if (st.right > st.seen || st.wrong > st.seen ||
	    st.streak_right > st.right)
		return -EINVAL;
	if (st.seen == 0 && (st.box || st.in_review || st.due_at ||
			     st.last_at || st.right || st.wrong))
		return -EINVAL;
	if (st.seen > 0 && st.box == 0)
		return -EINVAL;
	if (st.in_review &&
	    (st.wrong == 0 || st.streak_right >= PRACTICE_REVIEW_CLEAR))
		return -EINVAL;
	*out = st;
	return 0;
}

int practice_person_format(const struct practice_person *p, char *buf,
			   size_t cap)
{
	int n = snprintf(
	    buf, cap,
	    "P1 %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRIu32 " %" PRIu32
	    " %" PRIu32 " %" PRIu32 " %" PRId64 " %" PRId64,
	    p->right, p->wrong, p->time_us < 0 ? 0 : p->time_us, p->streak,
	    p->best_streak, p->days, p->best_days,
	    p->last_day < 0 ? 0 : p->last_day, p->last_at < 0 ? 0 : p->last_at);

	if (n < 0 || (size_t)n >= cap)
		return -ENOSPC;
	return n;
}

int practice_person_parse(const char *text, struct practice_person *out)
{
	static const uint64_t max[9] = {UINT64_MAX, UINT64_MAX, INT64_MAX,
					UINT32_MAX, UINT32_MAX, UINT32_MAX,
					UINT32_MAX, INT64_MAX,	INT64_MAX};
	uint64_t v[9];
	struct practice_person p;

	if (practice_fields(text, "P1", v, max, 9) < 0)
		return -EINVAL;
	p.right = v[0];
	p.wrong = v[1];
	p.time_us = (int64_t)v[2];
	p.streak = (uint32_t)v[3];
	p.best_streak = (uint32_t)v[4];
	p.days = (uint32_t)v[5];
	p.best_days = (uint32_t)v[6];
	p.last_day = (int64_t)v[7];
	p.last_at = (int64_t)v[8];
	if (p.streak > p.best_streak || p.days > p.best_days ||
	    p.streak > p.right)
		return -EINVAL;
	*out = p;
	return 0;
}

/* The category name of an item ("" when it has none). */
static const char *practice_cat_name(const struct item *it)
{
	return it->category ? it->category : "";
}

int practice_progress_init(struct practice_progress *p, const struct bank *b)
{
	size_t i, c;

	memset(p, 0, sizeof(*p));
	p->bank = b;
	p->cat = calloc(b->n ? b->n : 1, sizeof(*p->cat));
	p->cat_of = calloc(b->n ? b->n : 1, sizeof(*p->cat_of));
	if (!p->cat || !p->cat_of)
		goto fail;
	p->all.name = "";
	for (i = 0; i < b->n; i++) {
		const char *name = practice_cat_name(&b->items[i]);

		for (c = 0; c < p->n_cat; c++)
			if (strcmp(p->cat[c].name, name) == 0)
				break;
		if (c == p->n_cat)
			p->cat[p->n_cat++].name = name;
		p->cat[c].items++;
		p->cat_of[i] = (uint32_t)c;
	}
	p->all.items = (uint32_t)b->n;
	return 0;
fail:
	practice_progress_clear(p);
	return -ENOMEM;
}

void practice_progress_clear(struct practice_progress *p)
{
	free(p->cat);
	free(p->cat_of);
	memset(p, 0, sizeof(*p));
}

/* Adds b to a, saturating. */
static uint64_t add64(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Adds one item's state to the figures of a category. */
static void practice_cat_add(struct practice_cat *c,
			     const struct practice_item *st)
{
	if (st->seen)
		c->seen = inc64(c->seen);
	if (st->box >= PRACTICE_MASTERED_BOX)
		c->mastered = inc64(c->mastered);
	if (st->in_review)
		c->review = inc64(c->review);
	c->right = add64(c->right, st->right);
	c->wrong = add64(c->wrong, st->wrong);
}

int practice_progress_add(struct practice_progress *p,
			  const struct practice_set *set, int64_t now_us)
{
	const struct practice_person *pp = &set->person;
	uint32_t days = pp->days;
	size_t i;

	if (set->bank != p->bank || set->n != p->bank->n)
		return -EINVAL;
	for (i = 0; i < set->n; i++) {
		practice_cat_add(&p->cat[p->cat_of[i]], &set->items[i]);
		practice_cat_add(&p->all, &set->items[i]);
	}
	p->persons = inc32(p->persons);
	p->time_us = add_sat(p->time_us, pp->time_us < 0 ? 0 : pp->time_us);
	/* a run of days ends when neither today nor yesterday had an answer */
	if (days && practice_day(now_us, set->utc_offset_s) - 1 > pp->last_day)
		days = 0;
	if (pp->streak > p->streak)
		p->streak = pp->streak;
	if (pp->best_streak > p->best_streak)
		p->best_streak = pp->best_streak;
	if (days > p->days)
		p->days = days;
	if (pp->best_days > p->best_days)
		p->best_days = pp->best_days;
	if (pp->last_at > p->last_at)
		p->last_at = pp->last_at;
	return 0;
}

uint32_t practice_permille(uint64_t part, uint64_t whole)
{
	long double r;

	if (whole == 0)
		return 0;
	if (part > whole)
		part = whole;
	r = (long double)part * 1000.0L / (long double)whole;
	return (uint32_t)(r + 0.5L);
}

uint32_t practice_mastery(const struct practice_progress *p,
			  const struct practice_cat *c)
{
	return practice_permille(c->mastered, (uint64_t)c->items * p->persons);
}

uint32_t practice_accuracy(const struct practice_cat *c)
{
	return practice_permille(c->right, add64(c->right, c->wrong));
}
