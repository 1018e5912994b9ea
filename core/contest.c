/* Contests: per-format round defaults, range checks with sentences that
 * name the round and the field, and which formats a contest needs
 * (docs/CONTEST.md). */
#include "contest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "text.h"

#define US_PER_S 1000000LL

/* The ranges of docs/CONTEST.md. */
#define TIME_MIN_S	 3
#define TIME_MAX_S	 300
#define WAGER_TIME_MIN_S 3
#define WAGER_TIME_MAX_S 120
#define SPEED_POINTS_MAX 100000
#define TURN_POINTS_MAX	 1000
#define PENALTY_MIN	 (-1000)
#define STAKE_MAX	 1000
#define COUNT_MAX	 200
#define DIFFICULTY_MAX	 3
#define TEAM_BASE_MAX	 100000
#define READING_MAX_S	 60
#define ARM_MIN_S	 3
#define ARM_MAX_S	 300
#define TIE_MAX_MS	 1000
#define REBOUNDS_MAX	 10

/* The name of a format as written in contest files. */
static const char *contest_format_name(enum round_format f)
{
	switch (f) {
	case FMT_SPEED:
		return "speed";
	case FMT_TURN:
		return "turn";
	case FMT_BUZZ:
		return "buzz";
	case FMT_WAGER:
		return "wager";
	case FMT_PRACTICE:
		return "practice";
	default:
		return "unknown";
	}
}

/* Writes a formatted sentence to err (when cap > 0) and returns
 * -QE_BAD_MESSAGE, so checks read `return contest_fail(...)`. */
__attribute__((format(printf, 3, 4))) static int
contest_fail(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (err && cap > 0) {
		va_start(ap, fmt);
		vsnprintf(err, cap, fmt, ap);
		va_end(ap);
	}
	return -QE_BAD_MESSAGE;
}

/* Sets every field of r to the defaults of format f. */
void round_cfg_default(struct round_cfg *r, enum round_format f)
{
	memset(r, 0, sizeof(*r));
	r->format = f;
	switch (f) {
	case FMT_TURN:
		r->count = 2;
		r->time_limit_us = 30 * US_PER_S;
		r->points = 10;
		r->penalty = 0;
		break;
	case FMT_WAGER:
		r->count = 3;
		r->time_limit_us = 30 * US_PER_S;
		r->wager_us = 15 * US_PER_S;
		r->stakes[0] = 10;
		r->stakes[1] = 20;
		r->stakes[2] = 30;
		r->nstakes = 3;
		break;
	case FMT_BUZZ:
		r->count = 10;
		r->time_limit_us = 20 * US_PER_S;
		r->points = 10;
		r->penalty = -10;
		r->reading_us = 0; /* from the stem */
		r->arm_us = 20 * US_PER_S;
		r->tie_us = 20 * 1000;
		r->foul = -10;
		r->rebounds = 1;
		break;
	default: /* SPEED, and the reserved formats until they get theirs */
		r->count = 10;
		r->time_limit_us = 20 * US_PER_S;
		r->points = 1000;
		break;
	}
}

/* Whether the string in a fixed array is NUL-terminated inside it. */
static bool contest_terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* Fills the zero fields of round i (0-based) with its format's defaults
 * and refuses fields its format does not use. */
