/* Contest files (docs/CONTEST.md): libinih splits the INI text into
 * sections and key = value pairs; this file feeds it one line at a time
 * through a reader that counts lines, so every problem is reported on its
 * line, then checks the result with contest_normalize.
 *
 * libinih does not pass line numbers to the handler in Debian's build
 * (INI_HANDLER_LINENO 0) and calls it only for key = value lines, so the
 * reader also classifies each line the way libinih will (blank, comment,
 * [section], key line, indented continuation): that is how section headers
 * get their line, and how a line libinih rejects gets its message. */
#include "contest_file.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "text.h"
#include "xalloc.h"

/* What a line is, as libinih will see it. */
enum cf_line_kind {
	CF_BLANK,    /* blank, a comment, or replaced by a blank line */
	CF_SECTION,  /* [name] */
	CF_KEY,	     /* should be key = value: the handler must be called */
	CF_CONTINUE, /* indented: continues the previous key's value */
};

/* Which section the lines belong to. */
enum cf_section {
	CF_SEC_NONE,	/* before the first header */
	CF_SEC_CONTEST, /* [contest] */
	CF_SEC_ROUND,	/* [round.N] */
	CF_SEC_IGNORED, /* a refused header: its keys are skipped */
};

/* The parse in progress (the user pointer of libinih's callbacks). */
struct cf_state {
	struct contest *c;
	struct contest_file_errors *errs;
	struct contest_file_lines *lines;
	const char *pos, *end; /* text not yet handed to libinih */
	unsigned line;	       /* the line libinih is working on */
	enum cf_line_kind kind;
	int handled;  /* the handler was called for this line */
	int have_key; /* a key line since the last header (libinih's
			 prev_name: what makes an indented line a
			 continuation) */
	int last_key; /* index of that key in its table, -1 if unknown */
	enum cf_section sec;
	char sec_name[48]; /* for messages: "[round.2]" */
	unsigned round;	   /* index of the current round */
	unsigned contest_line;
};

/* Keys of [contest]. */
enum cf_head_key { CFH_TITLE, CFH_SCORING, CFH_BASE, CFH_TEAMS, CFH_COUNT };

static const char *const cf_head_keys[CFH_COUNT] = {"title", "scoring", "base",
						    "teams"};

static const char *const cf_round_keys[CFK_COUNT_] = {
    "name",    "format",   "count",    "time",	"wager_time", "points",
    "penalty", "stakes",   "category", "kinds", "difficulty", "ids",
    "reading", "arm_time", "tie_ms",   "foul",	"rebounds",   "judge"};

/* Judge mode spellings a file may use. */
static const struct {
	const char *name;
	enum judge_mode j;
} cf_judges[] = {
    {"auto", JUDGE_AUTO}, {"oral", JUDGE_ORAL}, {"fill", JUDGE_FILL},
    {"自动", JUDGE_AUTO}, {"口述", JUDGE_ORAL}, {"填空", JUDGE_FILL},
};

/* Format spellings a file may use. */
static const struct {
	const char *name;
	enum round_format f;
} cf_formats[] = {
    {"speed", FMT_SPEED}, {"turn", FMT_TURN},	      {"wager", FMT_WAGER},
    {"buzz", FMT_BUZZ},	  {"practice", FMT_PRACTICE}, {"必答", FMT_TURN},
    {"风险", FMT_WAGER},  {"抢答", FMT_BUZZ},	      {"练习", FMT_PRACTICE},
};

/* Kind spellings a file may use. */
static const struct {
	const char *name;
	enum item_kind k;
} cf_kinds[] = {
    {"single", ITEM_SINGLE},
    {"multi", ITEM_MULTI},
    {"true_false", ITEM_TRUE_FALSE},
    {"truefalse", ITEM_TRUE_FALSE},
    {"fill", ITEM_FILL},
    {"单选", ITEM_SINGLE},
    {"多选", ITEM_MULTI},
    {"判断", ITEM_TRUE_FALSE},
    {"填空", ITEM_FILL},
};

