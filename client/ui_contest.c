/* The contest pieces every mode draws: the round banner, whose turn it is,
 * the wager picker, team boards (live, at a round break, final with the
 * best members), tied ranks and signed deltas. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "i18n.h"

/* Whether the screens speak of rounds: a contest of several rounds, or of
 * a round that is not the classic speed round. */
bool ui_rounds_shown(const struct model *m)
{
	if (m->rounds_total > 1 || m->n_rounds > 1)
		return true;
	return m->have_round && m->cur.format != MODEL_FMT_SPEED;
}

const char *ui_format_word(int format)
{
	switch (format) {
	case MODEL_FMT_SPEED:
		return _("speed");
	case MODEL_FMT_REQUIRED:
		return _("in turn");
	case MODEL_FMT_BUZZ:
		return _("buzz-in");
	case MODEL_FMT_WAGER:
		return _("wager");
	case MODEL_FMT_PRACTICE:
		return _("practice");
	default:
		return _("unknown format");
	}
}

void ui_delta(char *buf, size_t len, int64_t d)
{
	unsigned long long a =
	    d < 0 ? (unsigned long long)(-(d + 1)) + 1 : (unsigned long long)d;

	if (d > 0)
		snprintf(buf, len, "+%llu", a);
	else if (d < 0)
		/* U+2212 MINUS SIGN where the terminal has it */
		snprintf(buf, len, "%s%llu", ui_utf8() ? "\u2212" : "-", a);
	else
		snprintf(buf, len, "0");
}

int ui_delta_attr(int64_t d)
{
	if (d > 0)
		return ui_attr(UI_GOOD);
	if (d < 0)
		return ui_attr(UI_BAD);
	return (int)A_NORMAL;
}

void ui_rank(char *buf, size_t len, uint32_t rank, bool tied)
{
	if (tied)
		/* TRANSLATORS: a rank shared with others (ties): "=1" */
		snprintf(buf, len, _("=%u"), rank);
	else
		snprintf(buf, len, "%2u.", rank);
}

/* The round's name, or the format in words when it has none. */
static const char *ui_round_name(const struct model_round *r)
{
	return r->name[0] ? r->name : ui_format_word(r->format);
}

int ui_draw_round_banner(const struct model *m, int y)
{
	char buf[320];
	const struct model_round *r = &m->cur;

	if (!ui_rounds_shown(m) || !m->have_round)
		return 0;
	if (r->name[0])
		snprintf(buf, sizeof(buf), _("Round %u of %u · %s · %s"),
			 m->round + 1, m->rounds_total, r->name,
			 ui_format_word(r->format));
	else
		snprintf(buf, sizeof(buf), _("Round %u of %u · %s"),
			 m->round + 1, m->rounds_total,
			 ui_format_word(r->format));
	attron(ui_attr(UI_ACCENT));
	ui_text_center(y, 0, COLS, buf);
	attroff(ui_attr(UI_ACCENT));
	ui_buzz_rules(r, buf, sizeof(buf));
	if (!buf[0])
		return 1;
	attron(ui_attr(UI_DIM));
	ui_text_center(y + 1, 0, COLS, buf);
	attroff(ui_attr(UI_DIM));
	return 2;
}

void ui_round_prefix(const struct model *m, char *buf, size_t len)
{
	buf[0] = '\0';
	if (!ui_rounds_shown(m) || !m->have_round)
		return;
	snprintf(buf, len, _("Round %u/%u · %s · "), m->round + 1,
		 m->rounds_total, ui_round_name(&m->cur));
}

/* Whose turn as a sentence (for the question on screen, or the next). */
static void ui_turn_text(const struct model *m, char *buf, size_t len,
			 bool mine)
{
	const char *who = m->turn_team[0] ? m->turn_team : m->turn_nick;

	if (mine && m->turn_team[0])
		snprintf(buf, len, _("Your team's turn (%s) · turn %u of %u"),
			 m->turn_team, m->turn_no, m->turns);
	else if (mine)
		snprintf(buf, len, _("Your turn · turn %u of %u"), m->turn_no,
			 m->turns);
	else if (m->mode == MODE_JOIN)
		snprintf(buf, len,
			 _("Turn %u of %u: %s answers · you cannot answer "
			   "this one"),
			 m->turn_no, m->turns, who);
	else
		snprintf(buf, len, _("Turn %u of %u: %s answers"), m->turn_no,
			 m->turns, who);
}