static int contest_round_fill(struct round_cfg *r, unsigned i, char *err,
			      size_t cap)
{
	struct round_cfg d;
	const char *fname = contest_format_name(r->format);

	round_cfg_default(&d, r->format);
	if (r->format != FMT_WAGER && r->nstakes > 0)
		return contest_fail(err, cap,
				    "round %u: stakes apply only to wager "
				    "rounds, not to a %s round",
				    i + 1, fname);
	if (r->format != FMT_WAGER && r->wager_us != 0)
		return contest_fail(err, cap,
				    "round %u: wager_time applies only to "
				    "wager rounds, not to a %s round",
				    i + 1, fname);
	if (r->format != FMT_TURN && r->format != FMT_BUZZ &&
	    (r->penalty != 0 || (r->given & RC_GIVEN_PENALTY)))
		return contest_fail(err, cap,
				    "round %u: penalty applies only to turn "
				    "and buzz rounds, not to a %s round",
				    i + 1, fname);
	if (r->format != FMT_BUZZ) {
		const char *k = NULL;

		if (r->foul != 0 || (r->given & RC_GIVEN_FOUL))
			k = "foul";
		else if (r->rebounds != 0 || (r->given & RC_GIVEN_REBOUNDS))
			k = "rebounds";
		else if (r->reading_us != 0)
			k = "reading";
		else if (r->arm_us != 0)
			k = "arm_time";
		else if (r->tie_us != 0)
			k = "tie_ms";
		if (k)
			return contest_fail(err, cap,
					    "round %u: %s applies only to buzz "
					    "rounds, not to a %s round",
					    i + 1, k, fname);
	}
	if ((unsigned)r->judge > JUDGE_FILL)
		return contest_fail(err, cap,
				    "round %u: judge must be auto, oral or "
				    "fill",
				    i + 1);
	if (r->judge == JUDGE_ORAL && r->format != FMT_BUZZ)
		return contest_fail(err, cap,
				    "round %u: judge = oral applies only to "
				    "buzz rounds (the winner answers aloud), "
				    "not to a %s round",
				    i + 1, fname);
	if (r->format == FMT_WAGER && r->points != 0)
		return contest_fail(err, cap,
				    "round %u: points do not apply to a wager "
				    "round (it books +/- the stake); use "
				    "stakes",
				    i + 1);
	if (r->count == 0)
		r->count =
		    r->nids > 0 && r->format != FMT_TURN ? r->nids : d.count;
	if (r->time_limit_us == 0)
		r->time_limit_us = d.time_limit_us;
	if (r->wager_us == 0)
		r->wager_us = d.wager_us;
	if (r->points == 0)
		r->points = d.points;
	if (r->penalty == 0 && !(r->given & RC_GIVEN_PENALTY))
		r->penalty = d.penalty;
	if (r->foul == 0 && !(r->given & RC_GIVEN_FOUL))
		r->foul = d.foul;
	if (r->rebounds == 0 && !(r->given & RC_GIVEN_REBOUNDS))
		r->rebounds = d.rebounds;
	if (r->arm_us == 0)
		r->arm_us = d.arm_us;
	if (r->tie_us == 0)
		r->tie_us = d.tie_us;
	if (r->nstakes == 0) {
		memcpy(r->stakes, d.stakes, sizeof(r->stakes));
		r->nstakes = d.nstakes;
	}
	if (r->name[0] == '\0')
		snprintf(r->name, sizeof(r->name), "Round %u", i + 1);
	return 0;
}

/* Checks the question selection of round i: ids, category, kinds,
 * difficulty and count. */
