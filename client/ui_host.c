/* The host console (room code in big digits, live answer panel, team
 * tallies, keys always on screen) and the read-only projector view (big
 * countdown, question, distribution after close, leaderboard). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "i18n.h"
#include "text.h"

#define KIND_FILL 3

/* Whether a HOST:PORT names this machine only. */
static bool local_only(const char *server)
{
	return server && (strncmp(server, "127.", 4) == 0 ||
			  strncmp(server, "localhost:", 10) == 0 ||
			  strncmp(server, "[::1]:", 6) == 0);
}

/* The join command contestants type: at the first address quizd gave
 * (every one of its interfaces when it listens on all), the others on a
 * line below; the address typed when it gave none, with a warning when
 * that one reaches this machine only. Returns the next row. */
static int ui_join_hint(const struct model *m, const struct ui_view *v, int y)
{
	const char *prog = v->prog ? v->prog : "quiz";
	const char *addr = m->n_join_addrs ? m->join_addrs[0]
			   : v->server	   ? v->server
					   : "HOST:PORT";
	char buf[256], more[200];
	size_t n = 0;
	unsigned i;

	snprintf(buf, sizeof(buf), _("Join: %s join %s %s --name NAME"), prog,
		 addr, m->code);
	ui_text_center(y++, 0, COLS, buf);
	more[0] = '\0';
	for (i = 1; i < m->n_join_addrs && n < sizeof(more); i++)
		n += (size_t)snprintf(more + n, sizeof(more) - n, "%s%s",
				      i > 1 ? "  " : "", m->join_addrs[i]);
	attron(ui_attr(UI_DIM));
	if (more[0]) {
		snprintf(buf, sizeof(buf), _("or at: %s"), more);
		ui_text_center(y++, 0, COLS, buf);
	} else if (!m->n_join_addrs && local_only(v->server)) {
		ui_text_center(y++, 0, COLS,
			       _("Only this machine can join: start quizd "
				 "with --listen 0.0.0.0:PORT for the hall"));
	}
	attroff(ui_attr(UI_DIM));
	return y;
}

/* The room code, big, with how to join under it. Returns the next row. */
static int ui_code(const struct model *m, const struct ui_view *v, int y)
{
	char buf[256];

	ui_text_center(y, 0, COLS, _("Room code"));
	if (!m->code[0]) {
		ui_text_center(y + 2, 0, COLS, _("Creating the room…"));
		return y + 4;
	}
	if (ui_big(y + 1, 0, COLS, m->code, ui_attr(UI_ACCENT)) < 0) {
		attron(ui_attr(UI_ACCENT));
		ui_text_center(y + 2, 0, COLS, m->code);
		attroff(ui_attr(UI_ACCENT));
		y += 4;
	} else {
		y += 7;
	}
	y = ui_join_hint(m, v, y);
	if (m->mode == MODE_HOST && m->judge_token[0]) {
		snprintf(buf, sizeof(buf),
			 _("Judge: %s judge %s %s --token %s"),
			 v->prog ? v->prog : "quiz",
			 m->n_join_addrs ? m->join_addrs[0]
			 : v->server	 ? v->server
					 : "HOST:PORT",
			 m->code, m->judge_token);
		attron(ui_attr(UI_DIM));
		ui_text_center(y, 0, COLS, buf);
		attroff(ui_attr(UI_DIM));
		return y + 2;
	}
	return y + 1;
}

/* Team tallies on one row each (as many as fit). Returns the next row. */
static int ui_teams(const struct model *m, int y, int maxy)
{
	unsigned i;
	char buf[64];

	if (!m->n_teams || y >= maxy)
		return y;
	attron(A_BOLD);
	ui_text_pad(y, 4, 30, _("Team"));
	ui_text(y, 36, 10, _("Players"));
	ui_text(y, 48, 12, _("Score"));
	attroff(A_BOLD);
	for (i = 0; i < m->n_teams && ++y < maxy; i++) {
		ui_text_pad(y, 4, 30, m->teams[i].name);
		snprintf(buf, sizeof(buf), "%u", m->teams[i].players);
		ui_text(y, 36, 10, buf);
		snprintf(buf, sizeof(buf), "%lld",
			 (long long)m->teams[i].score);
		ui_text(y, 48, 12, buf);
	}
	return y + 1;
}

