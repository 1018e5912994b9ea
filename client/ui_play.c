/* The contestant's screens (lobby, countdown, question, reveal, leaderboard,
 * podium) and the pieces every mode shares: header, status line, bars. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "i18n.h"
#include "text.h"

#define KIND_SINGLE 0
#define KIND_MULTI  1
#define KIND_TF	    2
#define KIND_FILL   3

/* The explanation's lines that did not fit at the last draw of the
 * reveal, and how many did (the keys scroll within them). */
static unsigned expl_over, expl_page;

bool ui_reconnecting(const struct model *m, const struct ui_view *v)
{
	return v->reconnecting || m->conn == CONN_RECONNECTING;
}

const char *ui_conn_word(const struct model *m, const struct ui_view *v)
{
	if (m->restarting && m->conn != CONN_CLOSED)
		return _("server restarting");
	if (!v->welcomed && v->tries && m->conn != CONN_CLOSED)
		return _("offline"); /* never reached: not "re"connecting */
	if (ui_reconnecting(m, v))
		return _("reconnecting");
	switch (m->conn) {
	case CONN_CONNECTING:
		return _("connecting");
	case CONN_ONLINE:
		return _("online");
	default:
		return _("offline");
	}
}

void ui_draw_header(const struct model *m, const struct ui_view *v)
{
	char right[200], left[200], room[64];
	const char *nick = m->mode == MODE_JOIN ? m->nick : "";
	int rw, lw, nw = 0, roomw, hattr = ui_attr(UI_HEADER);
	size_t o = 0;

	/* room · [nickname ·] [mode ·] R · Q · connection: every part but
	 * the nickname is short and always shown whole; the nickname gives
	 * way (cut with an ellipsis), then the title */
	room[0] = '\0';
	if (m->code[0])
		snprintf(room, sizeof(room), "%s %s · ", _("Room"), m->code);
	right[0] = '\0';
	if (m->mode == MODE_HOST)
		o += (size_t)snprintf(right + o, sizeof(right) - o, "%s · ",
				      _("host"));
	else if (m->mode == MODE_SCREEN)
		o += (size_t)snprintf(right + o, sizeof(right) - o, "%s · ",
				      _("screen"));
	else if (m->mode == MODE_JUDGE)
		o += (size_t)snprintf(right + o, sizeof(right) - o, "%s · ",
				      m->judge ? _("judge") : _("screen"));
	if (ui_rounds_shown(m) && m->have_round && o < sizeof(right))
		o += (size_t)snprintf(right + o, sizeof(right) - o,
				      _("R %u/%u · "), m->round + 1,
				      m->rounds_total);
	if (m->have_q && m->q_count && o < sizeof(right)) {
		uint32_t qi, qn;

		model_round_pos(m, m->q, &qi, &qn);
		o += (size_t)snprintf(right + o, sizeof(right) - o,
				      _("Q %u/%u"), qi, qn);
	}
	if (o < sizeof(right))
		snprintf(right + o, sizeof(right) - o, "%s%s ",
			 m->have_q && m->q_count ? " · " : "",
			 ui_conn_word(m, v));
	snprintf(left, sizeof(left), " quiz · %s",
		 m->title[0] ? m->title : _("live quiz"));
	attron(hattr);
	mvhline(0, 0, ' ', COLS);
	roomw = ui_width(room);
	rw = ui_width(right);
	if (nick[0])
		nw = ui_width(nick) + 3; /* "NICK · " */
	/* the title keeps what it needs up to COLS / 2 - 10 columns, less
	 * when the fixed parts and 8 columns of nickname need them */
	lw = ui_width(left) + 1;
	if (lw > COLS / 2 - 10)
		lw = COLS / 2 - 10;
	if (lw > COLS - roomw - rw - (nw < 8 ? nw : 8))
		lw = COLS - roomw - rw - (nw < 8 ? nw : 8);
	if (lw < 0)
		lw = 0;
	if (nw > COLS - lw - roomw - rw)
		nw = COLS - lw - roomw - rw;
	if (nw < 4)
		nw = 0; /* not even a character and the ellipsis */
	if (rw > COLS - lw - roomw - nw)
		rw = COLS - lw - roomw - nw;
	if (lw > 0)
		ui_text(0, 0, COLS - roomw - nw - rw - 1, left);
	o = (size_t)(COLS - rw - nw - roomw);
	ui_text(0, (int)o, roomw, room);
	if (nw) {
		ui_text(0, (int)o + roomw, nw - 3, nick);
		ui_text(0, COLS - rw - 3, 3, " · ");
	}
	ui_text(0, COLS - rw, rw, right);
	attroff(hattr);
}

