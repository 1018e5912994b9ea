/* The terminal client's screens (private to quiz): ui.c owns the curses
 * session (setup, teardown on every exit path, colours, key reading) and the
 * drawing primitives that measure text in terminal columns; ui_play.c draws
 * the contestant's screens, ui_host.c the host console and the projector
 * view. Drawing only reads the model: input is handled in quiz.c. */
#ifndef QUIZ_UI_H
#define QUIZ_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

#include "model.h"

/* What the screens show besides the model: local UI state of quiz.c. */
struct ui_view {
	const char *server; /* HOST:PORT as given */
	const char *prog;   /* how to run quiz in a hint: "quiz", or the
			       relative path it was started by */
	bool kick_prompt;   /* host: picking a contestant to kick */
	unsigned kick_sel;  /* the one picked, in the model's roster */
	uint32_t kick_id;   /* asked "Kick NAME?": that contestant */
	char kick_nick[64];
	char notice[160];      /* last local event ("start sent") */
	char notice_seen[160]; /* the notice as first drawn, and when: the */
	uint64_t notice_at;    /* host's status line shows it for a while */
	uint64_t retry_at;     /* local time of the next reconnect attempt */
	bool reconnecting;     /* shown while the connection is down */
	int confirm; /* 'q' quit or 'e' end asked: y/n awaited (0 none) */
	/* connection attempts that failed since the last Welcome, why the
	 * last one did ("connection refused"), and whether any Welcome came
	 * (never: the server cannot be reached, said as such) */
	unsigned tries;
	char try_error[64];
	bool welcomed;
};

/* Colour roles; each has a monochrome attribute as well. */
enum ui_role {
	UI_NORMAL,
	UI_HEADER,
	UI_GOOD,
	UI_BAD,
	UI_ACCENT,
	UI_BAR,
	UI_DIM,
	UI_SELECT,
	UI_ROLES,
};

/* --- ui.c: curses session ------------------------------------------- */

/* Starts curses on the terminal (locale must be set): raw keys, no echo,
 * non-blocking reads, colour unless NO_COLOR is set or the terminal has
 * none. Installs crash handlers that restore the terminal. Returns 0, or
 * -1 when the terminal cannot be driven (message printed to stderr). */
int ui_start(void);
/* Restores the terminal (idempotent; safe from atexit). */
void ui_stop(void);
/* Takes the new terminal size after SIGWINCH. */
void ui_resize(void);
/* Reads one key without blocking: returns OK (a character in *wch),
 * KEY_CODE_YES (a function key in *wch) or ERR (nothing pending). */
int ui_getkey(wint_t *wch);
/* Draws the whole screen for the model at local time now. */
void ui_draw(const struct model *m, const struct ui_view *v, uint64_t now);

/* --- ui.c: drawing primitives (columns, never bytes) ----------------- */

/* 1 when the terminal speaks UTF-8 (block characters available). */
bool ui_utf8(void);
/* Attribute for a role (colour or its monochrome stand-in). */
int ui_attr(enum ui_role r);
/* Writes s at (y, x) in at most w columns, ending with an ellipsis when it
 * does not fit; control characters are skipped, invalid bytes shown as
 * '?'. Returns the columns used. */
int ui_text(int y, int x, int w, const char *s);
/* Same, padded with spaces to exactly w columns. */
void ui_text_pad(int y, int x, int w, const char *s);
/* Centres s on row y within columns [x, x + w). */
void ui_text_center(int y, int x, int w, const char *s);
/* Wraps s to lines of w columns from row y, at most maxl lines (the last
 * ends with an ellipsis if text remains); breaks at spaces where it can and
 * anywhere between CJK characters. Draws nothing when draw is false.
 * Returns the lines used. */
int ui_wrap(int y, int x, int w, int maxl, const char *s, bool draw);
/* Draws lines skip .. skip + maxl - 1 of s wrapped as ui_wrap wraps it,
 * whole (no ellipsis: the caller shows where the text goes on). Returns
 * the lines drawn. */