/* One roster entry: "张三 · 一支部", dim when offline. */
static void ui_member(const struct model_member *mm, int y, int x, int w)
{
	char buf[2 * MODEL_NAME_MAX + 8];

	if (mm->team[0])
		snprintf(buf, sizeof(buf), "%s · %s", mm->nick, mm->team);
	else
		snprintf(buf, sizeof(buf), "%s", mm->nick);
	if (!mm->online)
		attron(ui_attr(UI_DIM));
	ui_text(y, x, w, buf);
	if (!mm->online)
		attroff(ui_attr(UI_DIM));
}

/* Who is in the room (host and screens): names and teams in columns,
 * the latest that fit when there are more. Returns the next row. */
static int ui_roster(const struct model *m, int y, int maxy)
{
	const int colw = 26;
	int cols = (COLS - 4) / colw, rows = maxy - y, i, first, shown;

	if (!m->n_roster || rows < 1 || cols < 1)
		return y;
	shown = (int)m->n_roster < rows * cols ? (int)m->n_roster : rows * cols;
	first = (int)m->n_roster - shown;
	if (cols > shown)
		cols = shown;
	for (i = 0; i < shown; i++) {
		int r = i / cols, c = i % cols;

		ui_member(&m->roster[first + i], y + r,
			  (COLS - cols * colw) / 2 + c * colw, colw - 2);
	}
	return y + (shown + cols - 1) / cols;
}

/* The host's kick picker: the roster in a list, the picked one
 * highlighted, scrolled to keep it in view. */
static void ui_kick_picker(const struct model *m, const struct ui_view *v)
{
	int top = 3, rows = LINES - 7, w = COLS - 8, i, first;
	unsigned sel = v->kick_sel;
	char buf[64];

	if (rows < 1 || w < 10)
		return;
	for (i = 0; i < rows + 1; i++) {
		attron(ui_attr(UI_SELECT));
		mvhline(top + i, 3, ' ', COLS - 6);
		attroff(ui_attr(UI_SELECT));
	}
	attron(ui_attr(UI_SELECT) | A_BOLD);
	if (!m->n_roster) {
		ui_text(top, 4, w, _("Nobody to kick (Esc to go back)"));
		attroff(ui_attr(UI_SELECT) | A_BOLD);
		return;
	}
	snprintf(buf, sizeof(buf), _("Kick whom? (%u in the room)"),
		 m->players);
	ui_text(top, 4, w, buf);
	attroff(ui_attr(UI_SELECT) | A_BOLD);
	if (sel >= m->n_roster)
		sel = m->n_roster - 1;
	first = (int)sel - rows / 2;
	if (first > (int)m->n_roster - rows)
		first = (int)m->n_roster - rows;
	if (first < 0)
		first = 0;
	for (i = 0; i < rows && first + i < (int)m->n_roster; i++) {
		unsigned k = (unsigned)(first + i);
		int attr = k == sel ? (int)A_REVERSE : ui_attr(UI_SELECT);

		attron(attr);
		mvhline(top + 1 + i, 4, ' ', w);
		ui_text(top + 1 + i, 5, 2, k == sel ? ">" : " ");
		attroff(attr);
		if (k == sel)
			attron(A_REVERSE);
		ui_member(&m->roster[k], top + 1 + i, 7, w - 4);
		if (k == sel)
			attroff(A_REVERSE);
	}
}