/* The key help of each mode and phase. */
static const char *ui_keys(const struct model *m, const struct ui_view *v,
			   enum model_phase ph, uint64_t now)
{
	if (m->mode == MODE_HOST) {
		if (v->kick_prompt)
			return _("Kick: arrows pick, Enter kicks, Esc "
				 "cancels");
		if (model_judge_open(m))
			return _("y right  w wrong  a rest as suggested  "
				 "arrows pick  n next  q quit");
		return _("s start  n next  p pause/resume  k skip  x kick  "
			 "e end  q quit");
	}
	if (m->mode == MODE_JUDGE && model_judge_open(m))
		return _("y right  n wrong  a rest as suggested  arrows "
			 "pick  q quit");
	if (m->mode == MODE_SCREEN || m->mode == MODE_JUDGE)
		return _("q quit");
	if (ph == PHASE_WAGER && m->have_wager && !m->wager_stake &&
	    !m->wager_sent && m->n_stakes) {
		static char buf[128];

		snprintf(buf, sizeof(buf), _("1-%u pick a stake  q quit"),
			 m->n_stakes);
		return buf;
	}
	if (ph == PHASE_QUESTION && m->q_buzz && !model_my_turn(m)) {
		int bp = model_buzz_phase_at(m, now);

		if (bp == MODEL_BUZZ_DONE)
			return _("q quit");
		if (model_buzz_out(m))
			return _("Out of this question  q quit");
		if (model_my_press(m))
			return _("q quit");
		if (m->buzz_sent && m->buzz_sent_arm == m->buzz_arm)
			return _("Pressed  q quit");
		return _("Space buzz  q quit");
	}
	if (ph == PHASE_QUESTION && !model_my_turn(m))
		return _("Not your turn: answer keys are off  q quit");
	if (ph == PHASE_REVEAL && expl_over)
		return ui_utf8() ? _("↑↓ PgUp PgDn scroll the "
				     "explanation  q quit")
				 : _("Up Down PgUp PgDn scroll the "
				     "explanation  q quit");
	if (ph == PHASE_QUESTION && !m->locked) {
		if (m->kind == KIND_FILL)
			return _("Type your answer, Enter to submit, "
				 "Backspace to erase  Ctrl-C quit");
		if (m->kind == KIND_MULTI)
			return _("A-H or 1-8 toggle (or arrows and Space)  "
				 "Enter confirm  q quit");
		return _("A-H or 1-8 answer (or arrows and Enter)  q quit");
	}
	return _("q quit");
}

/* What the host console is doing now, and what the host can do next:
 * the status line. */
static void host_status(const struct model *m, enum model_phase ph,
			uint64_t now, char *buf, size_t len)
{
	uint32_t i = 0, n = 0;
	char s[16];

	model_round_pos(m, ph == PHASE_COUNTDOWN ? m->next_q : m->q, &i, &n);
	switch (ph) {
	case PHASE_LOBBY:
		snprintf(buf, len,
			 _("Lobby: %u in the room. s starts the match."),
			 m->players);
		break;
	case PHASE_COUNTDOWN:
		ui_secs(s, sizeof(s),
			m->countdown_to > now ? m->countdown_to - now : 0);
		snprintf(buf, len, _("Question %u of %u shows in %s s."), i, n,
			 s);
		break;
	case PHASE_QUESTION:
		snprintf(buf, len,
			 _("Question %u of %u open: %u answered. n closes "
			   "it now, k voids it."),
			 i, n, m->answered);
		break;
	case PHASE_JUDGING:
		snprintf(buf, len,
			 _("Question %u of %u: waiting for the "
			   "judge's ruling."),
			 i, n);
		break;
	case PHASE_WAGER:
		snprintf(buf, len,
			 _("Question %u of %u: teams are picking stakes."), i,
			 n);
		break;
	case PHASE_REVEAL:
		snprintf(buf, len,
			 _("Question %u of %u: the answer is shown. n goes "
			   "on."),
			 i, n);
		break;
	case PHASE_LEADERBOARD:
		snprintf(buf, len,
			 _("Leaderboard after question %u of %u. n "
			   "goes on."),
			 i, n);
		break;
	case PHASE_ROUND_BREAK:
		snprintf(buf, len, "%s",
			 _("Between rounds: the team board. n starts the next "
			   "round."));
		break;
	case PHASE_PAUSED:
		snprintf(buf, len, "%s",
			 m->pause_reason == MODEL_PAUSE_STORAGE
			     ? _("Paused: the server cannot save; it goes on "
				 "by itself.")
			     : _("Paused. p resumes."));
		break;
	case PHASE_FINISHED:
		snprintf(buf, len, "%s", _("The match is over. q quits."));
		break;
	default:
		buf[0] = '\0';
		break;
	}
}