int ui_wrap_from(int y, int x, int w, int skip, int maxl, const char *s);
/* The question line above the stem: "Question 2 of 10 · category · 1000
 * points", bold, on row y. */
void ui_question_line(const struct model *m, int y);
/* Columns taken by s as ui_text draws it. */
int ui_width(const char *s);
/* Checks a nickname or team name (what) against the server's rule (at
 * most max bytes of printable UTF-8, no space at either end); when it is
 * refused, says why on stderr after "prog: ", in characters as people
 * count them, and returns true. */
bool ui_name_refused(const char *prog, const char *what, const char *s,
		     size_t max);
/* Keys as get_wch reads them (rc, k): Enter (CR, LF or KEY_ENTER), and
 * Backspace (DEL, ^H or KEY_BACKSPACE). */
bool ui_key_enter(int rc, wint_t k);
bool ui_key_backspace(int rc, wint_t k);
/* Encodes a code point as UTF-8 into buf (5 bytes, NUL-terminated). */
void ui_utf8_put(char *buf, uint32_t cp);
/* A horizontal bar of w columns filled to num/den (den 0: empty). */
void ui_bar(int y, int x, int w, uint64_t num, uint64_t den, int attr);
/* Columns needed by ui_big for n characters. */
int ui_big_width(size_t n);
/* Big digits (and ':' '.' ' ') of s in block characters, 5 rows high,
 * centred within [x, x + w) from row y. Returns 0, or -1 when it does not
 * fit (nothing drawn). */
int ui_big(int y, int x, int w, const char *s, int attr);
/* Formats microseconds as seconds with one decimal ("12.3"). */
void ui_secs(char *buf, size_t len, uint64_t us);
/* Option label for index i in the contestant's key scheme: "A".."H". */
char ui_opt_key(unsigned i);
/* The shape of option i, in a fixed order as on the big screen's tiles:
 * ▲ ◆ ● ■ ★ ♥ ▼ ◀ (ASCII stand-ins without UTF-8). Never NULL. */
const char *ui_opt_shape(unsigned i);
/* The attribute of option i's tile: its own background colour (red,
 * blue, yellow, green, ...), bold; faded: dim, no fill (a wrong option at
 * the reveal). Monochrome: normal, or dim when faded. */
int ui_tile_attr(unsigned i, bool faded);
/* Whether colours are drawn (not NO_COLOR, not a monochrome terminal). */
bool ui_colour_on(void);
/* Wraps s as ui_wrap does, each line centred within [x, x + w), lines
 * step rows apart (2: a blank row between them). Returns the lines used
 * (drawn or not). */
int ui_wrap_center(int y, int x, int w, int maxl, int step, const char *s,
		   bool draw);
/* Whether the projector layout that scales with the terminal is drawn:
 * a screen (quiz screen) on a terminal of at least UI_BIG_COLS x
 * UI_BIG_LINES; smaller ones keep the 80x24 layout. */
#define UI_BIG_COLS  100
#define UI_BIG_LINES 30
bool ui_big_screen(const struct model *m);

/* --- shared views (ui_play.c) ----------------------------------------- */

/* The header line (row 0): title, room, who, question, connection. */
void ui_draw_header(const struct model *m, const struct ui_view *v);
/* The connection in a word for a header: "online", "reconnecting"… */
const char *ui_conn_word(const struct model *m, const struct ui_view *v);
/* Whether the connection is down and being tried again. */
bool ui_reconnecting(const struct model *m, const struct ui_view *v);
/* On row y: when the next try is (or why the server cannot be reached). */
void ui_draw_reconnect_line(const struct model *m, const struct ui_view *v,
			    int y, uint64_t now);
/* On row y: the model's error, its code's text before the server's. */
void ui_draw_error_line(const struct model *m, int y);
/* The status line above the keys: errors, reconnecting, notices. */
void ui_draw_status(const struct model *m, const struct ui_view *v,
		    uint64_t now);