/* Lobby of the host and the screen: the code to join and who is in. */
static void ui_lobby(const struct model *m, const struct ui_view *v, int y)
{
	char buf[160];

	if (m->title[0]) {
		attron(ui_attr(UI_ACCENT));
		ui_text_center(y, 0, COLS, m->title);
		attroff(ui_attr(UI_ACCENT));
		y++;
	}
	y = ui_code(m, v, y + 1);
	snprintf(buf, sizeof(buf), _("Players in the room: %u"), m->players);
	attron(A_BOLD);
	ui_text_center(y, 0, COLS, buf);
	attroff(A_BOLD);
	if (m->contest && m->n_rounds) {
		ui_draw_rounds(m, y + 1);
		ui_draw_scoring(m, y + 2);
		y += 2;
	}
	y = ui_teams(m, y + 2, LINES - 3);
	ui_roster(m, y + 1, LINES - 4);
	if (m->mode == MODE_HOST) {
		attron(ui_attr(UI_DIM));
		ui_text_center(LINES - 3, 0, COLS,
			       _("Press s to start the match"));
		attroff(ui_attr(UI_DIM));
	}
}

/* The full length of an answer bar: every player (a bar of 1 answer
 * among 4 players is a quarter long), or more when more answered than the
 * last count of players says. */
static uint64_t ui_dist_den(const struct model *m)
{
	uint64_t den = m->players;
	unsigned i;

	if (m->answered > den)
		den = m->answered;
	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX; i++)
		if (m->dist[i] > den)
			den = m->dist[i];
	return den;
}

/* Answer distribution as a histogram, each bar out of all the players;
 * reveal marks the correct options. Returns the next free row. */
static int ui_hist(const struct model *m, int y, int maxy, bool reveal)
{
	uint64_t top = ui_dist_den(m);
	int labw = 8, lw, barw;
	unsigned i;
	char lead[16], cnt[16];

	if (m->kind == KIND_FILL || !m->n_options)
		return y;
	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX; i++) {
		lw = ui_width(m->options[i]);
		if (lw > labw)
			labw = lw;
	}
	if (labw > COLS / 3)
		labw = COLS / 3;
	barw = COLS - labw - 20;
	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX && y < maxy;
	     i++, y++) {
		bool right = reveal && (m->correct_mask & (1u << i));
		int attr = right ? ui_attr(UI_GOOD) : (int)A_NORMAL;

		snprintf(lead, sizeof(lead), "%s %c ",
			 right ? (ui_utf8() ? "\u2713" : "+") : " ",
			 ui_opt_key(i));
		attron(attr);
		mvaddstr(y, 2, lead);
		ui_text_pad(y, 2 + ui_width(lead), labw, m->options[i]);
		attroff(attr);
		ui_bar(y, 8 + labw, barw, m->dist[i], top,
		       right ? ui_attr(UI_GOOD) : ui_attr(UI_BAR));
		snprintf(cnt, sizeof(cnt), "%u", m->dist[i]);
		ui_text(y, 9 + labw + barw, 8, cnt);
	}
	return y;
}

/* Answered so far out of the players, with a bar. */
static void ui_answered(const struct model *m, int y)
{
	char buf[96];

	snprintf(buf, sizeof(buf), _("Answered %u / %u"), m->answered,
		 m->players);
	attron(A_BOLD);
	ui_text(y, 2, 24, buf);
	attroff(A_BOLD);
	ui_bar(y, 26, COLS - 28, m->answered, m->players, ui_attr(UI_BAR));
}

/* Options as the contestants see them (screen, before the close). */
static int ui_opts(const struct model *m, int y, int maxy)
{
	unsigned i;
	char lead[8];

	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX && y < maxy;
	     i++) {
		snprintf(lead, sizeof(lead), " %c ", ui_opt_key(i));
		attron(A_BOLD);
		mvaddstr(y, 2, lead);
		attroff(A_BOLD);
		y += ui_wrap(y, 6, COLS - 8, 1, m->options[i], true);
	}
	return y;
}

/* Who has not answered yet: "Waiting for 3: 张三, Bob, …" on one or two
 * rows. Returns the next free row. */
