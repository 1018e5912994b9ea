/* The practice screens (`quiz practice`, issue 11): the question with the
 * live client's keys and options, the result at once (right or wrong, the
 * answer, the explanation, the source statements, the Leitner box and when
 * the item comes back, the 错题本), "nothing due" with its offers, and the
 * progress page. Drawing only reads the model; keys are handled in
 * practice.c. */
#define _XOPEN_SOURCE_EXTENDED 1
#define _POSIX_C_SOURCE	       200809L
#include "ui.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "i18n.h"
#include "model_practice.h"
#include "text.h"

#define KIND_MULTI 1
#define KIND_FILL  3
#define BOX_TOP	   5 /* the Leitner boxes: 1..5 (0 new) */

/* "back in 3 days" for a due time. */
void ui_practice_span(char *buf, size_t len, uint64_t at_us, uint64_t wall_us)
{
	uint32_t n;

	switch (pmodel_span(at_us, wall_us, &n)) {
	case PUNIT_NOW:
		snprintf(buf, len, "%s", _("due again now"));
		break;
	case PUNIT_MIN:
		snprintf(buf, len,
			 ngettext("back in %u minute", "back in %u minutes", n),
			 n);
		break;
	case PUNIT_HOUR:
		snprintf(buf, len,
			 ngettext("back in %u hour", "back in %u hours", n), n);
		break;
	case PUNIT_DAY:
		snprintf(buf, len,
			 ngettext("back in %u day", "back in %u days", n), n);
		break;
	default:
		snprintf(buf, len, "%s", _("not scheduled"));
		break;
	}
}

/* A local date and time for a wall-clock time: "14:05" today, else
 * "2026-12-03 14:05". */
static void ui_when(char *buf, size_t len, uint64_t at_us, uint64_t wall_us)
{
	time_t t = (time_t)(at_us / 1000000), n = (time_t)(wall_us / 1000000);
	struct tm tm, tn;

	if (!localtime_r(&t, &tm) || !localtime_r(&n, &tn)) {
		snprintf(buf, len, "?");
		return;
	}
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, len, "%H:%M", &tm);
	else
		strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

/* The right side of the header: who, the 错题本, the connection (the
 * team left out when with_team is false). */
static void ui_pright(const struct pmodel *pm, const struct ui_view *v,
		      bool with_team, char *right, size_t len)
{
	size_t o = 0;

	right[0] = '\0';
	if (pm->nick[0])
		o += (size_t)snprintf(right + o, len - o, "%s · ", pm->nick);
	if (with_team && pm->team[0] && o < len)
		o += (size_t)snprintf(right + o, len - o, "%s · ", pm->team);
	if (pm->ready && o < len)
		o += (size_t)snprintf(right + o, len - o,
				      _("Review book %u · "), pm->review);
	if (o < len)
		snprintf(right + o, len - o, "%s ", ui_conn_word(&pm->q, v));
}

/* The header: "quiz · practice" (the mode) on the left, whole; who, the
 * 错题本 and the connection on the right, without the team when both do
 * not fit. */
static void ui_pheader(const struct pmodel *pm, const struct ui_view *v)
{
	char right[256], left[128];
	int rw, lw, hattr = ui_attr(UI_HEADER);

	snprintf(left, sizeof(left), " quiz · %s",
		 pm->mode == PMODEL_REVIEW ? _("practice: review book")
					   : _("practice"));
	lw = ui_width(left) + 1;
	ui_pright(pm, v, true, right, sizeof(right));
	if (ui_width(right) > COLS - lw)
		ui_pright(pm, v, false, right, sizeof(right));
	rw = ui_width(right);
	if (rw > COLS - lw)
		rw = COLS - lw;
	attron(hattr);
	mvhline(0, 0, ' ', COLS);
	ui_text(0, 0, COLS - rw - 1, left);
	ui_text(0, COLS - rw, rw, right);
	attroff(hattr);
}