#define UI_NOTICE_US (4 * 1000000ull) /* a host's command stays this long */

void ui_draw_reconnect_line(const struct model *m, const struct ui_view *v,
			    int y, uint64_t now)
{
	uint64_t left = v->retry_at > now ? v->retry_at - now : 0;
	char buf[256], s[16];

	ui_secs(s, sizeof(s), left);
	if (!v->welcomed && v->tries)
		snprintf(buf, sizeof(buf),
			 _("Cannot reach %s: try %u failed (%s), next "
			   "in %s s"),
			 v->server ? v->server : "", v->tries, v->try_error, s);
	else
		snprintf(buf, sizeof(buf),
			 m->restarting ? _("Server restarting… (next try in %s "
					   "s)")
				       : _("Reconnecting… (next try in %s s)"),
			 s);
	attron(ui_attr(UI_ACCENT));
	ui_text(y, 1, COLS - 2, buf);
	attroff(ui_attr(UI_ACCENT));
}

void ui_draw_error_line(const struct model *m, int y)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s",
		 m->error_code ? _(model_error_text(m->error_code)) : m->error);
	attron(ui_attr(UI_BAD));
	ui_text(y, 1, COLS - 2, buf);
	attroff(ui_attr(UI_BAD));
}

void ui_draw_status(const struct model *m, const struct ui_view *v,
		    uint64_t now)
{
	enum model_phase ph = model_phase_at(m, now);
	char buf[256];
	int y = LINES - 2;

	if (v->confirm) {
		attron(ui_attr(UI_SELECT));
		if (v->confirm == 'x')
			snprintf(buf, sizeof(buf),
				 _("Kick %s out of the match? y yes, n no"),
				 v->kick_nick);
		ui_text_pad(y, 1, COLS - 2,
			    v->confirm == 'x'	? buf
			    : v->confirm == 'e' ? _("End the match for "
						    "everyone? y yes, n no")
						: _("Quit? y yes, n no"));
		attroff(ui_attr(UI_SELECT));
	} else if (ui_reconnecting(m, v)) {
		ui_draw_reconnect_line(m, v, y, now);
	} else if (m->error[0]) {
		ui_draw_error_line(m, y);
	} else if (m->host_away && m->mode != MODE_HOST &&
		   m->phase != PHASE_PAUSED && m->phase != PHASE_FINISHED &&
		   m->phase != PHASE_KICKED) {
		attron(ui_attr(UI_ACCENT));
		ui_text(y, 1, COLS - 2, _("Waiting for the host"));
		attroff(ui_attr(UI_ACCENT));
	} else if (m->mode == MODE_HOST && !v->kick_prompt) {
		/* what is going on, and the last command for a few seconds */
		size_t o;

		host_status(m, ph, now, buf, sizeof(buf));
		o = strlen(buf);
		if (v->notice[0] && now - v->notice_at < UI_NOTICE_US &&
		    o < sizeof(buf))
			snprintf(buf + o, sizeof(buf) - o, "%s%s",
				 o ? "  · " : "", v->notice);
		attron(ui_attr(UI_DIM));
		ui_text(y, 1, COLS - 2, buf);
		attroff(ui_attr(UI_DIM));
	} else if (v->notice[0]) {
		attron(ui_attr(UI_DIM));
		ui_text(y, 1, COLS - 2, v->notice);
		attroff(ui_attr(UI_DIM));
	}
	attron(ui_attr(UI_HEADER));
	mvhline(LINES - 1, 0, ' ', COLS);
	ui_text(LINES - 1, 1, COLS - 2, ui_keys(m, v, ph, now));
	attroff(ui_attr(UI_HEADER));
}

void ui_draw_timebar(const struct model *m, int y, uint64_t now)
{
	unsigned pm = model_time_left_pm(m, now);
	uint64_t left = m->deadline_at > now ? m->deadline_at - now : 0;
	char s[32], buf[48];
	int attr = pm < 200 ? ui_attr(UI_BAD) : ui_attr(UI_BAR);

	ui_secs(s, sizeof(s), left);
	snprintf(buf, sizeof(buf), _("%s s left"), s);
	ui_text(y, 2, 14, buf);
	ui_bar(y, 16, COLS - 18, pm, 1000, attr);
}

/* Display width of the widest nickname on the board, bounded. */
static int ui_board_namew(const struct model *m, int cap)
{
	int w = 4, nw;
	unsigned i;

	for (i = 0; i < m->n_top && i < MODEL_TOP_MAX; i++) {
		nw = ui_width(m->top[i].nick);
		if (m->top[i].team[0])
			nw += 3 + ui_width(m->top[i].team);
		if (nw > w)
			w = nw;
	}
	return w < cap ? w : cap;
}