static int ui_waiting(const struct model *m, int y, int maxy)
{
	char buf[1024];
	size_t len;
	unsigned i;

	if ((!m->waiting_count && !m->offline) || y >= maxy)
		return y;
	len = 0;
	if (m->offline)
		len = (size_t)snprintf(buf, sizeof(buf), _("%u offline. "),
				       m->offline);
	if (!m->waiting_count)
		buf[len ? len - 1 : 0] = '\0';
	else
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					_("Waiting for %u:"), m->waiting_count);
	for (i = 0; i < m->n_waiting && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s %s",
					i ? "," : "", m->waiting[i]);
	if (m->waiting_count > m->n_waiting && len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, ", …");
	attron(ui_attr(UI_DIM));
	y += ui_wrap(y, 4, COLS - 8, maxy - y < 2 ? maxy - y : 2, buf, true);
	attroff(ui_attr(UI_DIM));
	return y;
}

/* A buzz question on the host console and the judge's screen: the stem,
 * the answer key, the buzzer, the judge panel, the presses. */
static void ui_host_buzz(const struct model *m, int y, uint64_t now)
{
	int maxy = LINES - 3;

	ui_question_line(m, y);
	ui_draw_buzz_bar(m, y + 1, now);
	y += 2;
	y += ui_wrap(y, 2, COLS - 4, 3, m->stem, true);
	if (m->kind != KIND_FILL && m->n_options) {
		char buf[MODEL_OPTIONS_MAX * (MODEL_OPTION_MAX + 4)];
		size_t o = 0;
		unsigned i;

		for (i = 0; i < m->n_options && o < sizeof(buf); i++)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
					      "%s%c %s", i ? "  " : "",
					      ui_opt_key(i), m->options[i]);
		attron(ui_attr(UI_DIM));
		y += ui_wrap(y, 2, COLS - 4, 2, buf, true);
		attroff(ui_attr(UI_DIM));
	}
	y += ui_draw_answer_key(m, y);
	y += ui_draw_buzz(m, y, maxy, now);
	if (model_judge_open(m) || (m->have_jreq && m->jreq_q == m->q))
		y +=
		    ui_draw_judge_panel(m, y, y + 4 < maxy ? y + 4 : maxy, now);
	ui_draw_presses(m, y, maxy);
}

/* Open question on the host console: stem, time, live panel. */
static void ui_host_question(const struct model *m, int y, uint64_t now)
{
	int maxy = LINES - 3;

	if (m->q_buzz) {
		ui_host_buzz(m, y, now);
		return;
	}

	ui_question_line(m, y);
	ui_draw_timebar(m, y + 1, now);
	ui_draw_turn(m, y + 2, m->q);
	y += 3;
	y += ui_wrap(y, 2, COLS - 4, 3, m->stem, true) + 1;
	if (ui_draw_answer_key(m, y))
		y += 2;
	ui_answered(m, y);
	y += 2;
	if (m->kind == KIND_FILL) {
		attron(ui_attr(UI_DIM));
		ui_text(y++, 4, COLS - 8, _("Fill-in question: typed answers"));
		attroff(ui_attr(UI_DIM));
	} else {
		y = ui_hist(m, y, maxy, false);
	}
	y = ui_waiting(m, y + 1, maxy);
	if (m->board.have && m->board.n)
		ui_draw_team_board(m, y + 1, maxy, false);
	else
		ui_teams(m, y + 1, maxy);
}

/* --- the projector at large sizes ---------------------------------------- */

/* s with a space after each wide (CJK) character that another follows,
 * so a short Chinese stem spreads over a wide screen; ASCII words stay as
 * they are. */
static void ui_spaced(const char *s, char *out, size_t len)
{
	size_t n = strlen(s), o = 0;
	uint32_t cp;

	while (n && o + 8 < len) {
		int k = text_utf8_next(s, n, &cp), w;

		if (k <= 0)
			k = 1;
		w = k > 1 ? text_cp_width(cp) : 1;
		memcpy(out + o, s, (size_t)k);
		o += (size_t)k;
		s += k;
		n -= (size_t)k;
		if (w == 2 && n && *s != ' ' && *s != '\n')
			out[o++] = ' ';
	}
	out[o] = '\0';
}

