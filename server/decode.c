/* Requests checked and turned into plain inputs: see decode.h. */
#include "decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contest_file.h"
#include "draw.h"
#include "errors.h"
#include "fmt_practice.h"
#include "text.h"
#include "xalloc.h"

#define HOST_KEY_MAX 64

/* Checks and converts the requested settings (zero = default) and the
 * single-round selection they carry. */
static int settings_from_pb(const Quiz__V1__RoomSettings *in,
			    struct room_settings *s, struct draw_filter *f)
{
	size_t i;

	room_settings_default(s);
	s->question_count = 0;
	s->time_limit_us = s->points = 0;
	memset(f, 0, sizeof(*f));
	if (!in)
		return room_settings_normalize(s);
	if (strlen(in->title) > QUIZ_TITLE_MAX ||
	    strlen(in->category) > QUIZ_CATEGORY_MAX ||
	    (in->title[0] && !text_valid_name(in->title, QUIZ_TITLE_MAX)) ||
	    in->n_kinds > 4 || in->min_difficulty > 3 ||
	    in->max_difficulty > 3 ||
	    (in->max_difficulty && in->min_difficulty > in->max_difficulty))
		return -QE_BAD_MESSAGE;
	for (i = 0; i < in->n_kinds; i++) {
		if ((unsigned)in->kinds[i] > ITEM_FILL)
			return -QE_BAD_MESSAGE;
		f->kinds |= 1u << in->kinds[i];
	}
	/* a single-round room is a speed round; the other formats come in
	 * a contest file */
	if (in->format != QUIZ__V1__ROUND_FORMAT__SPEED)
		return -QE_BAD_MESSAGE;
	f->min_difficulty = (int)in->min_difficulty;
	f->max_difficulty = (int)in->max_difficulty;
	snprintf(s->title, sizeof(s->title), "%s", in->title);
	s->question_count = in->question_count;
	s->time_limit_us = (int64_t)in->time_limit_ms * 1000;
	s->points = in->points;
	s->seed = in->seed;
	s->max_players = in->max_players;
	s->auto_advance = in->auto_advance;
	s->countdown_us = (int64_t)in->countdown_ms * 1000;
	s->reveal_us = (int64_t)in->reveal_ms * 1000;
	s->leaderboard_us = (int64_t)in->leaderboard_ms * 1000;
	f->category = in->category[0] ? in->category : NULL;
	return room_settings_normalize(s);
}

int decode_create(const Quiz__V1__CreateRoom *m, uint32_t seq,
		  const struct bank *bank, struct hub_create *out,
		  struct contest **contest, char *err, size_t cap)
{
	struct contest *c = NULL;
	struct draw_filter f;
	size_t len;
	int r;

	err[0] = '\0';
	*contest = NULL;
	memset(out, 0, sizeof(*out));
	if (strlen(m->host_key) > HOST_KEY_MAX)
		return -QE_BAD_MESSAGE;
	r = settings_from_pb(m->settings, &out->settings, &f);
	if (r < 0) {
		snprintf(err, cap, "room settings out of range");
		return r;
	}
	c = xcalloc(1, sizeof(*c));
	len = strlen(m->contest);
	if (len) {
		if (len > CONTEST_TEXT_MAX) {
			snprintf(err, cap, "contest file over %d bytes",
				 CONTEST_TEXT_MAX);
			r = -QE_BAD_MESSAGE;
			goto fail;
		}
		struct contest_file_errors *errs = xcalloc(1, sizeof(*errs));

		r = contest_file_parse(m->contest, len, c, errs, NULL);
		if (r < 0)
			contest_file_first_error(errs, err, cap);
		free(errs);
		if (r < 0)
			goto fail;
		if (!contest_runnable(c, err, cap)) {
			r = -QE_BAD_MESSAGE;
			goto fail;
		}
		snprintf(out->settings.title, sizeof(out->settings.title), "%s",
			 c->title);
		out->contest_text = m->contest;
	} else {
		/* the single round asks what the bank has of what was asked
		 * for (RoomCreated.settings.question_count says how many) */
		size_t n = draw_count(bank, &f);

		if (n == 0) {
			snprintf(err, cap, "no question in the bank matches");
			r = -QE_BAD_MESSAGE;
			goto fail;
		}
		if (n < out->settings.question_count)
			out->settings.question_count = (uint32_t)n;
		room_contest_from_settings(c, &out->settings, f.category,
					   f.kinds, f.min_difficulty,
					   f.max_difficulty);
	}
	out->contest = c;
	out->host_key = m->host_key;
	out->seq = seq;
	*contest = c;
	return 0;
fail:
	free(c);
	return r;
}