static int contest_round_selection(const struct contest *c, unsigned i,
				   char *err, size_t cap)
{
	const struct round_cfg *r = &c->rounds[i];
	unsigned j, k, p;

	if (r->nids > CONTEST_IDS_MAX || r->first_id > c->nids ||
	    r->nids > c->nids - r->first_id)
		return contest_fail(err, cap,
				    "round %u: ids lists %u items; at most %d "
				    "in a contest",
				    i + 1, r->nids, CONTEST_IDS_MAX);
	for (j = 0; j < r->nids; j++) {
		const char *id = contest_round_id(c, r, j);

		if (!contest_terminated(id, sizeof(c->ids[0])) ||
		    id[0] == '\0' || !text_utf8_valid(id, strlen(id)))
			return contest_fail(
			    err, cap,
			    "round %u: ids: item id %u is "
			    "empty, too long (at most %d bytes) "
			    "or not UTF-8",
			    i + 1, j + 1, CONTEST_ITEM_ID_MAX);
		for (k = 0; k < j; k++)
			if (strcmp(contest_round_id(c, r, k), id) == 0)
				return contest_fail(err, cap,
						    "round %u: ids: item '%s' "
						    "is listed twice",
						    i + 1, id);
		for (p = 0; p < i; p++)
			for (k = 0; k < c->rounds[p].nids; k++)
				if (strcmp(
					contest_round_id(c, &c->rounds[p], k),
					id) == 0)
					return contest_fail(
					    err, cap,
					    "round %u: ids: item '%s' is "
					    "already asked in round %u",
					    i + 1, id, p + 1);
	}
	if (!contest_terminated(r->category, sizeof(r->category)) ||
	    !text_utf8_valid(r->category, strlen(r->category)))
		return contest_fail(err, cap,
				    "round %u: category is longer than %d "
				    "bytes or not UTF-8",
				    i + 1, QUIZ_CATEGORY_MAX);
	if (r->kinds & ~((1u << ITEM_SINGLE) | (1u << ITEM_MULTI) |
			 (1u << ITEM_TRUE_FALSE) | (1u << ITEM_FILL)))
		return contest_fail(
		    err, cap, "round %u: kinds names an unknown kind", i + 1);
	if (r->min_difficulty < 0 || r->min_difficulty > DIFFICULTY_MAX ||
	    r->max_difficulty < 0 || r->max_difficulty > DIFFICULTY_MAX)
		return contest_fail(err, cap,
				    "round %u: difficulty must be 1..%d "
				    "(got %d-%d)",
				    i + 1, DIFFICULTY_MAX, r->min_difficulty,
				    r->max_difficulty);
	if (r->min_difficulty && r->max_difficulty &&
	    r->min_difficulty > r->max_difficulty)
		return contest_fail(err, cap,
				    "round %u: difficulty %d-%d: the lower "
				    "bound is above the upper",
				    i + 1, r->min_difficulty,
				    r->max_difficulty);
	if (r->count < 1 || r->count > COUNT_MAX)
		return contest_fail(err, cap,
				    "round %u: count must be 1..%d (got %u)",
				    i + 1, COUNT_MAX, r->count);
	if (r->nids > 0 && r->format != FMT_TURN && r->count > r->nids)
		return contest_fail(err, cap,
				    "round %u: count %u is more than the %u "
				    "ids listed",
				    i + 1, r->count, r->nids);
	return 0;
}