int ui_draw_turn(const struct model *m, int y, uint32_t q)
{
	char buf[320];
	bool mine;

	if (!m->have_turn || m->turn_q != q)
		return 0;
	if (m->mode != MODE_JOIN)
		mine = false;
	else if (m->turn_team[0])
		mine = model_is_my_team(m, m->turn_team);
	else
		mine = m->player_id && m->turn_pid == m->player_id;
	if (m->have_q && m->q == q && m->turn_refused)
		mine = false;
	ui_turn_text(m, buf, sizeof(buf), mine);
	if (mine) {
		char pad[340];

		snprintf(pad, sizeof(pad), " %s %s ",
			 ui_utf8() ? "\u25b6" : ">", buf);
		attron(ui_attr(UI_SELECT) | A_BOLD);
		ui_text_center(y, 0, COLS, pad);
		attroff(ui_attr(UI_SELECT) | A_BOLD);
	} else {
		attron(m->mode == MODE_JOIN ? ui_attr(UI_DIM)
					    : ui_attr(UI_ACCENT));
		ui_text_center(y, 0, COLS, buf);
		attroff(m->mode == MODE_JOIN ? ui_attr(UI_DIM)
					     : ui_attr(UI_ACCENT));
	}
	return 1;
}

/* "Team score = 100 + mean of the members' points" on row y. */
static void ui_scoring_rule(int scoring, int64_t base, int y)
{
	char buf[160];
	const char *how = scoring == 1 ? _("sum of the members' points")
				       : _("mean of the members' points");

	if (base)
		snprintf(buf, sizeof(buf), _("Team score = %lld + %s"),
			 (long long)base, how);
	else
		snprintf(buf, sizeof(buf), _("Team score = %s"), how);
	attron(ui_attr(UI_DIM));
	ui_text_center(y, 0, COLS, buf);
	attroff(ui_attr(UI_DIM));
}

/* The rule of a board on row y. */
static void ui_board_rule(const struct model_board *b, int y)
{
	ui_scoring_rule(b->scoring, b->base, y);
}

void ui_draw_scoring(const struct model *m, int y)
{
	if (m->contest)
		ui_scoring_rule(m->scoring, m->team_base, y);
}

/* The best members of a team as "张三, 李小龙". */
static void ui_members(const struct model_team_row *r, char *buf, size_t len)
{
	size_t o = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < r->n_top && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
				      r->top[i]);
}

/* The team board on a large projector, rows [y, maxy): the rule, then a
 * band a team as tall as the rows allow (up to 9): rank and name bold,
 * the members under them, the score as a thick bar out of the best team's,
 * the score, the last delta and the stake beside it; final: the best
 * members under the bar. Returns the rows used, 0 when the bands would be
 * under 3 rows (the table is drawn instead). */