/* Appends a problem on line to errs (contest_file.h). */
void contest_file_error(struct contest_file_errors *errs, unsigned line,
			const char *fmt, ...)
{
	struct contest_file_error *e;
	va_list ap;

	errs->total++;
	if (errs->n >= CONTEST_FILE_ERRORS_KEEP)
		return;
	e = &errs->v[errs->n++];
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/* The file spelling of a format (contest_file.h). */
const char *contest_file_format_name(enum round_format f)
{
	unsigned i;

	for (i = 0; i < sizeof(cf_formats) / sizeof(cf_formats[0]); i++)
		if (cf_formats[i].f == f)
			return cf_formats[i].name;
	return "unknown";
}

/* Whether c is white space to libinih (ASCII isspace, locale-free). */
static int cf_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* Reports a line the handler should have seen and did not: libinih found
 * no '=' or ':' on it. */
static void cf_finish_line(struct cf_state *st)
{
	if (st->line && st->kind == CF_KEY && !st->handled)
		contest_file_error(st->errs, st->line,
				   "expected 'key = value', a [section] or a "
				   "comment");
}

/* Starts the section named by the n bytes at name, on the current line. */
static void cf_section(struct cf_state *st, const char *name, size_t n)
{
	struct contest *c = st->c;
	unsigned long num = 0;
	size_t i;

	st->have_key = 0;
	st->sec = CF_SEC_IGNORED;
	snprintf(st->sec_name, sizeof(st->sec_name), "[%.*s]",
		 (int)(n < 40 ? n : 40), name);
	if (n == 7 && memcmp(name, "contest", 7) == 0) {
		if (st->contest_line)
			contest_file_error(st->errs, st->line,
					   "[contest] appears again (first on "
					   "line %u)",
					   st->contest_line);
		else
			st->contest_line = st->line;
		st->sec = CF_SEC_CONTEST;
		return;
	}
	if (n > 6 && n < 10 && memcmp(name, "round.", 6) == 0 &&
	    name[6] != '0') {
		for (i = 6; i < n && name[i] >= '0' && name[i] <= '9'; i++)
			num = num * 10 + (unsigned long)(name[i] - '0');
		if (i < n)
			num = 0;
	}
	if (num == 0) {
		contest_file_error(st->errs, st->line,
				   "unknown section %s; the sections are "
				   "[contest] and [round.1], [round.2]...",
				   st->sec_name);
		return;
	}
	if (c->nrounds >= CONTEST_ROUNDS_MAX) {
		contest_file_error(st->errs, st->line,
				   "%s: a contest has at most %d rounds",
				   st->sec_name, CONTEST_ROUNDS_MAX);
		return;
	}
	if (num != c->nrounds + 1) {
		contest_file_error(st->errs, st->line,
				   "%s should be [round.%u]: rounds are "
				   "numbered 1, 2, 3... in file order",
				   st->sec_name, c->nrounds + 1);
		return;
	}
	st->round = c->nrounds++;
	st->lines->round[st->round] = st->line;
	st->sec = CF_SEC_ROUND;
}

/* Classifies the n bytes of line as libinih will (see its ini_parse_stream)
 * and starts a section when it is a header. */
static void cf_classify(struct cf_state *st, const char *line, size_t n)
{
	const char *p = line, *e = line + n, *q;

	while (p < e && cf_space(*p))
		p++;
	st->handled = 0;
	if (p == e || *p == ';' || *p == '#') {
		st->kind = CF_BLANK;
	} else if (p > line && st->have_key) {
		st->kind = CF_CONTINUE;
	} else if (*p == '[') {
		st->kind = CF_SECTION;
		/* libinih ends the name at ']' or at an inline comment (';'
		 * after white space) */
		for (q = p + 1; q < e && *q != ']'; q++)
			if (*q == ';' && cf_space(q[-1]))
				break;
		if (q < e && *q == ']')
			cf_section(st, p + 1, (size_t)(q - p - 1));
		else
			contest_file_error(st->errs, st->line,
					   "a section header needs its "
					   "closing ']'");
	} else {
		st->kind = CF_KEY;
	}
}

/* libinih's reader: hands over one whole line at a time, so libinih's line
 * count and ours agree. A line that is too long or not UTF-8 is reported
 * and replaced by a blank line. */
static char *cf_reader(char *str, int num, void *stream)
{
	struct cf_state *st = stream;
	const char *eol;
	size_t n, body;

	cf_finish_line(st);
	if (st->pos >= st->end || num < 2)
		return NULL;
	eol = memchr(st->pos, '\n', (size_t)(st->end - st->pos));
	n = eol ? (size_t)(eol - st->pos) + 1 : (size_t)(st->end - st->pos);
	body = n;
	if (body && st->pos[body - 1] == '\n')
		body--;
	if (body && st->pos[body - 1] == '\r')
		body--;
	st->line++;
	if (body > CONTEST_FILE_LINE_MAX || n + 1 > (size_t)num) {
		contest_file_error(st->errs, st->line,
				   "line is %zu bytes long; at most %d (split "
				   "a list over indented lines)",
				   body, CONTEST_FILE_LINE_MAX);
		n = 0;
	} else if (!text_utf8_valid(st->pos, n)) {
		contest_file_error(st->errs, st->line, "not valid UTF-8");
		n = 0;
	}
	if (n == 0) {
		st->pos = eol ? eol + 1 : st->end;
		st->kind = CF_BLANK;
		strcpy(str, "\n");
		return str;
	}
	memcpy(str, st->pos, n);
	str[n] = '\0';
	st->pos += n;
	cf_classify(st, str, n);
	return str;
}

/* Copies value into dst (cap bytes with the NUL) or reports it too long. */
static int cf_copy(struct cf_state *st, char *dst, size_t cap, const char *what,
		   const char *value)
{
	size_t n = strlen(value);

	if (n >= cap) {
		contest_file_error(st->errs, st->line,
				   "%s is %zu bytes long; at most %zu", what, n,
				   cap - 1);
		return -1;
	}
	memcpy(dst, value, n + 1);
	return 0;
}

/* Parses a whole decimal number (optional sign) within lo..hi. Reports
 * "KEY: 'v' is not a whole number" and returns -1 otherwise. */
static int cf_number(struct cf_state *st, const char *key, const char *v,
		     long long lo, long long hi, long long *out)
{
	const char *p = v;
	long long x = 0;
	int neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!*p)
		goto bad;
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || x > 100000000000LL)
			goto bad;
		x = x * 10 + (*p - '0');
	}
	if (neg)
		x = -x;
	if (x < lo || x > hi)
		goto bad;
	*out = x;
	return 0;
