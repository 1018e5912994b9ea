/* 抢答 and judges on every screen: the buzz round's rules, the buzzer's
 * state (locked while the question is read, "抢答!" once armed, the local
 * 已按下, the server's decision), the order of the presses with their
 * compensated gaps (projector), and the judge panel (host and `quiz
 * judge`): the answer key, the items awaiting a ruling, the timer. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "i18n.h"

#define KIND_FILL 3

/* The judge mode in words ("oral, judged"; 口述 in zh_CN). */
static const char *ui_judge_word(int judge)
{
	switch (judge) {
	case MODEL_JUDGE_ORAL:
		return _("oral, judged");
	case MODEL_JUDGE_FILL:
		return _("fill-in judged");
	default:
		return _("on screen");
	}
}

void ui_buzz_rules(const struct model_round *r, char *buf, size_t len)
{
	char pts[48], pen[48], foul[48], read[32];

	buf[0] = '\0';
	if (r->format != MODEL_FMT_BUZZ) {
		if (r->judge == MODEL_JUDGE_FILL)
			snprintf(buf, len, "%s", ui_judge_word(r->judge));
		return;
	}
	ui_delta(pts, sizeof(pts), r->points);
	ui_delta(pen, sizeof(pen), r->penalty);
	ui_delta(foul, sizeof(foul), r->foul);
	if (r->reading_ms)
		snprintf(read, sizeof(read), _("%u s to read"),
			 (r->reading_ms + 500) / 1000);
	else
		snprintf(read, sizeof(read), "%s", _("auto reading"));
	/* TRANSLATORS: the rules of a buzz-in round: the reading time, a
	 * right and a wrong answer, a foul, the rebounds, the answer time,
	 * how answers are marked; at most 78 columns */
	snprintf(buf, len,
		 _("%s · %s / %s · foul %s · rebounds %u · %u s to answer · "
		   "%s"),
		 read, pts, pen, foul, r->rebounds, r->time_limit_ms / 1000,
		 ui_judge_word(r->judge));
}

/* A name for a press or an item: "一支部 · 张三", or the nickname. */
static void ui_who(char *buf, size_t len, const char *team, const char *nick)
{
	if (team[0] && nick[0])
		snprintf(buf, len, "%s · %s", team, nick);
	else
		snprintf(buf, len, "%s", team[0] ? team : nick);
}

/* Milliseconds with a sign: "+37 ms", "+2.4 ms" under 10 ms, "−120 ms". */
static void ui_ms(char *buf, size_t len, int64_t us)
{
	const char *sign = us < 0 ? (ui_utf8() ? "\u2212" : "-") : "+";
	uint64_t a = us < 0 ? (uint64_t)(-(us + 1)) + 1 : (uint64_t)us;

	if (a < 10000)
		snprintf(buf, len, "%s%llu.%llu ms", sign,
			 (unsigned long long)(a / 1000),
			 (unsigned long long)(a % 1000 / 100));
	else
		snprintf(buf, len, "%s%llu ms", sign,
			 (unsigned long long)((a + 500) / 1000));
}

const char *ui_outcome_word(int outcome)
{
	switch (outcome) {
	case MODEL_PRESS_PENDING:
		return _("deciding");
	case MODEL_PRESS_WON:
		return _("won");
	case MODEL_PRESS_SLOWER:
		return _("slower");
	case MODEL_PRESS_LATE:
		return _("late");
	case MODEL_PRESS_FOUL:
		return _("foul");
	default:
		return _("ignored");
	}
}

/* The attribute of an outcome. */
static int ui_outcome_attr(int outcome)
{
	if (outcome == MODEL_PRESS_WON)
		return ui_attr(UI_GOOD);
	if (outcome == MODEL_PRESS_FOUL)
		return ui_attr(UI_BAD);
	if (outcome == MODEL_PRESS_PENDING || outcome == MODEL_PRESS_IGNORED)
		return ui_attr(UI_DIM);
	return (int)A_NORMAL;
}

/* A bar with a label on row y: label in 22 columns, then the bar. */
static void ui_label_bar(int y, const char *label, uint64_t left,
			 uint64_t total, int attr)
{
	ui_text(y, 2, 24, label);
	if (total)
		ui_bar(y, 26, COLS - 28, left > total ? total : left, total,
		       attr);
}