/* The key help for what is on screen. */
static const char *ui_pkeys(const struct pmodel *pm, const struct ui_pview *pv,
			    uint64_t now)
{
	static char buf[256];
	bool review = pm->mode == PMODEL_REVIEW;

	if (pv->stats_text || pv->stats_wait)
		return pv->stats_team ? _("any key: back")
				      : _("b team board  any other key: back");
	switch (pm->screen) {
	case PSCREEN_QUESTION:
		if (pm->q.locked || pm->have_result || now > pm->q.deadline_at)
			return pm->q.error[0] ? _("n next question  q quit")
					      : _("q quit");
		if (pm->q.kind == KIND_FILL)
			return _("Type your answer, Enter to submit (empty: "
				 "don't know)  Ctrl-C quit");
		if (pm->q.kind == KIND_MULTI)
			return _("A-H or 1-8 toggle (or arrows and Space)  "
				 "Enter confirm  ? don't know  q quit");
		return _("A-H or 1-8 answer (or arrows and Enter)  ? don't "
			 "know  q quit");
	case PSCREEN_RESULT:
	case PSCREEN_WAIT:
		snprintf(buf, sizeof(buf), "%s  %s  %s  %s",
			 pm->screen == PSCREEN_RESULT ? _("Enter next")
						      : _("n try again"),
			 review ? _("s schedule") : _("r review book"),
			 _("p progress"), _("q quit"));
		return buf;
	default:
		return _("q quit");
	}
}

/* The status line and the key line. */
static void ui_pstatus(const struct pmodel *pm, const struct ui_pview *pv,
		       uint64_t now)
{
	const struct ui_view *v = &pv->v;
	int y = LINES - 2;

	if (v->confirm) {
		attron(ui_attr(UI_SELECT));
		ui_text_pad(y, 1, COLS - 2,
			    _("Your answer is not marked yet. Quit? y yes, "
			      "n no"));
		attroff(ui_attr(UI_SELECT));
	} else if (ui_reconnecting(&pm->q, v)) {
		/* practice counts no tries (v->tries stays 0): the line says
		 * reconnecting or restarting */
		ui_draw_reconnect_line(&pm->q, v, y, now);
	} else if (pm->q.error[0] || pm->q.error_code) {
		ui_draw_error_line(&pm->q, y);
	} else if (v->notice[0]) {
		attron(ui_attr(UI_DIM));
		ui_text(y, 1, COLS - 2, v->notice);
		attroff(ui_attr(UI_DIM));
	}
	attron(ui_attr(UI_HEADER));
	mvhline(LINES - 1, 0, ' ', COLS);
	ui_text(LINES - 1, 1, COLS - 2, ui_pkeys(pm, pv, now));
	attroff(ui_attr(UI_HEADER));
}

/* The line above the stem: "Practice · question 5 · 党章党规 · new". */
static void ui_pqline(const struct pmodel *pm, int y)
{
	char buf[512], why[96];

	if (pm->why == PMODEL_WHY_NEW)
		snprintf(why, sizeof(why), "%s", _("new"));
	else if (pm->why == PMODEL_WHY_REVIEW)
		snprintf(why, sizeof(why), "%s", _("from the review book"));
	else
		snprintf(why, sizeof(why), _("due again (box %u)"), pm->box);
	if (pm->q.category[0])
		snprintf(buf, sizeof(buf),
			 _("Practice · question %u · %s · %s"), pm->q.q + 1,
			 pm->q.category, why);
	else
		snprintf(buf, sizeof(buf), _("Practice · question %u · %s"),
			 pm->q.q + 1, why);
	attron(A_BOLD);
	ui_text(y, 2, COLS - 4, buf);
	attroff(A_BOLD);
}

/* The open question: stem, options or the typed answer, the time bar
 * (only with a timer). */
static void ui_pquestion(const struct pmodel *pm, int y, uint64_t now)
{
	const struct model *m = &pm->q;
	int maxy = LINES - 4;

	ui_pqline(pm, y);
	if (pm->timer)
		ui_draw_timebar(m, y + 1, now);
	y += 3;
	y += ui_wrap(y, 2, COLS - 4, 6, m->stem, true) + 1;
	ui_draw_answer(m, y, maxy);
	if (m->locked) {
		attron(ui_attr(UI_ACCENT));
		ui_text_center(maxy, 0, COLS,
			       pm->expired ? _("Time is up. Checking…")
					   : _("Checking…"));
		attroff(ui_attr(UI_ACCENT));
	} else if (pm->timer && now > m->deadline_at) {
		attron(ui_attr(UI_BAD));
		ui_text_center(maxy, 0, COLS, _("Time is up."));
		attroff(ui_attr(UI_BAD));
	}
}