static int ui_team_board_big(const struct model *m, int y, int maxy, bool final)
{
	const struct model_board *b = &m->board;
	int n = (int)b->n, bh, bt, i, rankw = 3, namew = 8, x0, nx, bx, barw;
	int64_t best = 0;
	char rk[32], num[64], buf[400];
	int y0 = y;

	if (n < 1 || n > MODEL_TEAMS_MAX)
		return 0;
	bh = (maxy - y - 2) / n;
	if (bh > 9)
		bh = 9;
	if (bh < 3)
		return 0;
	for (i = 0; i < n; i++) {
		const struct model_team_row *r = &b->rows[i];

		ui_rank(rk, sizeof(rk), r->rank, r->tied);
		if (ui_width(rk) > rankw)
			rankw = ui_width(rk);
		if (ui_width(r->name) > namew)
			namew = ui_width(r->name);
		snprintf(num, sizeof(num), _("Members: %u"), r->members);
		if (ui_width(num) > namew)
			namew = ui_width(num);
		if (r->score > best)
			best = r->score;
	}
	if (namew > COLS / 4)
		namew = COLS / 4;
	x0 = COLS / 12;
	nx = x0 + rankw + 2;
	bx = nx + namew + 3;
	barw = COLS - x0 - bx - 24;
	if (barw < 10)
		return 0;
	/* a blank row between bands (two from 5 rows), the best members
	 * under the bar in the final */
	bt = bh - (bh >= 5 ? 2 : 1) - (final ? 1 : 0);
	if (bt > 5)
		bt = 5;
	if (bt < 1)
		bt = 1;
	ui_board_rule(b, y);
	y += 2;
	for (i = 0; i < n && y + bh <= maxy + 1; i++, y += bh) {
		const struct model_team_row *r = &b->rows[i];
		int mid = y + (bt - 1) / 2, k;
		bool me = m->mode == MODE_JOIN && model_is_my_team(m, r->name);

		attron(me ? ui_attr(UI_ACCENT) : (int)A_BOLD);
		ui_rank(rk, sizeof(rk), r->rank, r->tied);
		ui_text(mid, x0, rankw, rk);
		ui_text(mid, nx, namew, r->name);
		attroff(me ? ui_attr(UI_ACCENT) : (int)A_BOLD);
		if (bt >= 2) {
			snprintf(num, sizeof(num), _("Members: %u"),
				 r->members);
			attron(ui_attr(UI_DIM));
			ui_text(mid + 1, nx, namew, num);
			attroff(ui_attr(UI_DIM));
		}
		for (k = 0; k < bt; k++)
			ui_bar(y + k, bx, barw,
			       r->score > 0 ? (uint64_t)r->score : 0,
			       best > 0 ? (uint64_t)best : 0, ui_attr(UI_BAR));
		snprintf(num, sizeof(num), "%lld", (long long)r->score);
		attron(A_BOLD);
		ui_text(mid, bx + barw + 2, 8, num);
		attroff(A_BOLD);
		if (final) {
			ui_members(r, buf, sizeof(buf));
			attron(ui_attr(UI_DIM));
			ui_text(y + bt, bx, COLS - x0 - bx, buf);
			attroff(ui_attr(UI_DIM));
			continue;
		}
		ui_delta(num, sizeof(num), r->last_delta);
		attron(ui_delta_attr(r->last_delta));
		ui_text(mid, bx + barw + 10, 7, num);
		attroff(ui_delta_attr(r->last_delta));
		if (r->stake) {
			snprintf(num, sizeof(num), _("stake %u"), r->stake);
			attron(ui_attr(UI_DIM));
			ui_text(mid + (bt >= 2 ? 1 : 0), bx + barw + 10, 14,
				num);
			attroff(ui_attr(UI_DIM));
		}
	}
	return y - y0;
}

int ui_draw_team_board(const struct model *m, int y, int maxy, bool final)
{
	const struct model_board *b = &m->board;
	char rk[32], buf[400], num[48];
	int namew = 8, rankw = 3, x, x0, i, w, bestw, tw;
	bool stakes = false;
	int y0 = y;

	if (!b->have || !b->n || y + 2 >= maxy)
		return 0;
	if (ui_big_screen(m)) {
		int used = ui_team_board_big(m, y, maxy, final);

		if (used)
			return used;
	}
	for (i = 0; i < (int)b->n; i++) {
		ui_rank(rk, sizeof(rk), b->rows[i].rank, b->rows[i].tied);
		if (ui_width(rk) > rankw)
			rankw = ui_width(rk);
		w = ui_width(b->rows[i].name);
		if (w > namew)
			namew = w;
		if (b->rows[i].stake)
			stakes = true;
	}
	/* 30 columns: a team of 15 Chinese characters shows whole at 80
	 * (机关党委第一党支部第二党小组 is 13), the best members after it */
	if (namew > 30)
		namew = 30;
	/* centred on a wide terminal, from column 2 at 80 */
	tw = rankw + 1 + namew + 1 + 10 + 9 + (final ? 30 : stakes ? 17 : 8);
	x0 = (COLS - tw) / 2;
	if (x0 < 2)
		x0 = 2;
	ui_board_rule(b, y++);
	attron(A_BOLD);
	x = x0 + rankw + 1;
	ui_text_pad(y, x, namew, _("Team"));
	x += namew + 1;
	ui_text(y, x, 9, _("Members"));
	x += 10;
	ui_text(y, x, 8, _("Score"));
	x += 9;
	if (final)
		ui_text(y, x, COLS - x - 1, _("Best members"));
	else {
		ui_text(y, x, 8, _("Last"));
		if (stakes)
			ui_text(y, x + 9, 8, _("Stake"));
	}
	attroff(A_BOLD);
	y++;
	for (i = 0; i < (int)b->n && y < maxy; i++, y++) {
		const struct model_team_row *r = &b->rows[i];
		bool me = m->mode == MODE_JOIN && model_is_my_team(m, r->name);

		if (me)
			attron(ui_attr(UI_ACCENT));
		ui_rank(rk, sizeof(rk), r->rank, r->tied);
		ui_text(y, x0, rankw, rk);
		x = x0 + rankw + 1;
		ui_text_pad(y, x, namew, r->name);
		x += namew + 1;
		snprintf(num, sizeof(num), "%u", r->members);
		ui_text(y, x, 9, num);
		x += 10;
		snprintf(num, sizeof(num), "%lld", (long long)r->score);
		ui_text(y, x, 8, num);
		x += 9;
		if (me)
			attroff(ui_attr(UI_ACCENT));
		if (final) {
			ui_members(r, buf, sizeof(buf));
			bestw = COLS - x - 1;
			attron(ui_attr(UI_DIM));
			ui_text(y, x, bestw, buf);
			attroff(ui_attr(UI_DIM));
			continue;
		}
		ui_delta(num, sizeof(num), r->last_delta);
		attron(ui_delta_attr(r->last_delta));
		ui_text(y, x, 8, num);
		attroff(ui_delta_attr(r->last_delta));
		if (r->stake) {
			snprintf(num, sizeof(num), "%u", r->stake);
			ui_text(y, x + 9, 8, num);
		}
	}
	return y - y0;
}