void ui_draw_board(const struct model *m, int y, int h, bool podium_first)
{
	int64_t best = 0;
	int namew = ui_board_namew(m, COLS / 3 > 36 ? COLS / 3 : 36), barw, x,
	    rankw = 3, step = 1;
	unsigned i;
	char name[MODEL_NAME_MAX + MODEL_TEAM_NAME + 8], sc[32], rk[32];

	(void)podium_first;
	for (i = 0; i < m->n_top && i < MODEL_TOP_MAX; i++) {
		if (m->top[i].score > best)
			best = m->top[i].score;
		ui_rank(rk, sizeof(rk), m->top[i].rank, m->top[i].tied);
		if (ui_width(rk) > rankw)
			rankw = ui_width(rk);
	}
	barw = COLS - namew - 19 - rankw;
	if (!m->n_top) {
		ui_text_center(y, 0, COLS, _("No standings yet"));
		return;
	}
	/* a big screen spaces the rows out (up to two blank rows between
	 * them) when they all fit so */
	if (ui_big_screen(m) && m->n_top) {
		int n =
		    (int)(m->n_top < MODEL_TOP_MAX ? m->n_top : MODEL_TOP_MAX);

		step = (h + 1) / n;
		if (step > 3)
			step = 3;
		if (step < 1)
			step = 1;
		h = (h + step - 1) / step;
	}
	for (i = 0; i < m->n_top && i < MODEL_TOP_MAX && (int)i < h; i++) {
		const struct model_standing *s = &m->top[i];
		bool me = m->mode == MODE_JOIN && m->nick[0] &&
			  strcmp(s->nick, m->nick) == 0;
		int row = y + (int)i * step;

		if (s->team[0])
			snprintf(name, sizeof(name), "%s [%s]", s->nick,
				 s->team);
		else
			snprintf(name, sizeof(name), "%s", s->nick);
		snprintf(sc, sizeof(sc), "%lld", (long long)s->score);
		if (me)
			attron(ui_attr(UI_ACCENT));
		ui_rank(rk, sizeof(rk), s->rank, s->tied);
		ui_text(row, 2, rankw, rk);
		x = 3 + rankw;
		ui_text_pad(row, x, namew, name);
		x += namew + 1;
		if (me)
			attroff(ui_attr(UI_ACCENT));
		ui_bar(row, x, barw, s->score > 0 ? (uint64_t)s->score : 0,
		       best > 0 ? (uint64_t)best : 0, ui_attr(UI_BAR));
		if (me)
			attron(ui_attr(UI_ACCENT));
		ui_text(row, x + barw + 1, 12, sc);
		if (me)
			attroff(ui_attr(UI_ACCENT));
	}
}

/* One podium step: name and score above a framed block of the given
 * height whose first inner row carries the place (and under it the place
 * in big digits when the block is tall enough). */
static void ui_step(int base, int x, int w, int height, unsigned place,
		    const struct model_standing *s)
{
	char buf[32];
	int r, top = base - height;

	snprintf(buf, sizeof(buf), "%lld", (long long)s->score);
	attron(ui_attr(UI_ACCENT));
	ui_text_center(top - 2, x, w, s->nick);
	attroff(ui_attr(UI_ACCENT));
	ui_text_center(top - 1, x, w, buf);
	if (top < 0 || base >= LINES || w < 3)
		return;
	attron(ui_attr(UI_SELECT));
	for (r = 0; r < height; r++) {
		mvhline(top + r, x, ' ', w);
		if (r == 0) {
			mvaddch(top, x, ACS_ULCORNER);
			mvhline(top, x + 1, ACS_HLINE, w - 2);
			mvaddch(top, x + w - 1, ACS_URCORNER);
		} else {
			mvaddch(top + r, x, ACS_VLINE);
			mvaddch(top + r, x + w - 1, ACS_VLINE);
		}
	}
	if (s->tied)
		ui_rank(buf, sizeof(buf), place, true);
	else
		snprintf(buf, sizeof(buf), "%u", place);
	ui_text_center(top + (height > 1 ? 1 : 0), x + 1, w - 2, buf);
	if (height >= 8) {
		snprintf(buf, sizeof(buf), "%u", place);
		ui_big(top + 2, x + 1, w - 2, buf, ui_attr(UI_SELECT) | A_BOLD);
	}
	attroff(ui_attr(UI_SELECT));
}