void ui_draw_buzz_bar(const struct model *m, int y, uint64_t now)
{
	int ph = model_buzz_phase_at(m, now);
	char s[32], buf[96];
	uint64_t left, total;

	switch (ph) {
	case MODEL_BUZZ_READING:
		left = m->armed_at > now ? m->armed_at - now : 0;
		total = m->buzz_arm == 0 && m->armed_at > m->reveal_at
			    ? m->armed_at - m->reveal_at
			    : 0;
		ui_secs(s, sizeof(s), left);
		snprintf(buf, sizeof(buf), _("Buzzer opens in %s s"), s);
		ui_label_bar(y, buf, left, total, ui_attr(UI_DIM));
		break;
	case MODEL_BUZZ_ARMED:
		left = m->arm_deadline > now ? m->arm_deadline - now : 0;
		total = m->arm_deadline > m->armed_at
			    ? m->arm_deadline - m->armed_at
			    : 0;
		ui_secs(s, sizeof(s), left);
		snprintf(buf, sizeof(buf), _("%s s to buzz"), s);
		ui_label_bar(y, buf, m->arm_deadline ? left : 0,
			     m->arm_deadline ? total : 0, ui_attr(UI_BAR));
		break;
	case MODEL_BUZZ_ANSWERING:
		left = m->answer_deadline > now ? m->answer_deadline - now : 0;
		total = (uint64_t)m->cur.time_limit_ms * 1000;
		ui_secs(s, sizeof(s), left);
		snprintf(buf, sizeof(buf), _("%s s to answer"), s);
		ui_label_bar(y, buf, left, total,
			     total && left * 5 < total ? ui_attr(UI_BAD)
						       : ui_attr(UI_BAR));
		break;
	case MODEL_BUZZ_JUDGING:
		ui_secs(s, sizeof(s),
			m->buzz_since && now > m->buzz_since
			    ? now - m->buzz_since
			    : 0);
		snprintf(buf, sizeof(buf), _("Judge ruling · %s s"), s);
		attron(ui_attr(UI_ACCENT));
		ui_text(y, 2, COLS - 4, buf);
		attroff(ui_attr(UI_ACCENT));
		break;
	default:
		attron(ui_attr(UI_DIM));
		ui_text(y, 2, COLS - 4, _("Buzzer closed"));
		attroff(ui_attr(UI_DIM));
		break;
	}
}

/* The big banner: 3 rows of reverse video with text in the middle. */
static void ui_banner(int y, const char *text, int attr)
{
	int w = ui_width(text) + 12, x;

	if (w > COLS - 4)
		w = COLS - 4;
	x = (COLS - w) / 2;
	attron(attr);
	mvhline(y, x, ' ', w);
	mvhline(y + 1, x, ' ', w);
	mvhline(y + 2, x, ' ', w);
	ui_text_center(y + 1, x, w, text);
	attroff(attr);
}

/* What became of my press, in a sentence (contestant). */
static void ui_my_press(const struct model *m, const struct model_press *p,
			char *buf, size_t len, int *attr)
{
	char g[32];

	*attr = ui_outcome_attr(p->outcome);
	switch (p->outcome) {
	case MODEL_PRESS_WON:
		snprintf(buf, len, "%s", _("You got it!"));
		break;
	case MODEL_PRESS_SLOWER:
		ui_ms(g, sizeof(g), p->gap_us);
		/* TRANSLATORS: 慢了 23 ms */
		snprintf(buf, len, _("Slower by %s"), g + 1);
		break;
	case MODEL_PRESS_LATE:
		ui_ms(g, sizeof(g), p->gap_us);
		snprintf(buf, len, _("Late: after the tie window (%s)"), g);
		break;
	case MODEL_PRESS_FOUL:
		snprintf(buf, len, "%s",
			 _("Foul: pressed before the buzzer opened"));
		break;
	case MODEL_PRESS_PENDING:
		snprintf(buf, len, "%s", _("Pressed"));
		*attr = ui_attr(UI_ACCENT);
		break;
	default:
		snprintf(buf, len, "%s", _("Your press did not count"));
		break;
	}
	(void)m;
}