bad:
	contest_file_error(st->errs, st->line,
			   "%s: '%s' is not a whole number%s", key, v,
			   lo > 0 ? " of 1 or more" : "");
	return -1;
}

/* A key whose zero value means "the default" refuses an explicit 0, which
 * would otherwise pass silently as the default. */
static int cf_nonzero(struct cf_state *st, const char *key, const char *v,
		      long long lo, long long *out)
{
	if (cf_number(st, key, v, lo, INT32_MAX, out) < 0)
		return -1;
	if (*out != 0)
		return 0;
	contest_file_error(st->errs, st->line,
			   "%s = 0 is not allowed (leave the key out for the "
			   "default)",
			   key);
	return -1;
}

/* Length of a list separator at p: ',' or the full-width '，'. */
static size_t cf_sep(const char *p)
{
	if (*p == ',')
		return 1;
	if ((unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBC &&
	    (unsigned char)p[2] == 0x8C)
		return 3;
	return 0;
}

/* Length of white space at p: ASCII, or the ideographic space U+3000. */
static size_t cf_blank(const char *p)
{
	if (*p == ' ' || *p == '\t')
		return 1;
	if ((unsigned char)p[0] == 0xE3 && (unsigned char)p[1] == 0x80 &&
	    (unsigned char)p[2] == 0x80)
		return 3;
	return 0;
}

/* Calls each(st, item, arg) for every entry of a comma-separated list
 * (entries trimmed; a trailing separator is allowed, an empty entry in the
 * middle is reported). Stops at the first entry each() refuses. */
static void cf_list(struct cf_state *st, const char *key, const char *v,
		    int (*each)(struct cf_state *, const char *, void *),
		    void *arg)
{
	char item[CONTEST_FILE_LINE_MAX + 1];
	const char *p = v, *s, *e;
	size_t k, n;

	while (*p) {
		s = p;
		while (*p && !cf_sep(p))
			p++;
		e = p;
		if (*p)
			p += cf_sep(p);
		while (s < e && (k = cf_blank(s)) > 0)
			s += k;
		while (e > s && cf_space(e[-1]))
			e--;
		while (e - s >= 3 && cf_blank(e - 3) == 3)
			e -= 3;
		n = (size_t)(e - s);
		if (n == 0) {
			if (!*p)
				break; /* trailing separator */
			contest_file_error(st->errs, st->line,
					   "%s: empty entry in the list", key);
			return;
		}
		if (n >= sizeof(item))
			n = sizeof(item) - 1;
		memcpy(item, s, n);
		item[n] = '\0';
		if (each(st, item, arg) < 0)
			return;
	}
}

/* Adds one team of the fixed list. */
static int cf_team(struct cf_state *st, const char *name, void *arg)
{
	struct contest *c = st->c;

	(void)arg;
	if (c->nteams >= CONTEST_TEAMS_MAX) {
		contest_file_error(st->errs, st->line,
				   "teams: at most %d teams",
				   CONTEST_TEAMS_MAX);
		return -1;
	}
	if (strlen(name) > QUIZ_TEAM_MAX) {
		contest_file_error(st->errs, st->line,
				   "teams: '%s' is %zu bytes long; a team name "
				   "has at most %d bytes",
				   name, strlen(name), QUIZ_TEAM_MAX);
		return -1;
	}
	strcpy(c->teams[c->nteams], name);
	st->lines->teams[c->nteams++] = st->line;
	return 0;
}

/* Adds one explicit item id to the current round. */
static int cf_id(struct cf_state *st, const char *id, void *arg)
{
	struct round_cfg *r = &st->c->rounds[st->round];

	(void)arg;
	if (st->c->nids >= CONTEST_IDS_MAX) {
		contest_file_error(st->errs, st->line,
				   "ids: at most %d items in a contest",
				   CONTEST_IDS_MAX);
		return -1;
	}
	if (strlen(id) > CONTEST_ITEM_ID_MAX) {
		contest_file_error(st->errs, st->line,
				   "ids: '%s' is longer than %d bytes, the "
				   "longest item id",
				   id, CONTEST_ITEM_ID_MAX);
		return -1;
	}
	/* a round's ids are contiguous in the pool: its section is read
	 * whole before the next one begins */
	if (!r->nids)
		r->first_id = st->c->nids;
	strcpy(st->c->ids[st->c->nids++], id);
	st->lines->ids[st->round][r->nids++] = st->line;
	return 0;
}

/* Adds one stake to the current round. */
static int cf_stake(struct cf_state *st, const char *v, void *arg)
{
	struct round_cfg *r = &st->c->rounds[st->round];
	long long x;

	(void)arg;
	if (r->nstakes >= CONTEST_STAKES_MAX) {
		contest_file_error(st->errs, st->line,
				   "stakes: at most %d stakes",
				   CONTEST_STAKES_MAX);
		return -1;
	}
	if (cf_number(st, "stakes", v, INT32_MIN, INT32_MAX, &x) < 0)
		return -1;
	r->stakes[r->nstakes++] = (int32_t)x;
	return 0;
}

/* Adds one question kind to the current round. */
static int cf_kind(struct cf_state *st, const char *v, void *arg)
{
	struct round_cfg *r = &st->c->rounds[st->round];
	unsigned i;

	(void)arg;
	for (i = 0; i < sizeof(cf_kinds) / sizeof(cf_kinds[0]); i++)
		if (strcmp(v, cf_kinds[i].name) == 0) {
			r->kinds |= 1u << cf_kinds[i].k;
			return 0;
		}
	contest_file_error(st->errs, st->line,
			   "kinds: unknown kind '%s' (single, multi, "
			   "true_false or fill)",
			   v);
	return -1;
}

/* Parses "N" or "N-M" into the difficulty bounds of the current round. */
static void cf_difficulty(struct cf_state *st, const char *v)
{
	struct round_cfg *r = &st->c->rounds[st->round];
	char lo[16], hi[16];
	const char *dash = strchr(v + (v[0] == '-'), '-');
	long long a, b;
	size_t n;

	if (!dash) {
		if (cf_number(st, "difficulty", v, INT32_MIN, INT32_MAX, &a) ==
		    0)
			r->min_difficulty = r->max_difficulty = (int)a;
		return;
	}
	n = (size_t)(dash - v);
	if (n >= sizeof(lo) || strlen(dash + 1) >= sizeof(hi)) {
		contest_file_error(st->errs, st->line,
				   "difficulty: '%s' is not N or N-M", v);
		return;
	}
	memcpy(lo, v, n);
	lo[n] = '\0';
	while (n && cf_space(lo[n - 1]))
		lo[--n] = '\0';
	strcpy(hi, dash + 1 + strspn(dash + 1, " \t"));
	if (cf_number(st, "difficulty", lo, INT32_MIN, INT32_MAX, &a) < 0 ||
	    cf_number(st, "difficulty", hi, INT32_MIN, INT32_MAX, &b) < 0)
		return;
	r->min_difficulty = (int)a;
	r->max_difficulty = (int)b;
}

/* One key of a [round.N] section. */
static void cf_round_key(struct cf_state *st, int k, const char *v)
{
	struct round_cfg *r = &st->c->rounds[st->round];
	const char *key = cf_round_keys[k];
	long long x;
	unsigned i;

	switch ((enum contest_file_key)k) {
	case CFK_NAME:
		cf_copy(st, r->name, sizeof(r->name), "name", v);
		break;
	case CFK_FORMAT:
		for (i = 0; i < sizeof(cf_formats) / sizeof(cf_formats[0]); i++)
			if (strcmp(v, cf_formats[i].name) == 0) {
				r->format = cf_formats[i].f;
				return;
			}
		contest_file_error(st->errs, st->line,
				   "format: unknown format '%s' (speed, turn, "
				   "buzz or wager)",
				   v);
		break;
	case CFK_COUNT:
		if (cf_nonzero(st, key, v, 0, &x) == 0)
			r->count = (uint32_t)x;
		break;
	case CFK_TIME:
		if (cf_nonzero(st, key, v, INT32_MIN, &x) == 0)
			r->time_limit_us = x * 1000000;
		break;
	case CFK_WAGER_TIME:
		if (cf_nonzero(st, key, v, INT32_MIN, &x) == 0)
			r->wager_us = x * 1000000;
		break;
	case CFK_POINTS:
		if (cf_nonzero(st, key, v, INT32_MIN, &x) == 0)
			r->points = (int32_t)x;
		break;
	case CFK_PENALTY:
		if (cf_number(st, key, v, INT32_MIN, INT32_MAX, &x) == 0) {
			r->penalty = (int32_t)x;
			r->given |= RC_GIVEN_PENALTY;
		}
		break;
	case CFK_READING:
		if (strcmp(v, "auto") == 0 || strcmp(v, "自动") == 0)
			r->reading_us = 0;
		else if (cf_nonzero(st, key, v, INT32_MIN, &x) == 0)
			r->reading_us = x * 1000000;
		break;
	case CFK_ARM_TIME:
		if (cf_nonzero(st, key, v, INT32_MIN, &x) == 0)
			r->arm_us = x * 1000000;
		break;
	case CFK_TIE_MS:
		if (cf_nonzero(st, key, v, INT32_MIN, &x) == 0)
			r->tie_us = x * 1000;
		break;
	case CFK_FOUL:
		if (cf_number(st, key, v, INT32_MIN, INT32_MAX, &x) == 0) {
			r->foul = (int32_t)x;
			r->given |= RC_GIVEN_FOUL;
		}
		break;
	case CFK_REBOUNDS:
		if (cf_number(st, key, v, INT32_MIN, INT32_MAX, &x) < 0)
			break;
		if (x < 0)
			contest_file_error(st->errs, st->line,
					   "rebounds must be 0 or more (got "
					   "%lld)",
					   x);
		else {
			r->rebounds = (uint32_t)x;
			r->given |= RC_GIVEN_REBOUNDS;
		}
		break;
	case CFK_JUDGE:
		for (i = 0; i < sizeof(cf_judges) / sizeof(cf_judges[0]); i++)
			if (strcmp(v, cf_judges[i].name) == 0) {
				r->judge = cf_judges[i].j;
				return;
			}
		contest_file_error(st->errs, st->line,
				   "judge: unknown mode '%s' (auto, oral or "
				   "fill)",
				   v);
		break;
	case CFK_STAKES:
		cf_list(st, key, v, cf_stake, NULL);
		break;
	case CFK_CATEGORY:
		cf_copy(st, r->category, sizeof(r->category), "category", v);
		break;
	case CFK_KINDS:
		cf_list(st, key, v, cf_kind, NULL);
		break;
	case CFK_DIFFICULTY:
		cf_difficulty(st, v);
		break;
	case CFK_IDS:
		cf_list(st, key, v, cf_id, NULL);
		break;
	case CFK_COUNT_:
		break;
	}
}

/* One key of [contest]. */
static void cf_head_key(struct cf_state *st, int k, const char *v)
{
	struct contest *c = st->c;
	long long x;

	switch ((enum cf_head_key)k) {
	case CFH_TITLE:
		cf_copy(st, c->title, sizeof(c->title), "title", v);
		break;
	case CFH_SCORING:
		if (strcmp(v, "mean") == 0)
			c->scoring = TEAM_MEAN;
		else if (strcmp(v, "sum") == 0)
			c->scoring = TEAM_SUM;
		else
			contest_file_error(st->errs, st->line,
					   "scoring: '%s' is neither mean nor "
					   "sum",
					   v);
		break;
	case CFH_BASE:
		if (cf_number(st, "base", v, INT32_MIN, INT32_MAX, &x) == 0)
			c->team_base = x;
		break;
	case CFH_TEAMS:
		cf_list(st, "teams", v, cf_team, NULL);
		break;
	case CFH_COUNT:
		break;
	}
}

/* Returns the index of name in keys[n], or -1. */
static int cf_lookup(const char *const *keys, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(keys[i], name) == 0)
			return i;
	return -1;
}