/* Leaderboard as bars in rows [y, y + h). */
void ui_draw_board(const struct model *m, int y, int h, bool podium_first);
/* Screens every mode shares: "Connecting to …" centred; the leaderboard
 * title and board from row y; the pause notice with the time left under
 * title. */
void ui_draw_connecting(const struct ui_view *v);
void ui_draw_leaderboard(const struct model *m, int y);
void ui_draw_paused(const struct model *m, const char *title);
/* The pause notice's title for the pause reason: storage, "Server
 * restarted — waiting for the host", else by_host. */
const char *ui_pause_title(const struct model *m, const char *by_host);
/* "Question N of M starts in" on row y and the seconds left in big digits
 * from row y + 2 (7 rows). */
void ui_draw_countdown(const struct model *m, int y, uint64_t now);
/* Final podium (top three) then the rest, rows [y, y + h). */
void ui_draw_podium(const struct model *m, int y, int h);
/* Seconds-left bar of the open question on row y. */
void ui_draw_timebar(const struct model *m, int y, uint64_t now);
/* The options of the question with their keys from row y (to maxy);
 * mark: 0 plain, 1 answering (selection, cursor), 2 marked (✓ the correct
 * ones, ✗ a wrong choice). Returns the next free row. */
int ui_draw_options(const struct model *m, int y, int maxy, int mark);
/* What is answered from row y (to maxy): the typed answer of a fill-in,
 * else the options to pick. */
void ui_draw_answer(const struct model *m, int y, int maxy);
/* The question marked from row y (to maxy): a fill-in's correct answer
 * and, with mine, the typed one; else the options with ✓ and ✗. Returns
 * the next free row. */
int ui_draw_marked(const struct model *m, int y, int maxy, bool mine);

/* The contest's rounds on row y: "3 rounds: 必答题 (必答) · …". */
void ui_draw_rounds(const struct model *m, int y);

/* Contestant screens, rows [1, LINES - 2). */
void ui_draw_play(const struct model *m, const struct ui_view *v, uint64_t now);
/* The lines of the reveal's explanation that did not fit at its last
 * draw (0: it fit, or no reveal drawn): how far model_scroll() may go;
 * and how many were shown (a page). */
unsigned ui_expl_overflow(void);
unsigned ui_expl_page(void);

/* --- ui_contest.c: rounds, turns, wagers, team boards ---------------- */

/* Whether the screens speak of rounds (several, or one not SPEED). */
bool ui_rounds_shown(const struct model *m);
/* A round format in words ("in turn"; 必答 in zh_CN). Never NULL. */
const char *ui_format_word(int format);
/* A signed delta: "+30", "−20" (U+2212, '-' without UTF-8), "0". */
void ui_delta(char *buf, size_t len, int64_t d);
/* The attribute of a delta: good when positive, bad when negative (bold or
 * underline on a monochrome terminal, so the sign carries it). */
int ui_delta_attr(int64_t d);
/* A rank: " 1." or, shared with another (并列), "=1" ("1 (并列)"). */
void ui_rank(char *buf, size_t len, uint32_t rank, bool tied);
/* "Round 1 of 3 · 必答题 · in turn" centred on row y when rounds are
 * shown, and under it the rules of a buzz (or judged) round; returns the
 * rows used (0, 1 or 2). */
int ui_draw_round_banner(const struct model *m, int y);
/* "Round 1/3 · 必答题 · " for the question line ("" without rounds). */
void ui_round_prefix(const struct model *m, char *buf, size_t len);
/* Whose turn match question q is, centred on row y, highlighted when it
 * is mine or my team's; returns the rows used (0 without a turn for q). */
int ui_draw_turn(const struct model *m, int y, uint32_t q);
/* The team board from row y to maxy: the scoring rule, a header, a row a
 * team (rank, name, members, score, last delta and stake; final: the best
 * members). Returns the rows used (0 without a board). */