int ui_draw_buzz(const struct model *m, int y, int maxy, uint64_t now)
{
	int ph = model_buzz_phase_at(m, now), y0 = y, attr;
	const struct model_press *mine = model_my_press(m);
	char buf[1200], who[160];
	bool me_win = m->mode == MODE_JOIN && m->player_id &&
		      m->winner_id == m->player_id;

	if (ph < 0 || y >= maxy)
		return 0;
	if (y + 3 > maxy) {
		/* no room for the banner */
	} else if (ph == MODEL_BUZZ_READING) {
		ui_banner(y,
			  m->buzz_arm ? _("Rebound: get ready")
				      : _("Get ready: buzzer locked"),
			  ui_attr(UI_DIM) | A_REVERSE);
		y += 4;
	} else if (ph == MODEL_BUZZ_ARMED) {
		ui_banner(y, m->buzz_arm ? _("REBOUND: BUZZ!") : _("BUZZ!"),
			  ui_attr(UI_SELECT) | A_BOLD);
		y += 4;
	}
	if (m->mode == MODE_JOIN && y < maxy) {
		buf[0] = '\0';
		attr = (int)A_NORMAL;
		if (mine)
			ui_my_press(m, mine, buf, sizeof(buf), &attr);
		else if (m->buzz_sent && m->buzz_sent_arm == m->buzz_arm) {
			snprintf(buf, sizeof(buf), "%s", _("Pressed"));
			attr = ui_attr(UI_ACCENT) | A_BOLD;
		}
		if (buf[0]) {
			attron(attr);
			ui_text_center(y++, 0, COLS, buf);
			attroff(attr);
		}
		if (model_buzz_out(m) && ph != MODEL_BUZZ_DONE && y < maxy) {
			attron(ui_attr(UI_DIM));
			ui_text_center(y++, 0, COLS,
				       m->team[0]
					   ? _("Your team is out of this "
					       "question")
					   : _("You are out of this question"));
			attroff(ui_attr(UI_DIM));
		}
	}
	if ((ph == MODEL_BUZZ_ANSWERING || ph == MODEL_BUZZ_JUDGING) &&
	    y < maxy) {
		ui_who(who, sizeof(who), m->winner_team, m->winner_nick);
		if (me_win && m->cur.judge == MODEL_JUDGE_ORAL)
			snprintf(buf, sizeof(buf), "%s",
				 _("Answer aloud now: the judge rules"));
		else if (me_win && ph == MODEL_BUZZ_ANSWERING)
			snprintf(buf, sizeof(buf), "%s",
				 _("Your answer: on screen now"));
		else if (ph == MODEL_BUZZ_ANSWERING)
			snprintf(buf, sizeof(buf), _("Answering: %s"), who);
		else if (me_win)
			snprintf(buf, sizeof(buf), "%s",
				 _("The judge is ruling on your answer"));
		else
			snprintf(buf, sizeof(buf),
				 _("The judge is ruling on %s's answer"), who);
		attron(A_BOLD);
		ui_text_center(y++, 0, COLS, buf);
		attroff(A_BOLD);
	}
	if (m->n_out && y < maxy &&
	    !(m->n_out == 1 && m->mode == MODE_JOIN && model_buzz_out(m))) {
		char list[MODEL_OUT_MAX * (MODEL_TEAM_NAME + 2)];
		size_t o = 0;
		unsigned i;

		list[0] = '\0';
		for (i = 0; i < m->n_out && o < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o,
					      "%s%s", i ? ", " : "", m->out[i]);
		snprintf(buf, sizeof(buf), _("Out of this question: %s"), list);
		attron(ui_attr(UI_DIM));
		ui_text_center(y++, 0, COLS, buf);
		attroff(ui_attr(UI_DIM));
	}
	if (m->have_buzz && ph != MODEL_BUZZ_DONE && m->rebounds_left &&
	    y < maxy && m->mode != MODE_JOIN) {
		snprintf(buf, sizeof(buf), _("Rebounds left: %u"),
			 m->rebounds_left);
		attron(ui_attr(UI_DIM));
		ui_text_center(y++, 0, COLS, buf);
		attroff(ui_attr(UI_DIM));
	}
	return y - y0;
}

bool ui_buzz_fouled(const struct model *m)
{
	unsigned i;

	if (m->mode != MODE_JOIN || !m->q_buzz)
		return false;
	if (m->have_my_press && m->my_press.outcome == MODEL_PRESS_FOUL)
		return true;
	for (i = 0; i < m->n_presses; i++) {
		const struct model_press *p = &m->presses[i];

		if (p->outcome == MODEL_PRESS_FOUL &&
		    ((m->player_id && p->player_id == m->player_id) ||
		     model_is_my_team(m, p->team)))
			return true;
	}
	return false;
}