/* "Correct!" or why it was wrong, and the time taken. */
static void ui_pverdict(const struct pmodel *pm, int y)
{
	char buf[256], s[16];
	const char *what;

	ui_secs(s, sizeof(s), pm->rt_us);
	if (pm->correct)
		what = _("Correct!");
	else if (pm->timed_out || pm->expired)
		what = _("Time is up: wrong");
	else if (pm->dont_know)
		what = _("Not known: counted as wrong");
	else
		what = _("Wrong");
	snprintf(buf, sizeof(buf), _("%s  (%s s)"), what, s);
	attron(pm->correct ? ui_attr(UI_GOOD) : ui_attr(UI_BAD));
	ui_text(y, 2, COLS - 4, buf);
	attroff(pm->correct ? ui_attr(UI_GOOD) : ui_attr(UI_BAD));
}

/* The schedule after the answer: the box and when it comes back, the
 * 错题本. */
static void ui_pschedule(const struct pmodel *pm, int y, uint64_t wall_us)
{
	char buf[320], span[96];

	ui_practice_span(span, sizeof(span), pm->due_unix_us, wall_us);
	if (pm->left_review)
		snprintf(buf, sizeof(buf),
			 _("Out of the review book! Box %u of %u · %s"),
			 pm->r_box, BOX_TOP, span);
	else if (pm->in_review)
		snprintf(buf, sizeof(buf),
			 _("In the review book · box %u of %u · %s"), pm->r_box,
			 BOX_TOP, span);
	else
		snprintf(buf, sizeof(buf), _("Box %u of %u · %s"), pm->r_box,
			 BOX_TOP, span);
	ui_text(y, 2, COLS - 4, buf);
}

/* "Source: statements 12, 13 · streak 3 · review book 4". */
static void ui_psources(const struct pmodel *pm, int y)
{
	char buf[320], nums[160];
	size_t o = 0, n = 0;
	unsigned i;

	buf[0] = nums[0] = '\0';
	for (i = 0; i < pm->n_sources && n < sizeof(nums); i++)
		/* TRANSLATORS: between two statement numbers */
		n += (size_t)snprintf(nums + n, sizeof(nums) - n, "%s%u",
				      i ? _(", ") : "", pm->sources[i]);
	if (pm->n_sources)
		o = (size_t)snprintf(buf, sizeof(buf),
				     ngettext("Source: statement %s · ",
					      "Source: statements %s · ",
					      pm->n_sources),
				     nums);
	if (o < sizeof(buf))
		snprintf(buf + o, sizeof(buf) - o,
			 _("streak %u · review book %u"), pm->streak,
			 pm->review);
	attron(ui_attr(UI_DIM));
	ui_text(y, 2, COLS - 4, buf);
	attroff(ui_attr(UI_DIM));
}

/* The result: the question marked, right or wrong, the schedule, the
 * sources, the explanation. */
static void ui_presult(const struct pmodel *pm, int y, uint64_t wall_us)
{
	const struct model *m = &pm->q;
	int maxy = LINES - 3;

	ui_pqline(pm, y);
	y += 2;
	y += ui_wrap(y, 2, COLS - 4, 3, m->stem, true);
	y++;
	y = ui_draw_marked(m, y, maxy - 6, m->fill[0] != '\0');
	y++;
	ui_pverdict(pm, y++);
	ui_pschedule(pm, y++, wall_us);
	ui_psources(pm, y++);
	if (m->explanation[0] && y + 2 < maxy) {
		y++;
		attron(ui_attr(UI_DIM));
		ui_text(y++, 2, COLS - 4, _("Explanation:"));
		attroff(ui_attr(UI_DIM));
		ui_wrap(y, 4, COLS - 6, maxy - y, m->explanation, true);
	}
}

/* The bank's categories from row y (a filter that matched nothing may
 * have been mistyped): "Categories: 党章党规 · 党史 · …", a name never cut
 * across rows, at most 3 rows. Returns the rows used. */
static int ui_pcats(const struct pmodel *pm, int y)
{
	char line[512];
	int w = COLS - 8, used, rows = 0;
	size_t o;
	unsigned i;

	o = (size_t)snprintf(line, sizeof(line), "%s", _("Categories:"));
	used = ui_width(line);
	for (i = 0; i < pm->n_cats && rows < 3; i++) {
		const char *c =
		    pm->cats[i][0] ? pm->cats[i] : _("(no category)");
		int cw = ui_width(c) + 3; /* " · " or the leading space */

		if (used + cw > w && used > 0) {
			ui_text(y + rows++, 4, w, line);
			o = 0;
			line[0] = '\0';
			used = -1; /* no separator at the start of a row */
		}
		if (o < sizeof(line))
			o +=
			    (size_t)snprintf(line + o, sizeof(line) - o, "%s%s",
					     used < 0 ? ""
					     : i      ? " · "
						      : " ",
					     c);
		used = used < 0 ? cw - 3 : used + cw;
	}
	if (o && rows < 3)
		ui_text(y + rows++, 4, w, line);
	return rows;
}