int ui_draw_team_board(const struct model *m, int y, int maxy, bool final);
/* The wager phase from row y: picker (contestant) or the watch view. */
void ui_draw_wager(const struct model *m, int y, uint64_t now);
/* The round break from row y: teams, contestants, the next round. */
void ui_draw_round_break(const struct model *m, int y);
/* "Final team standings" and the final team board, rows [y, maxy). */
void ui_draw_final_teams(const struct model *m, int y, int maxy);
/* The contest's team score rule on row y (nothing without a contest). */
void ui_draw_scoring(const struct model *m, int y);
/* "Team 一支部: 110 (+10) · rank 1 of 2" on row y (contestant only). */
void ui_draw_my_team(const struct model *m, int y);

/* --- ui_buzz.c: 抢答 and judges --------------------------------------- */

/* The rules of a buzz round in one line ("Read 5 s · right +10, wrong
 * −10, foul −10 · 1 rebound(s) · 20 s to answer · answers aloud, a judge
 * rules"); a judged round of another format: who marks; else "". */
void ui_buzz_rules(const struct model_round *r, char *buf, size_t len);
/* Whether I, or my team, fouled on the buzz question on screen (the
 * reveal says "Foul: −10 points"). */
bool ui_buzz_fouled(const struct model *m);
/* A press outcome in a word ("won", "slower", "late", "foul"). */
const char *ui_outcome_word(int outcome);
/* The buzzer's time line on row y: "Buzzer opens in 2.1 s", "12.0 s to
 * buzz", "15.2 s to answer", "Judge ruling · 3.0 s". */
void ui_draw_buzz_bar(const struct model *m, int y, uint64_t now);
/* The buzzer from row y (to maxy): the banner (locked / "抢答!"), my
 * press (已按下, then the decision), who answers, who is out. Returns the
 * rows used (0 without a buzzer). */
int ui_draw_buzz(const struct model *m, int y, int maxy, uint64_t now);
/* The presses in order with their compensated gaps and outcomes ("一支部
 * · 张三  +37 ms  slower"). Returns the rows used. */
int ui_draw_presses(const struct model *m, int y, int maxy);
/* "Answer key: B 1921年" on row y (host and judges, before the reveal).
 * Returns the rows used (0 or 1). */
int ui_draw_answer_key(const struct model *m, int y);
/* The judge panel from row y: how long the ruling has been awaited, the
 * items (who, the answer, the automatic suggestion, the ruling) with the
 * cursor, the keys. Returns the rows used. */
int ui_draw_judge_panel(const struct model *m, int y, int maxy, uint64_t now);
/* The JUDGING state from row y: the stem, "The judges are ruling… 3.0
 * s", my answer (contestant) or the panel (host, judge). */
void ui_draw_judging(const struct model *m, int y, uint64_t now);

/* --- ui_practice.c: `quiz practice` ------------------------------------ */

struct pmodel;

/* What the practice screen shows besides its model. */
struct ui_pview {
	struct ui_view v;	/* server, notice, reconnecting, confirm */
	const char *stats_text; /* the progress page shown (NULL: none) */
	bool stats_wait;	/* the progress page was asked for */
	bool stats_team;	/* it is the team board */
};

/* The whole practice screen at local time now (monotonic µs) and wall
 * clock wall_us (µs since 1970, for "back in 3 days"). */
void ui_draw_practice(const struct pmodel *pm, const struct ui_pview *pv,
		      uint64_t now, uint64_t wall_us);
/* "back in 3 days", "due now", "not scheduled" for a due time (wall µs),
 * translated, into buf. */
void ui_practice_span(char *buf, size_t len, uint64_t at_us, uint64_t wall_us);

/* --- ui_host.c --------------------------------------------------------- */

/* Host console and projector view, rows [1, LINES - 2). */
void ui_draw_host(const struct model *m, const struct ui_view *v, uint64_t now);

#endif