/* The stem, bold and centred in rows [top, bot) between wide margins:
 * letter-spaced when that still fits on one line (a spaced stem over
 * several lines reads worse than a plain one), a blank row between lines
 * when there is room. */
static void ui_stem_big(const char *stem, int top, int bot)
{
	char sp[2 * MODEL_TEXT_MAX];
	int rows = bot - top, margin = COLS / 8, sw = COLS - 2 * margin, n;
	int step = 1, maxl = rows;
	const char *t = stem;

	if (rows < 1 || sw < 10)
		return;
	ui_spaced(stem, sp, sizeof(sp));
	n = ui_wrap_center(top, margin, sw, rows, 1, sp, false);
	if (strcmp(sp, stem) && n == 1) {
		t = sp;
	} else {
		n = ui_wrap_center(top, margin, sw, rows, 1, stem, false);
	}
	if (2 * n - 1 <= rows) {
		step = 2;
		maxl = n;
	}
	if (n > maxl)
		n = maxl;
	attron(A_BOLD);
	ui_wrap_center(top + (rows - (n - 1) * step - 1) / 2, margin, sw, maxl,
		       step, t, true);
	attroff(A_BOLD);
}

/* A frame around rows [y, y + h) and columns [x, x + w). */
static void ui_frame(int y, int x, int h, int w)
{
	mvaddch(y, x, ACS_ULCORNER);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
}

/* Option i as a tile of h x w at (y, x): framed, filled with its colour,
 * its letter in big block digits when the tile has the rows, its shape
 * and letter, its text (letter-spaced CJK when that fits on one line); at
 * the reveal (den > 0) a tick on the right ones, the others faded, and on
 * the last inner row the number of answers with a bar whose full length
 * is den (every player). */
static void ui_tile(const struct model *m, unsigned i, int y, int x, int h,
		    int w, bool reveal, uint64_t den)
{
	bool right = reveal && (m->correct_mask & (1u << i));
	int attr = ui_tile_attr(i, reveal && !right), r, leadw, avail, lines;
	int tx = x + 2, tw;
	char lead[32], cnt[16], key[2] = {ui_opt_key(i), '\0'};
	char sp[2 * MODEL_OPTION_MAX];
	const char *text = m->options[i];

	if (h < 3 || w < 12 || y < 0 || y + h > LINES || x + w > COLS)
		return;
	if (right && !ui_colour_on())
		attr = (int)(A_REVERSE | A_BOLD);
	attron(attr);
	for (r = 0; r < h; r++)
		mvhline(y + r, x, ' ', w);
	ui_frame(y, x, h, w);
	avail = h - 2 - (reveal && h >= 4 ? 1 : 0);
	if (avail < 1)
		avail = 1;
	if (avail >= 5 && w >= 40) {
		/* the letter to press, big, readable from the back */
		attroff(attr);
		ui_big(y + 1 + (avail - 5) / 2, x + 3, ui_big_width(1), key,
		       attr);
		attron(attr);
		tx = x + 3 + ui_big_width(1) + 3;
	}
	snprintf(lead, sizeof(lead), "%s%c %s ",
		 right ? (ui_utf8() ? "\u2713 " : "+ ") : "", ui_opt_key(i),
		 ui_opt_shape(i));
	leadw = ui_width(lead);
	tw = x + w - 2 - tx - leadw;
	ui_spaced(text, sp, sizeof(sp));
	if (strcmp(sp, text) && ui_width(sp) <= tw)
		text = sp;
	lines = ui_wrap(0, 0, tw, avail, text, false);
	r = y + 1 + (avail - lines) / 2;
	ui_text(r, tx, leadw, lead);
	ui_wrap(r, tx + leadw, tw, avail, text, true);
	attroff(attr);
	if (!reveal)
		return;
	r = h >= 4 ? y + h - 2 : y + 1;
	snprintf(cnt, sizeof(cnt), " %u", m->dist[i]);
	if (h >= 4) {
		ui_bar(r, x + 2, w - 5 - ui_width(cnt), m->dist[i], den,
		       right ? ui_attr(UI_GOOD) : ui_attr(UI_BAR));
	}
	attron(attr);
	ui_text(r, x + w - 2 - ui_width(cnt), ui_width(cnt), cnt);
	attroff(attr);
}