int ui_draw_presses(const struct model *m, int y, int maxy)
{
	char who[160], g[32], row[320];
	int y0 = y, ww = COLS - 42; /* team · nickname: 38 columns at 80 */
	unsigned i;

	if (ww < 34)
		ww = 34;
	if (ww > 60)
		ww = 60;
	if (!m->n_presses || y + 1 >= maxy)
		return 0; /* not even one row under the title */
	attron(A_BOLD);
	ui_text(y++, 2, COLS - 4, _("Presses (compensated):"));
	attroff(A_BOLD);
	for (i = 0; i < m->n_presses && y < maxy; i++, y++) {
		const struct model_press *p = &m->presses[i];
		int attr = ui_outcome_attr(p->outcome);

		ui_who(who, sizeof(who), p->team, p->nick);
		if (p->outcome == MODEL_PRESS_FOUL)
			ui_ms(g, sizeof(g), p->react_us);
		else if (p->outcome == MODEL_PRESS_WON)
			snprintf(g, sizeof(g), "+0 ms");
		else if (p->outcome == MODEL_PRESS_SLOWER ||
			 p->outcome == MODEL_PRESS_LATE)
			ui_ms(g, sizeof(g), p->gap_us);
		else
			g[0] = '\0';
		snprintf(row, sizeof(row), "%2u.", i + 1);
		ui_text(y, 4, 4, row);
		ui_text_pad(y, 8, ww, who);
		ui_text(y, 9 + ww, 12, g);
		attron(attr);
		if (p->arm)
			snprintf(row, sizeof(row), _("%s (rebound %u)"),
				 ui_outcome_word(p->outcome), p->arm);
		else
			snprintf(row, sizeof(row), "%s",
				 ui_outcome_word(p->outcome));
		ui_text(y, 22 + ww, COLS - 23 - ww, row);
		attroff(attr);
	}
	return y - y0;
}

/* The options of a mask as "B 1921年" (or the letters only when long). */
static void ui_mask_text(const struct model *m, uint32_t mask, char *buf,
			 size_t len)
{
	size_t o = 0;
	unsigned i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX; i++)
		if (mask & (1u << i))
			n++;
	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX && o < len; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (n == 1)
			o += (size_t)snprintf(buf + o, len - o, "%c %s",
					      ui_opt_key(i), m->options[i]);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%c",
					      o ? ", " : "", ui_opt_key(i));
	}
}

/* The correct answer for the judge: from the AnswerKey or the request. */
static void ui_key_text(const struct model *m, char *buf, size_t len)
{
	buf[0] = '\0';
	if (m->have_jreq && m->jreq_q == m->q &&
	    (m->jreq_text[0] || m->jreq_mask)) {
		if (m->jreq_text[0])
			snprintf(buf, len, "%s", m->jreq_text);
		else
			ui_mask_text(m, m->jreq_mask, buf, len);
	} else if (m->have_key && m->key_q == m->q) {
		if (m->key_text[0])
			snprintf(buf, len, "%s", m->key_text);
		else
			ui_mask_text(m, m->key_mask, buf, len);
	}
}

int ui_draw_answer_key(const struct model *m, int y)
{
	char key[MODEL_OPTION_MAX + 16], buf[MODEL_OPTION_MAX + 64];

	if (!m->judge || m->mode == MODE_JOIN)
		return 0;
	ui_key_text(m, key, sizeof(key));
	if (!key[0])
		return 0;
	snprintf(buf, sizeof(buf), "%s %s", _("Answer key:"), key);
	attron(ui_attr(UI_GOOD));
	ui_text(y, 2, COLS - 4, buf);
	attroff(ui_attr(UI_GOOD));
	return 1;
}

/* One item's answer: the typed text, the choices, or "oral". */
static void ui_item_answer(const struct model *m,
			   const struct model_judge_item *it, char *buf,
			   size_t len)
{
	if (it->text[0])
		snprintf(buf, len, "%s", it->text);
	else if (it->choices)
		ui_mask_text(m, it->choices, buf, len);
	else
		snprintf(buf, len, "%s", _("(oral answer)"));
}