/* Where a [contest] key records its line; NULL for teams, a list that
 * may repeat (each team records its own line). */
static unsigned *cf_head_line(struct cf_state *st, int k)
{
	switch (k) {
	case CFH_TITLE:
		return &st->lines->title;
	case CFH_SCORING:
		return &st->lines->scoring;
	case CFH_BASE:
		return &st->lines->base;
	default:
		return NULL;
	}
}

/* libinih's handler: one key = value pair, or one indented continuation
 * line of the previous key. */
static int cf_handler(void *user, const char *section, const char *name,
		      const char *value)
{
	struct cf_state *st = user;
	int cont = st->kind == CF_CONTINUE, k, list;
	unsigned *seen;

	(void)section; /* ours (cf_section) is the same, with its line */
	st->handled = 1;
	if (!cont)
		st->have_key = 1;
	if (st->sec == CF_SEC_IGNORED)
		return 1;
	if (st->sec == CF_SEC_NONE) {
		contest_file_error(
		    st->errs, st->line,
		    "'%s' comes before any section; put it under "
		    "[contest] or [round.N]",
		    name);
		return 1;
	}
	if (st->sec == CF_SEC_CONTEST) {
		k = cf_lookup(cf_head_keys, CFH_COUNT, name);
		list = k == CFH_TEAMS;
	} else {
		k = cf_lookup(cf_round_keys, CFK_COUNT_, name);
		list = k == CFK_IDS;
	}
	if (cont) {
		if (k < 0 || st->last_key != k)
			return 1; /* continues an unknown key: reported */
		if (!list) {
			contest_file_error(st->errs, st->line,
					   "'%s' takes one line; an indented "
					   "line continues the value before it",
					   name);
			return 1;
		}
		if (strchr(value, '=') || value[0] == '[') {
			contest_file_error(st->errs, st->line,
					   "an indented line continues '%s'; "
					   "start a key or a [section] at the "
					   "beginning of its line",
					   name);
			return 1;
		}
	}
	st->last_key = k;
	if (k < 0) {
		contest_file_error(st->errs, st->line, "unknown key '%s' in %s",
				   name, st->sec_name);
		return 1;
	}
	if (!*value) {
		if (!cont)
			contest_file_error(st->errs, st->line,
					   "'%s' has no value", name);
		return 1;
	}
	seen = st->sec == CF_SEC_CONTEST ? cf_head_line(st, k)
					 : &st->lines->key[st->round][k];
	if (seen && !cont && !list && *seen) {
		contest_file_error(st->errs, st->line,
				   "'%s' is already set on line %u in %s", name,
				   *seen, st->sec_name);
		return 1;
	}
	if (seen && !*seen)
		*seen = st->line;
	if (st->sec == CF_SEC_CONTEST)
		cf_head_key(st, k, value);
	else
		cf_round_key(st, k, value);
	return 1;
}