/* The option tiles in a grid over rows [top, bot): 2 side by side, 2x2
 * for 3 or 4, 3 or 4 columns for more. */
static void ui_tiles(const struct model *m, int top, int bot, bool reveal)
{
	unsigned n =
	    m->n_options < MODEL_OPTIONS_MAX ? m->n_options : MODEL_OPTIONS_MAX;
	int cols, rows, tw, th, i;
	uint64_t den = reveal ? ui_dist_den(m) : 0;

	if (!n || m->kind == KIND_FILL)
		return;
	cols = n <= 2 ? (int)n : n <= 4 ? 2 : n <= 6 ? 3 : 4;
	rows = ((int)n + cols - 1) / cols;
	tw = (COLS - 4 - (cols - 1) * 2) / cols;
	th = (bot - top - (rows - 1)) / rows;
	if (th > 11)
		th = 11;
	top = bot - rows * th - (rows - 1);
	for (i = 0; i < (int)n; i++)
		ui_tile(m, (unsigned)i, top + (i / cols) * (th + 1),
			2 + (i % cols) * (tw + 2), th, tw, reveal, den);
}

/* Rows the tiles take at the bottom of the screen: about two fifths. */
static int ui_tiles_rows(const struct model *m)
{
	if (m->kind == KIND_FILL || !m->n_options)
		return 0;
	return (LINES - 2) * 2 / 5;
}

/* The open question on a large projector: the seconds left big with the
 * answers so far beside them (big too), the time bar, the stem large in the
 * middle, the option tiles over the lower part. */
static void ui_screen_question_big(const struct model *m, uint64_t now)
{
	uint64_t left = m->deadline_at > now ? m->deadline_at - now : 0;
	int bot = LINES - 2, tiles = ui_tiles_rows(m), top = 10, tt;
	char secs[16], buf[96];

	ui_question_line(m, 1);
	snprintf(secs, sizeof(secs), "%llu",
		 (unsigned long long)((left + 999999) / 1000000));
	ui_big(2, COLS / 3, COLS / 3, secs,
	       model_time_left_pm(m, now) < 200 ? ui_attr(UI_BAD)
						: ui_attr(UI_ACCENT));
	if (m->players || m->answered) {
		/* the answers so far, big, over "Answered 2 / 4" */
		snprintf(buf, sizeof(buf), "%u", m->answered);
		if (ui_big(2, COLS * 2 / 3, COLS / 3, buf, A_BOLD) == 0) {
			snprintf(buf, sizeof(buf), _("Answered %u / %u"),
				 m->answered, m->players);
			ui_text_center(7, COLS * 2 / 3, COLS / 3, buf);
		} else {
			snprintf(buf, sizeof(buf), _("Answered %u / %u"),
				 m->answered, m->players);
			attron(A_BOLD);
			ui_text_center(4, COLS * 2 / 3, COLS / 3, buf);
			attroff(A_BOLD);
		}
	}
	ui_draw_timebar(m, 8, now);
	if (ui_draw_turn(m, top, m->q))
		top += 2;
	tt = bot - tiles;
	if (!tiles) {
		attron(ui_attr(UI_DIM));
		ui_text_center(bot - 2, 0, COLS,
			       _("Fill-in question: typed answers"));
		attroff(ui_attr(UI_DIM));
		tt = bot - 3;
	}
	ui_stem_big(m->stem, top, tt - 1);
	ui_tiles(m, tt, bot, false);
}

/* The reveal on a large projector: the stem, the explanation, the tiles
 * with the right ones ticked and every option's answers as a bar out of
 * all the players. */