/* The seconds-left bar of the wager phase on row y. */
static void ui_wager_bar(const struct model *m, int y, uint64_t now)
{
	unsigned pm = model_wager_left_pm(m, now);
	uint64_t left = m->wager_deadline > now ? m->wager_deadline - now : 0;
	char s[32], buf[48];

	ui_secs(s, sizeof(s), left);
	snprintf(buf, sizeof(buf), _("%s s left"), s);
	ui_text(y, 2, 14, buf);
	ui_bar(y, 16, COLS - 18, pm, 1000,
	       pm < 200 ? ui_attr(UI_BAD) : ui_attr(UI_BAR));
}

/* The stakes as keys "[1] 10  [2] 20  [3] 30", centred on row y; the
 * chosen (or sent) one in reverse. */
static void ui_stake_keys(const struct model *m, int y, bool keys)
{
	char cell[MODEL_STAKES_MAX][32];
	int w = 0, x, i, n = (int)m->n_stakes;
	uint32_t chosen = m->wager_stake ? m->wager_stake : m->wager_sent;

	for (i = 0; i < n; i++) {
		if (keys)
			snprintf(cell[i], sizeof(cell[i]), " [%d] %u ", i + 1,
				 m->stakes[i]);
		else
			snprintf(cell[i], sizeof(cell[i]), " %u ",
				 m->stakes[i]);
		w += ui_width(cell[i]) + 2;
	}
	x = w < COLS ? (COLS - w) / 2 : 0;
	for (i = 0; i < n && x < COLS; i++) {
		bool on = chosen && m->stakes[i] == chosen;
		int attr = on ? ui_attr(UI_SELECT) | A_BOLD : (int)A_BOLD;

		attron(attr);
		x += ui_text(y, x, COLS - x, cell[i]);
		attroff(attr);
		x += 2;
	}
}

void ui_draw_wager(const struct model *m, int y, uint64_t now)
{
	char buf[320];
	uint32_t i, n;
	bool team = m->team[0] != '\0';
	int maxy = LINES - 3;

	y += ui_draw_round_banner(m, y) + 1;
	model_round_pos(m, m->wager_q, &i, &n);
	if (m->wager_category[0])
		snprintf(buf, sizeof(buf),
			 _("Next: question %u of %u · category %s"), i, n,
			 m->wager_category);
	else
		snprintf(buf, sizeof(buf), _("Next: question %u of %u"), i, n);
	ui_text_center(y, 0, COLS, buf);
	y += 2;
	if (m->mode != MODE_JOIN) {
		attron(A_BOLD);
		ui_text_center(y, 0, COLS,
			       _("The teams are picking their stakes"));
		attroff(A_BOLD);
		ui_stake_keys(m, y + 2, false);
		ui_wager_bar(m, y + 4, now);
		y += 6;
		if (m->mode == MODE_HOST && y < maxy) {
			attron(ui_attr(UI_DIM));
			ui_text_center(y++, 0, COLS,
				       _("Press n to end the wager time now"));
			attroff(ui_attr(UI_DIM));
		}
		ui_draw_team_board(m, y + 1, maxy, false);
		return;
	}
	attron(A_BOLD);
	ui_text_center(y, 0, COLS,
		       team ? _("Pick your team's stake: right wins it, wrong "
				"or no answer loses it")
			    : _("Pick your stake: right wins it, wrong or no "
				"answer loses it"));
	attroff(A_BOLD);
	ui_stake_keys(m, y + 2, true);
	ui_wager_bar(m, y + 4, now);
	y += 6;
	if (m->wager_stake) {
		if (m->wager_by[0] && m->wager_by_pid != m->player_id)
			snprintf(buf, sizeof(buf),
				 _("Stake %u confirmed (picked by %s)"),
				 m->wager_stake, m->wager_by);
		else
			snprintf(buf, sizeof(buf), _("Stake %u confirmed"),
				 m->wager_stake);
		attron(ui_attr(UI_GOOD));
		ui_text_center(y, 0, COLS, buf);
		attroff(ui_attr(UI_GOOD));
	} else if (m->wager_sent) {
		snprintf(buf, sizeof(buf), _("Stake %u sent…"), m->wager_sent);
		attron(ui_attr(UI_ACCENT));
		ui_text_center(y, 0, COLS, buf);
		attroff(ui_attr(UI_ACCENT));
	} else if (m->n_stakes) {
		snprintf(buf, sizeof(buf),
			 _("No stake by the deadline: the smallest (%u) "
			   "counts"),
			 m->stakes[0]);
		attron(ui_attr(UI_DIM));
		ui_text_center(y, 0, COLS, buf);
		attroff(ui_attr(UI_DIM));
	}
	ui_draw_team_board(m, y + 2, maxy, false);
}