/* Checks the timings, points, penalty and stakes of round i. */
static int contest_round_scoring(const struct round_cfg *r, unsigned i,
				 char *err, size_t cap)
{
	int32_t pmax = r->format == FMT_TURN || r->format == FMT_BUZZ
			   ? TURN_POINTS_MAX
			   : SPEED_POINTS_MAX;
	unsigned j;

	if (r->time_limit_us < TIME_MIN_S * US_PER_S ||
	    r->time_limit_us > TIME_MAX_S * US_PER_S)
		return contest_fail(err, cap,
				    "round %u: time must be %d..%d seconds "
				    "(got %g)",
				    i + 1, TIME_MIN_S, TIME_MAX_S,
				    (double)r->time_limit_us / US_PER_S);
	if (r->format == FMT_WAGER &&
	    (r->wager_us < WAGER_TIME_MIN_S * US_PER_S ||
	     r->wager_us > WAGER_TIME_MAX_S * US_PER_S))
		return contest_fail(err, cap,
				    "round %u: wager_time must be %d..%d "
				    "seconds (got %g)",
				    i + 1, WAGER_TIME_MIN_S, WAGER_TIME_MAX_S,
				    (double)r->wager_us / US_PER_S);
	if (r->format != FMT_WAGER && (r->points < 1 || r->points > pmax))
		return contest_fail(err, cap,
				    "round %u: points must be 1..%d in a %s "
				    "round (got %d)",
				    i + 1, (int)pmax,
				    contest_format_name(r->format),
				    (int)r->points);
	if (r->penalty < PENALTY_MIN || r->penalty > 0)
		return contest_fail(err, cap,
				    "round %u: penalty must be %d..0 (got %d)",
				    i + 1, PENALTY_MIN, (int)r->penalty);
	if (r->format == FMT_BUZZ) {
		if (r->foul < PENALTY_MIN || r->foul > 0)
			return contest_fail(err, cap,
					    "round %u: foul must be %d..0 (got "
					    "%d)",
					    i + 1, PENALTY_MIN, (int)r->foul);
		if (r->rebounds > REBOUNDS_MAX)
			return contest_fail(err, cap,
					    "round %u: rebounds must be 0..%d "
					    "(got %u)",
					    i + 1, REBOUNDS_MAX, r->rebounds);
		if (r->reading_us < 0 ||
		    (r->reading_us > 0 && r->reading_us < US_PER_S) ||
		    r->reading_us > READING_MAX_S * US_PER_S)
			return contest_fail(err, cap,
					    "round %u: reading must be auto or "
					    "1..%d seconds (got %g)",
					    i + 1, READING_MAX_S,
					    (double)r->reading_us / US_PER_S);
		if (r->arm_us < ARM_MIN_S * US_PER_S ||
		    r->arm_us > ARM_MAX_S * US_PER_S)
			return contest_fail(err, cap,
					    "round %u: arm_time must be %d..%d "
					    "seconds (got %g)",
					    i + 1, ARM_MIN_S, ARM_MAX_S,
					    (double)r->arm_us / US_PER_S);
		if (r->tie_us < 1000 || r->tie_us > TIE_MAX_MS * 1000)
			return contest_fail(err, cap,
					    "round %u: tie_ms must be 1..%d "
					    "milliseconds (got %g)",
					    i + 1, TIE_MAX_MS,
					    (double)r->tie_us / 1000);
	}
	if (r->format != FMT_WAGER)
		return 0;
	if (r->nstakes < 1 || r->nstakes > CONTEST_STAKES_MAX)
		return contest_fail(err, cap,
				    "round %u: stakes lists %u values; 1..%d "
				    "are allowed",
				    i + 1, r->nstakes, CONTEST_STAKES_MAX);
	for (j = 0; j < r->nstakes; j++) {
		if (r->stakes[j] < 1 || r->stakes[j] > STAKE_MAX)
			return contest_fail(err, cap,
					    "round %u: stakes: each stake must "
					    "be 1..%d (got %d)",
					    i + 1, STAKE_MAX,
					    (int)r->stakes[j]);
		if (j > 0 && r->stakes[j] <= r->stakes[j - 1])
			return contest_fail(err, cap,
					    "round %u: stakes must be distinct "
					    "and ascending (%d after %d)",
					    i + 1, (int)r->stakes[j],
					    (int)r->stakes[j - 1]);
	}
	return 0;
}

/* Checks the title, scoring, base and the fixed teams. */
static int contest_head(struct contest *c, char *err, size_t cap)
{
	char keys[2][TEXT_KEY_MAX + 1];
	unsigned i, j;

	if (!contest_terminated(c->title, sizeof(c->title)) ||
	    c->title[0] == '\0')
		return contest_fail(err, cap,
				    "title is missing or longer than %d bytes",
				    QUIZ_TITLE_MAX);
	if (!text_valid_name(c->title, QUIZ_TITLE_MAX))
		return contest_fail(err, cap,
				    "title '%s' is not a valid name (control "
				    "or invisible characters, or leading or "
				    "trailing spaces)",
				    c->title);
	if (c->scoring != TEAM_MEAN && c->scoring != TEAM_SUM)
		return contest_fail(err, cap, "scoring must be mean or sum");
	if (c->team_base < -TEAM_BASE_MAX || c->team_base > TEAM_BASE_MAX)
		return contest_fail(err, cap, "base must be %d..%d (got %lld)",
				    -TEAM_BASE_MAX, TEAM_BASE_MAX,
				    (long long)c->team_base);
	if (c->nteams > CONTEST_TEAMS_MAX)
		return contest_fail(err, cap,
				    "teams lists %u teams; at most %d",
				    c->nteams, CONTEST_TEAMS_MAX);
	for (i = 0; i < c->nteams; i++) {
		if (!contest_terminated(c->teams[i], sizeof(c->teams[i])) ||
		    !text_valid_name(c->teams[i], QUIZ_TEAM_MAX))
			return contest_fail(
			    err, cap,
			    "teams: team %u is not a valid team name (1..%d "
			    "bytes of UTF-8, no control or invisible "
			    "characters, no leading or trailing spaces)",
			    i + 1, QUIZ_TEAM_MAX);
		if (text_name_key(c->teams[i], keys[0], sizeof(keys[0])) < 0)
			return contest_fail(err, cap,
					    "teams: team %u '%s' has no usable "
					    "name key",
					    i + 1, c->teams[i]);
		for (j = 0; j < i; j++) {
			if (text_name_key(c->teams[j], keys[1],
					  sizeof(keys[1])) < 0)
				continue;
			if (strcmp(keys[0], keys[1]) == 0)
				return contest_fail(
				    err, cap,
				    "teams: team %u '%s' is the same name as "
				    "team %u '%s'",
				    i + 1, c->teams[i], j + 1, c->teams[j]);
		}
	}
	return 0;
}