/* Nothing to ask: why, when the next item is due, what can be done. */
static void ui_pwait(const struct pmodel *pm, int y, uint64_t wall_us)
{
	char buf[320], when[64], span[96];
	int row = y + 3;

	attron(ui_attr(UI_ACCENT));
	if (pm->wait_empty)
		ui_text_center(row, 0, COLS,
			       pm->mode == PMODEL_REVIEW
				   ? _("The review book is empty: nothing to "
				       "review.")
				   : _("Nothing to practise with this "
				       "filter."));
	else
		ui_text_center(row, 0, COLS, _("Nothing due now."));
	attroff(ui_attr(UI_ACCENT));
	row += 2;
	if (!pm->wait_empty && pm->next_due_unix_us &&
	    pm->next_due_unix_us < (uint64_t)INT64_MAX) {
		ui_when(when, sizeof(when), pm->next_due_unix_us, wall_us);
		ui_practice_span(span, sizeof(span), pm->next_due_unix_us,
				 wall_us);
		snprintf(buf, sizeof(buf), _("Next item due at %s (%s)"), when,
			 span);
		ui_text_center(row++, 0, COLS, buf);
	} else if (!pm->wait_empty) {
		ui_text_center(row++, 0, COLS,
			       _("No new items left for this sitting."));
	}
	if (pm->answered) {
		snprintf(buf, sizeof(buf), _("So far: %u answered, %u right"),
			 pm->answered, pm->right);
		ui_text_center(row++, 0, COLS, buf);
	}
	if (pm->wait_empty && pm->mode == PMODEL_SCHEDULE && pm->n_cats)
		row += ui_pcats(pm, row) + 1;
	row += 2;
	if (pm->mode == PMODEL_SCHEDULE && pm->review) {
		snprintf(buf, sizeof(buf),
			 ngettext("r  review the review book (%u item)",
				  "r  review the review book (%u items)",
				  pm->review),
			 pm->review);
		ui_text(row++, COLS / 2 - 20, COLS / 2 + 18, buf);
	} else if (pm->mode == PMODEL_REVIEW) {
		ui_text(row++, COLS / 2 - 20, COLS / 2 + 18,
			_("s  back to the schedule"));
	}
	ui_text(row++, COLS / 2 - 20, COLS / 2 + 18,
		_("n  ask again for a question"));
	ui_text(row++, COLS / 2 - 20, COLS / 2 + 18, _("q  quit"));
}

/* The progress page: the text of `quiz practice --stats`, one line a
 * row (cut at the right edge). */
static void ui_pstats(const struct ui_pview *pv, int y)
{
	const char *s = pv->stats_text;
	char line[512];

	if (!s) {
		ui_text_center(LINES / 2, 0, COLS, _("Loading the progress…"));
		return;
	}
	while (*s && y < LINES - 2) {
		size_t n = strcspn(s, "\n");

		if (n >= sizeof(line))
			n = sizeof(line) - 1;
		memcpy(line, s, n);
		line[n] = '\0';
		ui_text(y++, 1, COLS - 2, line);
		s += strcspn(s, "\n");
		if (*s)
			s++;
	}
}

void ui_draw_practice(const struct pmodel *pm, const struct ui_pview *pv,
		      uint64_t now, uint64_t wall_us)
{
	int y = 2;

	erase();
	if (LINES < 10 || COLS < 30) {
		ui_text(0, 0, COLS, _("Terminal too small"));
		refresh();
		return;
	}
	ui_pheader(pm, &pv->v);
	if (pv->stats_text || pv->stats_wait) {
		ui_pstats(pv, y);
	} else {
		switch (pm->screen) {
		case PSCREEN_CONNECTING:
			ui_draw_connecting(&pv->v);
			break;
		case PSCREEN_LOADING:
			ui_text_center(LINES / 2, 0, COLS,
				       _("Asking for the next question…"));
			break;
		case PSCREEN_QUESTION:
			ui_pquestion(pm, y, now);
			break;
		case PSCREEN_RESULT:
			ui_presult(pm, y, wall_us);
			break;
		case PSCREEN_WAIT:
			ui_pwait(pm, y, wall_us);
			break;
		}
	}
	ui_pstatus(pm, pv, now);
	refresh();
}