/* The line a contest_normalize message is about: the key it names in the
 * round it names ("round 2: points ..."), a team ("teams: team 3 ..."), a
 * [contest] key, or else the round's header; 0 when none. */
static unsigned cf_blame(const struct contest_file_lines *l, const char *msg)
{
	static const char *const head[] = {"title", "scoring", "base"};
	const unsigned *head_lines[] = {&l->title, &l->scoring, &l->base};
	char field[32];
	unsigned r, t, i;
	int k;

	if (sscanf(msg, "round %u: %31[a-z_]", &r, field) == 2 && r >= 1 &&
	    r <= CONTEST_ROUNDS_MAX) {
		k = cf_lookup(cf_round_keys, CFK_COUNT_, field);
		if (k >= 0 && l->key[r - 1][k])
			return l->key[r - 1][k];
		return l->round[r - 1];
	}
	if (sscanf(msg, "teams: team %u", &t) == 1 && t >= 1 &&
	    t <= CONTEST_TEAMS_MAX)
		return l->teams[t - 1];
	for (i = 0; i < 3; i++)
		if (strncmp(msg, head[i], strlen(head[i])) == 0)
			return *head_lines[i];
	return 0;
}

/* Checks what only the file can say: every round has a format, and ids
 * are not mixed with a draw. */