static void ui_screen_reveal_big(const struct model *m)
{
	int bot = LINES - 2, tiles = ui_tiles_rows(m), tt = bot - tiles;
	int top = 3, mid;
	char buf[96];

	ui_question_line(m, 1);
	if (m->voided) {
		attron(ui_attr(UI_ACCENT));
		ui_text_center(top++, 0, COLS, _("Voided: nobody scores."));
		attroff(ui_attr(UI_ACCENT));
	}
	snprintf(buf, sizeof(buf), _("Answered %u / %u"), m->answered,
		 m->players);
	attron(A_BOLD);
	ui_text_center(tt - 2, 0, COLS, buf);
	attroff(A_BOLD);
	mid = tt - 3;
	if (m->explanation[0] && mid - top >= 6) {
		int ew = COLS - COLS / 4, el;

		mid = top + (mid - top) / 2;
		el = ui_wrap_center(mid + 1, COLS / 8, ew, tt - 4 - mid, 1,
				    m->explanation, false);
		attron(ui_attr(UI_DIM));
		ui_wrap_center(mid + 1, COLS / 8, ew, el, 1, m->explanation,
			       true);
		attroff(ui_attr(UI_DIM));
	}
	ui_stem_big(m->stem, top, mid);
	ui_tiles(m, tt, bot, true);
}

/* Projector view of the open question: big seconds, stem, options. */
static void ui_screen_question(const struct model *m, int y, uint64_t now)
{
	uint64_t left = m->deadline_at > now ? m->deadline_at - now : 0;
	char secs[16];
	int maxy = LINES - 3;

	if (m->q_buzz) {
		/* the projector: the buzzer big, the order of the presses */
		ui_question_line(m, y);
		ui_draw_buzz_bar(m, y + 1, now);
		y += 3;
		y += ui_wrap(y, 2, COLS - 4, 3, m->stem, true) + 1;
		if (m->kind != KIND_FILL)
			y = ui_opts(m, y, maxy - 6);
		y += ui_draw_buzz(m, y, maxy, now);
		ui_draw_presses(m, y, maxy);
		return;
	}
	if (ui_big_screen(m)) {
		ui_screen_question_big(m, now);
		return;
	}
	ui_question_line(m, y);
	snprintf(secs, sizeof(secs), "%llu",
		 (unsigned long long)((left + 999999) / 1000000));
	if (ui_big(y + 1, 0, COLS, secs,
		   model_time_left_pm(m, now) < 200 ? ui_attr(UI_BAD)
						    : ui_attr(UI_ACCENT)) == 0)
		y += 7;
	else
		y += 2;
	ui_draw_timebar(m, y - 1, now);
	y++;
	if (ui_draw_turn(m, y, m->q))
		y += 2;
	y += ui_wrap(y, 2, COLS - 4, 4, m->stem, true) + 1;
	if (m->kind != KIND_FILL)
		y = ui_opts(m, y, maxy);
	if (m->answered && y < maxy) {
		ui_answered(m, y < maxy - 1 ? y + 1 : y);
	}
}