int decode_answer(const Quiz__V1__Answer *m, uint32_t *mask, const char **text)
{
	size_t i;

	*mask = 0;
	if (m->n_choices > ITEM_MAX_OPTIONS ||
	    strlen(m->text) > QUIZ_FILL_MAX ||
	    !text_utf8_valid(m->text, strlen(m->text)))
		return -QE_BAD_MESSAGE;
	for (i = 0; i < m->n_choices; i++) {
		if (m->choices[i] >= ITEM_MAX_OPTIONS ||
		    (*mask & (1u << m->choices[i])))
			return -QE_BAD_MESSAGE;
		*mask |= 1u << m->choices[i];
	}
	*text = m->text[0] ? m->text : NULL;
	return 0;
}

int decode_verdict(const Quiz__V1__Verdict *m, struct hub_verdict *out)
{
	memset(out, 0, sizeof(*out));
	/* an item no JudgeRequest can have named is refused here; the room
	 * checks it against the items it has */
	if (!m->rest && m->item >= ROOM_JUDGE_ITEMS_MAX)
		return -QE_BAD_MESSAGE;
	out->q = m->question_index;
	out->item = m->rest ? ROOM_VERDICT_REST : m->item;
	out->correct = m->rest ? false : m->correct;
	return 0;
}

int decode_practice_start(const Quiz__V1__PracticeStart *m,
			  struct practice_srv_start *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	if (strlen(m->person_token) > QUIZ_TOKEN_INPUT_MAX ||
	    strlen(m->nickname) > QUIZ_NAME_MAX ||
	    strlen(m->team) > QUIZ_TEAM_MAX ||
	    strlen(m->category) > QUIZ_CATEGORY_MAX ||
	    !text_utf8_valid(m->category, strlen(m->category)) ||
	    m->n_kinds > ITEM_FILL + 1 ||
	    (m->mode != QUIZ__V1__PRACTICE_MODE__MODE_SCHEDULE &&
	     m->mode != QUIZ__V1__PRACTICE_MODE__MODE_REVIEW) ||
	    (m->time_limit_ms != 0 &&
	     (m->time_limit_ms < FMT_PRACTICE_LIMIT_MIN_US / 1000 ||
	      m->time_limit_ms > FMT_PRACTICE_LIMIT_MAX_US / 1000)) ||
	    m->max_new > FMT_PRACTICE_MAX_NEW)
		return -QE_BAD_MESSAGE;
	for (i = 0; i < m->n_kinds; i++) {
		if ((unsigned)m->kinds[i] > ITEM_FILL)
			return -QE_BAD_MESSAGE;
		out->kinds |= 1u << m->kinds[i];
	}
	out->token = m->person_token;
	out->nickname = m->nickname;
	out->team = m->team;
	out->category = m->category;
	out->mode = (int)m->mode;
	out->time_limit_ms = m->time_limit_ms;
	out->max_new = m->max_new;
	return 0;
}

int decode_formats(const Quiz__V1__Hello *h, uint32_t *out)
{
	size_t i;

	*out = 1u << FMT_SPEED;
	if (h->n_formats > 32)
		return -QE_BAD_MESSAGE;
	for (i = 0; i < h->n_formats; i++) {
		if ((unsigned)h->formats[i] >= 32)
			return -QE_BAD_MESSAGE;
		*out |= 1u << h->formats[i];
	}
	return 0;
}