static void cf_rounds_done(struct cf_state *st)
{
	const struct contest *c = st->c;
	const struct contest_file_lines *l = st->lines;
	unsigned i;

	for (i = 0; i < c->nrounds; i++) {
		const struct round_cfg *r = &c->rounds[i];

		if (!l->key[i][CFK_FORMAT])
			contest_file_error(st->errs, l->round[i],
					   "[round.%u] has no format (format = "
					   "speed, turn, buzz or wager)",
					   i + 1);
		if (r->nids &&
		    (l->key[i][CFK_CATEGORY] || l->key[i][CFK_KINDS] ||
		     l->key[i][CFK_DIFFICULTY]))
			contest_file_error(
			    st->errs, l->key[i][CFK_IDS],
			    "round %u: ids name the questions; "
			    "category, kinds and difficulty "
			    "would be ignored, so leave them out",
			    i + 1);
	}
}

/* Reports every range problem contest_normalize finds, not only its
 * first: the [contest] part alone, then each round alone (the rounds
 * before it replaced by default speed rounds, so its number stays), and
 * last the whole contest for what spans rounds (an id asked twice). */
static void cf_normalize(struct contest *c, struct contest_file_errors *errs,
			 const struct contest_file_lines *lines)
{
	struct contest *tmp = xmalloc(sizeof(*tmp));
	char msg[CONTEST_FILE_MSG_MAX];
	unsigned i, before = errs->total;

	*tmp = *c;
	if (c->nrounds > 0) {
		tmp->nrounds = 1;
		round_cfg_default(&tmp->rounds[0], FMT_SPEED);
	}
	if (contest_normalize(tmp, msg, sizeof(msg)) < 0)
		contest_file_error(errs, cf_blame(lines, msg), "%s", msg);
	for (i = 0; i < c->nrounds; i++) {
		*tmp = *c;
		snprintf(tmp->title, sizeof(tmp->title), "x");
		tmp->nteams = 0;
		tmp->team_base = 0;
		tmp->scoring = TEAM_MEAN;
		tmp->nrounds = i + 1;
		memset(tmp->rounds, 0, i * sizeof(tmp->rounds[0]));
		if (contest_normalize(tmp, msg, sizeof(msg)) < 0)
			contest_file_error(errs, cf_blame(lines, msg), "%s",
					   msg);
	}
	if (errs->total == before && contest_normalize(c, msg, sizeof(msg)) < 0)
		contest_file_error(errs, cf_blame(lines, msg), "%s", msg);
	free(tmp);
}