void ui_draw_podium(const struct model *m, int y, int h)
{
	int height[3] = {5, 3, 2};
	int w = (COLS - 8) / 3, base = y + 8, x0, ymax = y + h;
	unsigned i;
	char buf[160];

	if (w > 24)
		w = 24;
	if (ui_big_screen(m)) {
		/* the podium takes half the screen above a team board, most of
		 * it otherwise; blocks a fifth of the width */
		bool teams = m->board.have && m->board.n;
		int ph = teams ? h / 2 : m->n_top > 3 ? h * 2 / 3 : h - 1;

		w = COLS / 5;
		height[0] = ph - 4;
		height[1] = height[0] * 2 / 3;
		height[2] = height[0] / 2;
		if (height[2] < 2)
			height[2] = 2;
		base = y + ph;
	}
	x0 = (COLS - 3 * w - 4) / 2;
	attron(ui_attr(UI_ACCENT));
	ui_text_center(y, 0, COLS, _("Final results"));
	attroff(ui_attr(UI_ACCENT));
	if (!m->n_top) {
		ui_text_center(y + 2, 0, COLS, _("Nobody played"));
		return;
	}
	/* second left, first centre, third right */
	if (m->n_top > 1)
		ui_step(base, x0, w, height[1], m->top[1].rank, &m->top[1]);
	ui_step(base, x0 + w + 2, w, height[0], m->top[0].rank, &m->top[0]);
	if (m->n_top > 2)
		ui_step(base, x0 + 2 * (w + 2), w, height[2], m->top[2].rank,
			&m->top[2]);
	mvhline(base, x0 > 2 ? x0 - 2 : 0, ACS_HLINE, 3 * w + 8);
	y = base + 1;
	i = 3;
	if (m->board.have && m->board.n) {
		/* the teams under the podium, with their best members, instead
		 * of the places after the third */
		int last =
		    m->mode == MODE_JOIN && m->have_result ? LINES - 5 : ymax;

		ui_draw_final_teams(m, y + 1, last);
		y = last;
		i = m->n_top;
	}
	if (ui_big_screen(m) && i < m->n_top)
		y++;
	for (; i < m->n_top && y < ymax && y < LINES - 3; i++, y++) {
		ui_rank(buf, sizeof(buf), m->top[i].rank, m->top[i].tied);
		ui_text(y, x0, 8, buf);
		ui_text_pad(y, x0 + 9, 24, m->top[i].nick);
		mvprintw(y, x0 + 34, "%lld", (long long)m->top[i].score);
	}
	if (m->mode == MODE_JOIN && m->have_result && y < LINES - 3) {
		snprintf(buf, sizeof(buf), _("You: rank %u of %u, %lld points"),
			 m->r_rank, m->players, (long long)m->r_total);
		attron(ui_attr(UI_ACCENT));
		ui_text_center(y + 1 < LINES - 3 ? y + 1 : y, 0, COLS, buf);
		attroff(ui_attr(UI_ACCENT));
	}
}

/* The contest's rounds in one line on row y: "必答题 · 抢答题 · 风险题". */
void ui_draw_rounds(const struct model *m, int y)
{
	char buf[512];
	size_t o;
	unsigned i;

	o = (size_t)snprintf(buf, sizeof(buf), _("%u rounds:"), m->n_rounds);
	for (i = 0; i < m->n_rounds && o < sizeof(buf); i++)
		o += (size_t)snprintf(
		    buf + o, sizeof(buf) - o, "%s %s (%s)", i ? " ·" : "",
		    m->rounds[i].name[0] ? m->rounds[i].name
					 : ui_format_word(m->rounds[i].format),
		    ui_format_word(m->rounds[i].format));
	ui_text_center(y, 0, COLS, buf);
}

/* Lobby: room title, who I am, players and teams so far. */
static void ui_lobby(const struct model *m, int y)
{
	char buf[256];
	unsigned i;

	attron(ui_attr(UI_ACCENT));
	ui_text_center(y + 1, 0, COLS, m->title[0] ? m->title : _("live quiz"));
	attroff(ui_attr(UI_ACCENT));
	if (m->nick[0] && m->team[0]) {
		snprintf(buf, sizeof(buf), _("You are %s of %s"), m->nick,
			 m->team);
		ui_text_center(y + 3, 0, COLS, buf);
	} else if (m->nick[0]) {
		snprintf(buf, sizeof(buf), _("You are %s"), m->nick);
		ui_text_center(y + 3, 0, COLS, buf);
	}
	snprintf(buf, sizeof(buf), _("Players in the room: %u"), m->players);
	ui_text_center(y + 4, 0, COLS, buf);
	if (m->contest && m->n_rounds) {
		ui_draw_rounds(m, y + 5);
		ui_draw_scoring(m, y + 6);
	} else if (m->question_count) {
		snprintf(buf, sizeof(buf),
			 _("%u questions, %u s each, up to %u points"),
			 m->question_count, m->time_limit_ms / 1000, m->points);
		ui_text_center(y + 5, 0, COLS, buf);
	}
	y += 7;
	if (m->n_teams) {
		attron(A_BOLD);
		ui_text_pad(y, 4, 34, _("Team"));
		ui_text(y, 40, 12, _("Players"));
		attroff(A_BOLD);
		for (i = 0; i < m->n_teams && y + 1 < LINES - 4; i++) {
			y++;
			ui_text_pad(y, 4, 34, m->teams[i].name);
			mvprintw(y, 40, "%u", m->teams[i].players);
		}
		y++;
	}
	attron(ui_attr(UI_DIM));
	ui_text_center(LINES - 4, 0, COLS, _("Waiting for the host to start…"));
	attroff(ui_attr(UI_DIM));
}