int ui_draw_judge_panel(const struct model *m, int y, int maxy, uint64_t now)
{
	char buf[MODEL_OPTION_MAX * 2], ans[MODEL_OPTION_MAX + 16], who[160],
	    s[32];
	unsigned i, first = 0;
	int y0 = y, rows;
	bool open = model_judge_open(m);

	if (!m->judge || !m->have_jreq || m->jreq_q != m->q || !m->n_items ||
	    y >= maxy)
		return 0;
	ui_secs(s, sizeof(s),
		m->jreq_since && now > m->jreq_since ? now - m->jreq_since : 0);
	if (m->jreq_done)
		snprintf(buf, sizeof(buf), "%s", _("Ruled: every item"));
	else
		snprintf(buf, sizeof(buf), _("Ruling awaited · %s s"), s);
	attron(open ? ui_attr(UI_ACCENT) : ui_attr(UI_DIM));
	ui_text(y++, 2, COLS - 4, buf);
	attroff(open ? ui_attr(UI_ACCENT) : ui_attr(UI_DIM));
	rows = maxy - y - (open ? 1 : 0);
	if (rows < 1)
		rows = 1;
	if ((int)m->item_cursor >= rows)
		first = m->item_cursor - (unsigned)rows + 1;
	for (i = first; i < m->n_items && y < maxy - (open ? 1 : 0); i++, y++) {
		const struct model_judge_item *it = &m->items[i];
		bool cur = open && i == m->item_cursor;
		const char *state;
		int attr;

		ui_item_answer(m, it, ans, sizeof(ans));
		if (!it->nick[0] && it->player_id &&
		    it->player_id == m->winner_id) {
			/* the buzz winner, named by the BuzzState */
			ui_who(who, sizeof(who), m->winner_team,
			       m->winner_nick);
			snprintf(buf, sizeof(buf), "%s %s: %s", cur ? ">" : " ",
				 who, ans);
		} else if (it->player_id || it->nick[0]) {
			ui_who(who, sizeof(who), it->team, it->nick);
			snprintf(buf, sizeof(buf), "%s %s: %s", cur ? ">" : " ",
				 who, ans);
		} else {
			snprintf(buf, sizeof(buf), "%s %u× %s", cur ? ">" : " ",
				 it->count, ans);
		}
		attr = cur ? ui_attr(UI_SELECT) : (int)A_NORMAL;
		attron(attr);
		ui_text_pad(y, 2, COLS - 30, buf);
		attroff(attr);
		snprintf(buf, sizeof(buf), _("auto: %s"),
			 it->suggestion ? _("right") : _("wrong"));
		attron(ui_attr(UI_DIM));
		ui_text(y, COLS - 27, 12, buf);
		attroff(ui_attr(UI_DIM));
		if (it->ruled)
			state = it->correct ? _("right") : _("wrong");
		else if (m->verdict_sent && !m->verdict_rest &&
			 m->verdict_item == it->index)
			state = _("sending…");
		else
			state = _("to rule");
		attr = !it->ruled    ? ui_attr(UI_DIM)
		       : it->correct ? ui_attr(UI_GOOD)
				     : ui_attr(UI_BAD);
		attron(attr);
		ui_text(y, COLS - 14, 13, state);
		attroff(attr);
	}
	if (open && y < maxy) {
		attron(ui_attr(UI_DIM));
		ui_text(y++, 2, COLS - 4,
			m->mode == MODE_JUDGE
			    ? _("y/1 right · n/0 wrong · a rest as "
				"suggested · arrows pick")
			    : _("y/1 right · w/0 wrong · a rest as "
				"suggested · arrows pick"));
		attroff(ui_attr(UI_DIM));
	}
	return y - y0;
}

void ui_draw_judging(const struct model *m, int y, uint64_t now)
{
	char buf[MODEL_OPTION_MAX + 64], s[32];
	int maxy = LINES - 3;

	ui_question_line(m, y);
	y += 2;
	y += ui_wrap(y, 2, COLS - 4, 3, m->stem, true) + 1;
	ui_secs(s, sizeof(s),
		m->judging_since && now > m->judging_since
		    ? now - m->judging_since
		    : 0);
	snprintf(buf, sizeof(buf), _("The judges are ruling… %s s"), s);
	attron(ui_attr(UI_ACCENT) | A_BOLD);
	ui_text_center(y++, 0, COLS, buf);
	attroff(ui_attr(UI_ACCENT) | A_BOLD);
	y++;
	if (m->mode == MODE_JOIN && m->locked && m->kind == KIND_FILL) {
		snprintf(buf, sizeof(buf), "%s %s", _("Your answer:"), m->fill);
		ui_wrap(y, 4, COLS - 8, 2, buf, true);
		return;
	}
	if (m->mode == MODE_JOIN || m->mode == MODE_SCREEN)
		return;
	y += ui_draw_answer_key(m, y);
	ui_draw_judge_panel(m, y + 1, maxy, now);
}