/* Puts the problems in line order (whole-file ones first), keeping the
 * order of those on one line. */
static void cf_sort(struct contest_file_errors *errs)
{
	struct contest_file_error tmp;
	unsigned i, j;

	for (i = 1; i < errs->n; i++) {
		if (errs->v[i - 1].line <= errs->v[i].line)
			continue;
		tmp = errs->v[i];
		for (j = i; j > 0 && errs->v[j - 1].line > tmp.line; j--)
			errs->v[j] = errs->v[j - 1];
		errs->v[j] = tmp;
	}
}

/* Parses a contest file's text (contest_file.h). */
int contest_file_parse(const char *text, size_t len, struct contest *c,
		       struct contest_file_errors *errs,
		       struct contest_file_lines *lines)
{
	struct contest_file_lines *own = NULL;
	struct cf_state st;
	unsigned before = errs->total;
	int rc;

	memset(c, 0, sizeof(*c));
	c->scoring = TEAM_MEAN;
	c->team_base = 100;
	if (!lines)
		lines = own = xcalloc(1, sizeof(*own));
	else
		memset(lines, 0, sizeof(*lines));
	if (len > CONTEST_TEXT_MAX) {
		contest_file_error(errs, 0,
				   "the file is %zu bytes long; a contest "
				   "file has at most %d",
				   len, CONTEST_TEXT_MAX);
		goto out;
	}
	if (memchr(text, '\0', len)) {
		contest_file_error(errs, 0, "the file holds a NUL byte");
		goto out;
	}
	memset(&st, 0, sizeof(st));
	st.c = c;
	st.errs = errs;
	st.lines = lines;
	st.pos = text;
	st.end = text + len;
	st.last_key = -1;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		st.pos += 3; /* a BOM, as spreadsheets and editors write it */
	rc = ini_parse_stream(cf_reader, &st, cf_handler, &st);
	cf_finish_line(&st);
	if (rc < 0)
		contest_file_error(errs, 0, "cannot parse (libinih: %d)", rc);
	else if (rc > 0 && errs->total == before)
		contest_file_error(errs, (unsigned)rc,
				   "cannot parse this line");
	cf_rounds_done(&st);
	if (errs->total == before)
		cf_normalize(c, errs, lines);
	cf_sort(errs);
out:
	free(own);
	return errs->total != before ? -QE_BAD_MESSAGE : 0;
}