/* Countdown to the next question: its number and big seconds. */
static void ui_countdown(const struct model *m, int y, uint64_t now)
{
	ui_draw_round_banner(m, y);
	ui_draw_countdown(m, y + 2, now);
	attron(ui_attr(UI_DIM));
	ui_text_center(y + 11, 0, COLS, _("Get ready"));
	attroff(ui_attr(UI_DIM));
	ui_draw_turn(m, y + 13, m->next_q);
}

/* Options with their keys; mark: 0 plain, 1 answering, 2 reveal. Returns
 * the next free row. */
int ui_draw_options(const struct model *m, int y, int maxy, int mark)
{
	unsigned i;
	char lead[16];

	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX && y < maxy;
	     i++) {
		uint32_t bit = 1u << i;
		/* at the reveal only what was sent counts as picked */
		bool sel = m->locked   ? (m->locked_mask & bit)
			   : mark == 2 ? false
				       : (m->selected & bit);
		bool right = m->correct_mask & bit;
		bool cur =
		    mark == 1 && !m->locked && m->cursor_on && m->cursor == i;
		int attr = cur ? (int)A_BOLD : (int)A_NORMAL, lines;

		if (mark == 1 && sel)
			attr = ui_attr(UI_SELECT);
		if (mark == 2 && right)
			attr = ui_attr(UI_GOOD);
		else if (mark == 2 && sel)
			attr = ui_attr(UI_BAD);
		if (mark == 2 && m->kind == KIND_MULTI)
			/* my picks keep their box: right ones too */
			snprintf(lead, sizeof(lead), " %s[%c] %c ",
				 right ? (ui_utf8() ? "\u2713" : "+")
				 : sel ? (ui_utf8() ? "\u2717" : "x")
				       : " ",
				 sel ? 'x' : ' ', ui_opt_key(i));
		else if (mark == 2)
			snprintf(lead, sizeof(lead), " %s %c ",
				 right ? (ui_utf8() ? "\u2713" : "+")
				 : sel ? (ui_utf8() ? "\u2717" : "x")
				       : " ",
				 ui_opt_key(i));
		else if (m->kind == KIND_MULTI)
			snprintf(lead, sizeof(lead), "%c[%c] %c ",
				 cur ? '>' : ' ', sel ? 'x' : ' ',
				 ui_opt_key(i));
		else
			snprintf(lead, sizeof(lead), " %c %c ",
				 cur || sel ? '>' : ' ', ui_opt_key(i));
		attron(attr);
		mvaddstr(y, 2, lead);
		lines =
		    ui_wrap(y, 2 + ui_width(lead), COLS - 6 - ui_width(lead),
			    maxy - y > 1 ? 2 : 1, m->options[i], true);
		attroff(attr);
		y += lines ? lines : 1;
	}
	return y;
}

void ui_draw_answer(const struct model *m, int y, int maxy)
{
	char buf[MODEL_OPTION_MAX + 64];

	if (m->kind == KIND_FILL) {
		snprintf(buf, sizeof(buf), "%s %s%s", _("Your answer:"),
			 m->fill, m->locked ? "" : "_");
		attron(m->locked ? ui_attr(UI_ACCENT) : (int)A_BOLD);
		ui_wrap(y, 4, COLS - 8, 2, buf, true);
		attroff(m->locked ? ui_attr(UI_ACCENT) : (int)A_BOLD);
	} else {
		ui_draw_options(m, y, maxy, 1);
	}
}

/* The open question: stem, options or the typed answer, the time bar and
 * what happened to my answer. */