/* Fills defaults and checks every range (contest.h). */
int contest_normalize(struct contest *c, char *err, size_t cap)
{
	unsigned i;
	int rc;

	if (err && cap > 0)
		err[0] = '\0';
	rc = contest_head(c, err, cap);
	if (rc < 0)
		return rc;
	if (c->nrounds < 1 || c->nrounds > CONTEST_ROUNDS_MAX)
		return contest_fail(err, cap,
				    "a contest has 1..%d rounds (got %u)",
				    CONTEST_ROUNDS_MAX, c->nrounds);
	for (i = 0; i < c->nrounds; i++) {
		struct round_cfg *r = &c->rounds[i];

		if ((unsigned)r->format >= FMT_COUNT)
			return contest_fail(err, cap,
					    "round %u: format %d is unknown",
					    i + 1, (int)r->format);
		if (!contest_terminated(r->name, sizeof(r->name)))
			return contest_fail(err, cap,
					    "round %u: name is longer than %d "
					    "bytes",
					    i + 1, QUIZ_TITLE_MAX);
		rc = contest_round_fill(r, i, err, cap);
		if (rc < 0)
			return rc;
		if (!text_valid_name(r->name, QUIZ_TITLE_MAX))
			return contest_fail(err, cap,
					    "round %u: name '%s' is not a "
					    "valid name",
					    i + 1, r->name);
		rc = contest_round_selection(c, i, err, cap);
		if (rc < 0)
			return rc;
		rc = contest_round_scoring(r, i, err, cap);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Whether this build runs every format of c (contest.h). */
bool contest_runnable(const struct contest *c, char *err, size_t cap)
{
	unsigned i;

	for (i = 0; i < c->nrounds && i < CONTEST_ROUNDS_MAX; i++) {
		enum round_format f = c->rounds[i].format;

		if (f == FMT_SPEED || f == FMT_TURN || f == FMT_WAGER ||
		    f == FMT_BUZZ)
			continue;
		contest_fail(err, cap,
			     "round %u: the %s format is not yet supported by "
			     "this server",
			     i + 1, contest_format_name(f));
		return false;
	}
	return true;
}

/* The k-th explicit id of round r: the pool keeps every round's ids. */
const char *contest_round_id(const struct contest *c, const struct round_cfg *r,
			     uint32_t k)
{
	return c->ids[r->first_id + k];
}

/* The formats c uses, as bits (contest.h). */
uint32_t contest_formats(const struct contest *c)
{
	uint32_t bits = 0;
	unsigned i;

	for (i = 0; i < c->nrounds && i < CONTEST_ROUNDS_MAX; i++)
		if ((unsigned)c->rounds[i].format < 32)
			bits |= 1u << c->rounds[i].format;
	return bits;
}