/* Reads a contest file whole (contest_file.h). */
int contest_file_read(const char *path, char **text, size_t *len,
		      struct contest_file_errors *errs)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n;
	int rc;

	*text = NULL;
	*len = 0;
	if (!f) {
		rc = -errno;
		contest_file_error(errs, 0, "cannot open: %s", strerror(-rc));
		return rc;
	}
	buf = xmalloc(CONTEST_TEXT_MAX + 2);
	n = fread(buf, 1, CONTEST_TEXT_MAX + 1, f);
	if (ferror(f)) {
		rc = -EIO;
		contest_file_error(errs, 0, "cannot read");
		goto fail;
	}
	if (n > CONTEST_TEXT_MAX) {
		rc = -EFBIG;
		contest_file_error(errs, 0,
				   "the file is longer than %d bytes, the "
				   "most a contest file may have",
				   CONTEST_TEXT_MAX);
		goto fail;
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
fail:
	fclose(f);
	free(buf);
	return rc;
}

/* Writes the first problem as "line N: message" (contest_file.h). */
void contest_file_first_error(const struct contest_file_errors *errs, char *out,
			      size_t cap)
{
	if (cap == 0)
		return;
	if (errs->n == 0)
		snprintf(out, cap, "%s", errs->total ? "invalid contest" : "");
	else if (errs->v[0].line)
		snprintf(out, cap, "line %u: %s", errs->v[0].line,
			 errs->v[0].msg);
	else
		snprintf(out, cap, "%s", errs->v[0].msg);
}

/* Prints every kept problem (contest_file.h). */
void contest_file_errors_print(const struct contest_file_errors *errs,
			       const char *file, FILE *out)
{
	unsigned i;

	for (i = 0; i < errs->n; i++) {
		if (errs->v[i].line)
			fprintf(out, "%s:%u: %s\n", file, errs->v[i].line,
				errs->v[i].msg);
		else
			fprintf(out, "%s: %s\n", file, errs->v[i].msg);
	}
	if (errs->total > errs->n)
		fprintf(out, "%s: %u more problems not shown\n", file,
			errs->total - errs->n);
}