static void ui_question(const struct model *m, int y, uint64_t now)
{
	int maxy = LINES - 4, stem_lines;
	char buf[MODEL_OPTION_MAX + 64], s[16];

	ui_question_line(m, y);
	if (m->q_buzz)
		ui_draw_buzz_bar(m, y + 1, now);
	else
		ui_draw_timebar(m, y + 1, now);
	y += 3;
	if (ui_draw_turn(m, y, m->q))
		y += 2;
	stem_lines = ui_wrap(y, 2, COLS - 4, m->q_buzz ? 4 : 6, m->stem, true);
	y += stem_lines + 1;
	if (m->q_buzz && !model_my_turn(m)) {
		/* the options to read; the buzzer under them */
		if (m->kind != KIND_FILL)
			y = ui_draw_options(m, y, maxy - 5, 0);
		y += ui_draw_buzz(m, y + 1, maxy + 1, now) + 1;
		ui_draw_presses(m, y + 1, maxy + 1);
		return;
	}
	if (m->q_buzz)
		y += ui_draw_buzz(m, y, y + 2, now) + 1;
	ui_draw_answer(m, y, maxy);
	if (m->acked) {
		ui_secs(s, sizeof(s), m->ack_rt_us);
		snprintf(buf, sizeof(buf),
			 _("Answer received in %s s. Waiting for the reveal…"),
			 s);
		attron(ui_attr(UI_GOOD));
		ui_text_center(maxy, 0, COLS, buf);
		attroff(ui_attr(UI_GOOD));
	} else if (m->locked) {
		attron(ui_attr(UI_ACCENT));
		ui_text_center(maxy, 0, COLS, _("Locked in. Sending…"));
		attroff(ui_attr(UI_ACCENT));
	}
}

/* My result in one line: right or wrong, the signed points (green or
 * red, the sign on a monochrome terminal), the stake, whether my team
 * answered for me. */
static void ui_result_line(const struct model *m, int y)
{
	char buf[256], d[48], st[64];
	int attr;
	bool team = !m->r_answered && m->r_team_answered;

	ui_delta(d, sizeof(d), m->r_delta);
	st[0] = '\0';
	if (m->r_stake)
		snprintf(st, sizeof(st), _(" (stake %u)"), m->r_stake);
	if (m->voided) {
		snprintf(buf, sizeof(buf), "%s",
			 _("The host voided this question: nobody scores."));
		attr = ui_attr(UI_ACCENT);
	} else if (!m->have_result) {
		snprintf(buf, sizeof(buf), "%s", _("Waiting for your result…"));
		attr = ui_attr(UI_DIM);
	} else if (m->r_delta < 0 && ui_buzz_fouled(m)) {
		snprintf(buf, sizeof(buf), _("Foul: %s points"), d);
		attr = ui_attr(UI_BAD);
	} else if (team && m->r_correct) {
		snprintf(buf, sizeof(buf),
			 _("Your team answered: correct, %s points%s"), d, st);
		attr = ui_delta_attr(m->r_delta);
	} else if (team) {
		snprintf(buf, sizeof(buf),
			 _("Your team answered: wrong, %s points%s"), d, st);
		attr = m->r_delta ? ui_delta_attr(m->r_delta) : ui_attr(UI_BAD);
	} else if (!m->r_answered && !m->r_delta && !model_my_turn(m)) {
		snprintf(buf, sizeof(buf), "%s", _("Not your turn: no points"));
		attr = ui_attr(UI_DIM);
	} else if (!m->r_answered && !m->r_delta && !m->r_stake) {
		snprintf(buf, sizeof(buf), "%s", _("No answer: 0 points"));
		attr = ui_attr(UI_BAD);
	} else if (!m->r_answered) {
		snprintf(buf, sizeof(buf), _("No answer: %s points%s"), d, st);
		attr = ui_attr(UI_BAD);
	} else if (m->r_correct) {
		snprintf(buf, sizeof(buf), _("Correct! %s points%s"), d, st);
		attr = ui_delta_attr(m->r_delta);
		if (!m->r_delta)
			attr = ui_attr(UI_GOOD);
	} else if (!m->r_delta && !m->r_stake) {
		snprintf(buf, sizeof(buf), "%s", _("Wrong: 0 points"));
		attr = ui_attr(UI_BAD);
	} else {
		snprintf(buf, sizeof(buf), _("Wrong: %s points%s"), d, st);
		attr = ui_attr(UI_BAD);
	}
	attron(attr);
	ui_text(y, 2, COLS - 4, buf);
	attroff(attr);
}

unsigned ui_expl_overflow(void)
{
	return expl_over;
}

unsigned ui_expl_page(void)
{
	return expl_page;
}

/* The explanation under its title from row y to maxy: what does not fit
 * is scrolled to (model_scroll), the title saying which lines show. */