/* Reveal on host and screen: correct answer, distribution, explanation. */
static void ui_host_reveal(const struct model *m, int y)
{
	int maxy = LINES - 3;
	char buf[MODEL_OPTION_MAX + 64];

	if (ui_big_screen(m) && !m->q_buzz && m->kind != KIND_FILL &&
	    m->n_options) {
		ui_screen_reveal_big(m);
		return;
	}
	ui_question_line(m, y);
	y += 2;
	y += ui_wrap(y, 2, COLS - 4, 2, m->stem, true) + 1;
	if (m->voided) {
		attron(ui_attr(UI_ACCENT));
		ui_text(y++, 2, COLS - 4, _("Voided: nobody scores."));
		attroff(ui_attr(UI_ACCENT));
	}
	if (m->kind == KIND_FILL) {
		snprintf(buf, sizeof(buf), "%s %s", _("Correct answer:"),
			 m->correct_text);
		attron(ui_attr(UI_GOOD));
		y += ui_wrap(y, 4, COLS - 8, 2, buf, true);
		attroff(ui_attr(UI_GOOD));
		if (m->n_dist >= 2) {
			snprintf(buf, sizeof(buf), _("Right: %u  Wrong: %u"),
				 m->dist[0], m->dist[1]);
			ui_text(y++, 4, COLS - 8, buf);
		}
	} else {
		y = ui_hist(m, y, maxy, true);
	}
	ui_answered(m, y++);
	if (m->q_buzz && m->n_presses && y + 2 < maxy) {
		int used =
		    ui_draw_presses(m, y + 1, y + 5 < maxy ? y + 5 : maxy);

		y += used ? used + 1 : 0;
	}
	if (m->board.have && m->board.n && y + 3 < maxy)
		y += ui_draw_team_board(m, y + 1, maxy, false) + 1;
	if (m->explanation[0] && y + 2 < maxy) {
		y++;
		attron(ui_attr(UI_DIM));
		ui_text(y++, 2, COLS - 4, _("Explanation:"));
		attroff(ui_attr(UI_DIM));
		ui_wrap(y, 4, COLS - 6, maxy - y, m->explanation, true);
	}
}

/* Countdown before a question: big seconds. */
static void ui_host_countdown(const struct model *m, int y, uint64_t now)
{
	int turn;

	/* a big screen without a team board: in the middle */
	if (ui_big_screen(m) && !(m->board.have && m->board.n))
		y = LINES / 2 - 7;
	ui_draw_round_banner(m, y - 1);
	ui_draw_countdown(m, y + 1, now);
	turn = ui_draw_turn(m, y + 9, m->next_q);
	if (m->board.have && m->board.n)
		ui_draw_team_board(m, y + 10 + turn, LINES - 3, false);
	else
		ui_teams(m, y + 10 + turn, LINES - 3);
}

void ui_draw_host(const struct model *m, const struct ui_view *v, uint64_t now)
{
	enum model_phase ph = model_phase_at(m, now);
	int y = 2;

	switch (ph) {
	case PHASE_CONNECTING:
		ui_draw_connecting(v);
		break;
	case PHASE_LOBBY:
		ui_lobby(m, v, y);
		break;
	case PHASE_COUNTDOWN:
		ui_host_countdown(m, y, now);
		break;
	case PHASE_QUESTION:
		if (m->mode == MODE_SCREEN)
			ui_screen_question(m, 1, now);
		else
			ui_host_question(m, y - 1, now);
		break;
	case PHASE_REVEAL:
		ui_host_reveal(m, y - 1);
		break;
	case PHASE_LEADERBOARD:
		ui_draw_leaderboard(m, y);
		break;
	case PHASE_PAUSED:
		ui_draw_paused(m,
			       m->mode == MODE_HOST &&
				       m->pause_reason == MODEL_PAUSE_RECOVERED
				   ? _("Paused")
				   : ui_pause_title(m, _("Paused")));
		if (m->mode == MODE_HOST &&
		    m->pause_reason == MODEL_PAUSE_RECOVERED)
			ui_text_center(LINES / 2 + 3, 0, COLS,
				       _("The server restarted: press p to "
					 "resume"));
		else if (m->mode == MODE_HOST &&
			 m->pause_reason != MODEL_PAUSE_STORAGE)
			ui_text_center(LINES / 2 + 3, 0, COLS,
				       _("Press p to resume"));
		break;
	case PHASE_FINISHED:
		ui_draw_podium(m, y, LINES - y - 3);
		break;
	case PHASE_ROUND_BREAK:
		ui_draw_round_break(m, y);
		break;
	case PHASE_WAGER:
		ui_draw_wager(m, y, now);
		break;
	case PHASE_JUDGING:
		ui_draw_judging(m, y - 1, now);
		break;
	case PHASE_KICKED:
		ui_text_center(LINES / 2, 0, COLS, _("Closed by the server."));
		break;
	}
	if (v->kick_prompt)
		ui_kick_picker(m, v);
}