void ui_draw_round_break(const struct model *m, int y)
{
	char buf[320];
	uint32_t r = m->round_ended ? m->ended_round : m->round;
	uint32_t next = r + 1;
	int maxy = LINES - 4, used;

	if (r < m->n_rounds)
		snprintf(buf, sizeof(buf), _("End of round %u of %u · %s"),
			 r + 1, m->rounds_total, ui_round_name(&m->rounds[r]));
	else
		snprintf(buf, sizeof(buf), _("End of round %u of %u"), r + 1,
			 m->rounds_total);
	attron(ui_attr(UI_ACCENT));
	ui_text_center(y, 0, COLS, buf);
	attroff(ui_attr(UI_ACCENT));
	y += 2;
	used = ui_draw_team_board(m, y, maxy - 2, false);
	if (!used) {
		ui_draw_board(m, y, maxy - 2 - y, false);
	} else if (y + used + 2 < maxy - 2) {
		/* the contestants under the teams, as many as fit */
		ui_draw_board(m, y + used + 1, maxy - 2 - (y + used + 1),
			      false);
	}
	if (next < m->n_rounds)
		snprintf(buf, sizeof(buf), _("Next: round %u of %u · %s · %s"),
			 next + 1, m->rounds_total,
			 ui_round_name(&m->rounds[next]),
			 ui_format_word(m->rounds[next].format));
	else
		snprintf(buf, sizeof(buf), _("Next: round %u of %u"), next + 1,
			 m->rounds_total);
	attron(A_BOLD);
	ui_text_center(maxy - 1, 0, COLS, buf);
	attroff(A_BOLD);
	attron(ui_attr(UI_DIM));
	if (m->mode == MODE_HOST)
		snprintf(buf, sizeof(buf), _("Press n to begin round %u"),
			 next + 1);
	else
		snprintf(buf, sizeof(buf),
			 _("Waiting for the host to begin round %u…"),
			 next + 1);
	ui_text_center(maxy, 0, COLS, buf);
	attroff(ui_attr(UI_DIM));
}

void ui_draw_final_teams(const struct model *m, int y, int maxy)
{
	if (!m->board.have || !m->board.n || y + 3 >= maxy)
		return;
	attron(ui_attr(UI_ACCENT));
	ui_text_center(y, 0, COLS, _("Final team standings"));
	attroff(ui_attr(UI_ACCENT));
	ui_draw_team_board(m, y + 1, maxy, true);
}

void ui_draw_my_team(const struct model *m, int y)
{
	char buf[320], d[48], rk[32];
	unsigned i;

	if (m->mode != MODE_JOIN || !m->board.have)
		return;
	for (i = 0; i < m->board.n; i++) {
		const struct model_team_row *r = &m->board.rows[i];

		if (!model_is_my_team(m, r->name))
			continue;
		ui_delta(d, sizeof(d), r->last_delta);
		snprintf(rk, sizeof(rk), r->tied ? _("=%u") : "%u", r->rank);
		snprintf(buf, sizeof(buf),
			 _("Team %s: %lld (%s) · rank %s of %u"), r->name,
			 (long long)r->score, d, rk, m->board.n);
		attron(ui_attr(UI_ACCENT));
		ui_text(y, 2, COLS - 4, buf);
		attroff(ui_attr(UI_ACCENT));
		return;
	}
}