static void ui_explanation(const struct model *m, int y, int maxy)
{
	int w = COLS - 6, avail = maxy - y - 1, total, top;
	char buf[128];

	if (avail < 1)
		return;
	total = ui_wrap(0, 0, w, 1000, m->explanation, false);
	attron(ui_attr(UI_DIM));
	if (total <= avail) {
		ui_text(y, 2, COLS - 4, _("Explanation:"));
	} else {
		expl_over = (unsigned)(total - avail);
		expl_page = (unsigned)avail;
		top =
		    m->expl_top > expl_over ? (int)expl_over : (int)m->expl_top;
		snprintf(buf, sizeof(buf),
			 _("Explanation (lines %d-%d of %d, %s scroll):"),
			 top + 1, top + avail, total,
			 ui_utf8() ? "↑↓" : "Up/Down");
		ui_text(y, 2, COLS - 4, buf);
		attroff(ui_attr(UI_DIM));
		ui_wrap_from(y + 1, 4, w, top, avail, m->explanation);
		return;
	}
	attroff(ui_attr(UI_DIM));
	ui_wrap(y + 1, 4, w, avail, m->explanation, true);
}

int ui_draw_marked(const struct model *m, int y, int maxy, bool mine)
{
	char buf[MODEL_OPTION_MAX + 128];

	if (m->kind != KIND_FILL)
		return ui_draw_options(m, y, maxy, 2);
	snprintf(buf, sizeof(buf), "%s %s", _("Correct answer:"),
		 m->correct_text);
	attron(ui_attr(UI_GOOD));
	y += ui_wrap(y, 4, COLS - 8, 2, buf, true);
	attroff(ui_attr(UI_GOOD));
	if (mine) {
		snprintf(buf, sizeof(buf), "%s %s", _("Your answer:"), m->fill);
		y += ui_wrap(y, 4, COLS - 8, 2, buf, true);
	}
	return y;
}

/* The reveal: correct answer, my points, time and rank, explanation. */
static void ui_reveal(const struct model *m, int y)
{
	int maxy = LINES - 3;
	char buf[MODEL_OPTION_MAX + 128], s[16];

	ui_question_line(m, y);
	y += 2;
	y += ui_wrap(y, 2, COLS - 4, 3, m->stem, true);
	y++;
	y = ui_draw_marked(m, y, maxy - 4, m->locked);
	y++;
	ui_result_line(m, y++);
	if (m->have_result) {
		ui_secs(s, sizeof(s), m->r_rt_us);
		if (m->r_answered)
			snprintf(buf, sizeof(buf),
				 _("Time %s s · rank %u of %u · total %lld"), s,
				 m->r_rank, m->players, (long long)m->r_total);
		else
			snprintf(buf, sizeof(buf),
				 _("Rank %u of %u · total %lld"), m->r_rank,
				 m->players, (long long)m->r_total);
		ui_text(y, 2, COLS - 4, buf);
		y++;
	}
	if (m->board.have && m->team[0]) {
		ui_draw_my_team(m, y);
		y++;
	}
	if (m->explanation[0] && y + 1 < maxy)
		ui_explanation(m, y + 1, maxy);
}

void ui_draw_play(const struct model *m, const struct ui_view *v, uint64_t now)
{
	enum model_phase ph = model_phase_at(m, now);
	char buf[256];
	int y = 2;

	expl_over = expl_page = 0; /* until a reveal is drawn */
	switch (ph) {
	case PHASE_CONNECTING:
		ui_draw_connecting(v);
		break;
	case PHASE_LOBBY:
		ui_lobby(m, y);
		break;
	case PHASE_COUNTDOWN:
		ui_countdown(m, y, now);
		break;
	case PHASE_QUESTION:
		ui_question(m, y, now);
		break;
	case PHASE_REVEAL:
		ui_reveal(m, y);
		break;
	case PHASE_LEADERBOARD:
		ui_draw_leaderboard(m, y);
		if (m->have_result) {
			snprintf(buf, sizeof(buf),
				 _("You: rank %u of %u, %lld points"),
				 m->r_rank, m->players, (long long)m->r_total);
			ui_text_center(LINES - 4, 0, COLS, buf);
		}
		break;
	case PHASE_PAUSED:
		ui_draw_paused(m, ui_pause_title(m, _("Paused by the host")));
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
		ui_draw_judging(m, y, now);
		break;
	case PHASE_KICKED:
		attron(ui_attr(UI_BAD));
		ui_text_center(LINES / 2, 0, COLS,
			       _("You were removed from the room."));
		attroff(ui_attr(UI_BAD));
		break;
	}
}
