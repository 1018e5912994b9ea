/* The curses session of the terminal client: the one place that starts and
 * restores the terminal, plus the drawing primitives that measure text in
 * terminal columns (CJK characters take two). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <langinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <curses.h>

#include "i18n.h"
#include "text.h"

static bool ui_on;
static bool ui_is_utf8;
static bool ui_colour;
static int ui_roles[UI_ROLES];

/* Restores the terminal and re-raises the fatal signal (SA_RESETHAND put
 * the default action back), so a crash never leaves the terminal raw. */
static void ui_crash(int sig)
{
	if (ui_on)
		endwin();
	ui_on = false;
	raise(sig);
}

/* Sets up the colour pairs, or the monochrome stand-ins. */
static void ui_colours(void)
{
	const char *nc = getenv("NO_COLOR");
	int i;

	for (i = 0; i < UI_ROLES; i++)
		ui_roles[i] = (int)A_NORMAL;
	ui_roles[UI_HEADER] = A_REVERSE;
	ui_roles[UI_GOOD] = A_BOLD;
	ui_roles[UI_BAD] = A_UNDERLINE;
	ui_roles[UI_ACCENT] = A_BOLD;
	ui_roles[UI_BAR] = A_NORMAL;
	ui_roles[UI_DIM] = A_DIM;
	ui_roles[UI_SELECT] = A_REVERSE;
	ui_colour = has_colors() && !(nc && *nc);
	if (!ui_colour || start_color() == ERR) {
		ui_colour = false;
		return;
	}
	use_default_colors();
	init_pair(1, COLOR_BLACK, COLOR_CYAN);
	init_pair(2, COLOR_GREEN, -1);
	init_pair(3, COLOR_RED, -1);
	init_pair(4, COLOR_YELLOW, -1);
	init_pair(5, COLOR_CYAN, -1);
	init_pair(6, COLOR_BLACK, COLOR_YELLOW);
	ui_roles[UI_HEADER] = COLOR_PAIR(1);
	ui_roles[UI_GOOD] = COLOR_PAIR(2) | A_BOLD;
	ui_roles[UI_BAD] = COLOR_PAIR(3) | A_BOLD;
	ui_roles[UI_ACCENT] = COLOR_PAIR(4) | A_BOLD;
	ui_roles[UI_BAR] = COLOR_PAIR(5);
	ui_roles[UI_SELECT] = COLOR_PAIR(6);
	/* the option tiles of the big screen, as Kahoot colours them */
	init_pair(7, COLOR_WHITE, COLOR_RED);
	init_pair(8, COLOR_WHITE, COLOR_BLUE);
	init_pair(9, COLOR_BLACK, COLOR_YELLOW);
	init_pair(10, COLOR_BLACK, COLOR_GREEN);
	init_pair(11, COLOR_WHITE, COLOR_MAGENTA);
	init_pair(12, COLOR_BLACK, COLOR_CYAN);
	init_pair(13, COLOR_BLACK, COLOR_WHITE);
	init_pair(14, COLOR_WHITE, COLOR_BLACK);
}

bool ui_colour_on(void)
{
	return ui_colour;
}

int ui_tile_attr(unsigned i, bool faded)
{
	if (faded)
		return (int)A_DIM;
	if (!ui_colour)
		return (int)A_NORMAL;
	return (int)(COLOR_PAIR(7 + (int)(i % 8)) | A_BOLD);
}

const char *ui_opt_shape(unsigned i)
{
	static const char *utf8[8] = {"\u25b2", "\u25c6", "\u25cf", "\u25a0",
				      "\u2605", "\u2665", "\u25bc", "\u25c0"};
	static const char *ascii[8] = {"^", "<>", "o", "#", "*", "&", "v", "<"};

	return ui_is_utf8 ? utf8[i % 8] : ascii[i % 8];
}

bool ui_big_screen(const struct model *m)
{
	return m->mode == MODE_SCREEN && LINES >= UI_BIG_LINES &&
	       COLS >= UI_BIG_COLS;
}

int ui_start(void)
{
	static const int fatal[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
	struct sigaction sa;
	const char *cs;
	size_t i;

	if (ui_on)
		return 0;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "quiz: %s\n", _("needs a terminal"));
		return -1;
	}
	cs = nl_langinfo(CODESET);
	ui_is_utf8 = cs && strcmp(cs, "UTF-8") == 0;
	if (!newterm(NULL, stdout, stdin)) {
		fprintf(stderr, "quiz: %s\n", _("cannot start the terminal"));
		return -1;
	}
	ui_on = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ui_crash;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	atexit(ui_stop);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui_colours();
	return 0;
}

void ui_stop(void)
{
	if (!ui_on)
		return;
	ui_on = false;
	curs_set(1);
	endwin();
}

void ui_resize(void)
{
	struct winsize ws;

	if (!ui_on)
		return;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

int ui_getkey(wint_t *wch)
{
	if (!ui_on)
		return ERR;
	return wget_wch(stdscr, wch);
}

bool ui_utf8(void)
{
	return ui_is_utf8;
}

int ui_attr(enum ui_role r)
{
	return r < UI_ROLES ? ui_roles[r] : (int)A_NORMAL;
}

/* Decodes the next displayable unit of s: its byte length, code point and
 * column width (an invalid byte is one '?' column; control characters
 * take 0 columns and are not drawn). */
static int ui_next(const char *s, size_t len, uint32_t *cp, int *w)
{
	int n = text_utf8_next(s, len, cp);

	if (n < 0) {
		*cp = '?';
		*w = 1;
		return 1;
	}
	if (text_is_control(*cp)) {
		*w = 0;
		*cp = 0;
		return n;
	}
	*w = text_cp_width(*cp);
	return n;
}

/* Draws one decoded unit at the cursor. */
static void ui_put(const char *s, int n, uint32_t cp)
{
	if (!cp)
		return;
	if (cp == '?' && (unsigned char)*s >= 0x80)
		addch('?');
	else if (!ui_is_utf8 && cp >= 0x80)
		addch('?');
	else
		addnstr(s, n);
}

/* Checks a nickname or team name (what) against the server's rule (at
 * most max bytes of printable UTF-8, no space at either end); when it is
 * refused, says why on stderr in characters, as people count them, and
 * returns true. A CJK character takes 3 bytes in UTF-8. */
bool ui_name_refused(const char *prog, const char *what, const char *s,
		     size_t max)
{
	size_t len = strlen(s), i = 0, chars = 0;
	uint32_t cp;
	int k;

	if (text_valid_name(s, max))
		return false;
	while (i < len && (k = text_utf8_next(s + i, len - i, &cp)) > 0) {
		i += (size_t)k;
		chars++;
	}
	if (i < len)
		fprintf(stderr, _("%s: %s is not valid UTF-8\n"), prog, what);
	else if (len > max)
		fprintf(stderr,
			_("%s: %s %s is %zu characters (%zu bytes); "
			  "it may take at most %zu bytes: %zu Chinese "
			  "characters, or %zu letters and digits\n"),
			prog, what, s, chars, len, max, max / 3, max);
	else if (!len)
		fprintf(stderr, _("%s: %s is empty\n"), prog, what);
	else
		fprintf(stderr,
			_("%s: %s must be printable, without spaces at "
			  "either end\n"),
			prog, what);
	return true;
}

bool ui_key_enter(int rc, wint_t k)
{
	return (rc == OK && (k == '\r' || k == '\n')) ||
	       (rc == KEY_CODE_YES && k == KEY_ENTER);
}

bool ui_key_backspace(int rc, wint_t k)
{
	return (rc == OK && (k == 127 || k == 8)) ||
	       (rc == KEY_CODE_YES && k == KEY_BACKSPACE);
}

void ui_utf8_put(char *buf, uint32_t cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		buf[1] = 0;
	} else if (cp < 0x800) {
		buf[0] = (char)(0xc0 | (cp >> 6));
		buf[1] = (char)(0x80 | (cp & 0x3f));
		buf[2] = 0;
	} else if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | (cp >> 12));
		buf[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		buf[3] = 0;
	} else {
		buf[0] = (char)(0xf0 | (cp >> 18));
		buf[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		buf[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		buf[3] = (char)(0x80 | (cp & 0x3f));
		buf[4] = 0;
	}
}

int ui_width(const char *s)
{
	size_t len = strlen(s);
	int total = 0, w;
	uint32_t cp;

	while (len) {
		int n = ui_next(s, len, &cp, &w);

		if (!ui_is_utf8 && cp >= 0x80)
			w = 1;
		total += w;
		s += n;
		len -= (size_t)n;
	}
	return total;
}

/* Draws s from the cursor in at most w columns; with ell, ends with an
 * ellipsis when it does not fit. Returns the columns used. */
static int ui_run(const char *s, size_t len, int w, bool ell)
{
	const char *p = s;
	size_t left = len;
	int used = 0, cw, fits;
	uint32_t cp;

	if (w <= 0)
		return 0;
	/* does it all fit? */
	fits = 1;
	{
		int total = 0;

		while (left) {
			int n = ui_next(p, left, &cp, &cw);

			if (!ui_is_utf8 && cp >= 0x80)
				cw = 1;
			total += cw;
			if (total > w) {
				fits = 0;
				break;
			}
			p += n;
			left -= (size_t)n;
		}
	}
	if (!fits && ell)
		w -= 1;
	p = s;
	left = len;
	while (left) {
		int n = ui_next(p, left, &cp, &cw);

		if (!ui_is_utf8 && cp >= 0x80)
			cw = 1;
		if (used + cw > w)
			break;
		ui_put(p, n, cp);
		used += cw;
		p += n;
		left -= (size_t)n;
	}
	if (!fits && ell) {
		if (ui_is_utf8)
			addstr("\u2026");
		else
			addch('.');
		used++;
	}
	return used;
}

int ui_text(int y, int x, int w, const char *s)
{
	if (y < 0 || y >= LINES || x >= COLS || w <= 0 || !s)
		return 0;
	if (x + w > COLS)
		w = COLS - x;
	move(y, x);
	return ui_run(s, strlen(s), w, true);
}

void ui_text_pad(int y, int x, int w, const char *s)
{
	int used = ui_text(y, x, w, s);

	if (y < 0 || y >= LINES)
		return;
	if (x + w > COLS)
		w = COLS - x;
	for (; used < w; used++)
		mvaddch(y, x + used, ' ');
}

void ui_text_center(int y, int x, int w, const char *s)
{
	int sw = ui_width(s);

	if (sw < w)
		x += (w - sw) / 2;
	ui_text(y, x, w, s);
}

/* Finds the bytes of s that fill one line of w columns: returns the byte
 * count to draw, and in *skip the bytes consumed (the line plus the break
 * character). */
static size_t ui_line(const char *s, size_t len, int w, size_t *skip)
{
	size_t i = 0, brk = 0, brk_skip = 0;
	int used = 0, cw;
	uint32_t cp;

	while (i < len) {
		int n = ui_next(s + i, len - i, &cp, &cw);

		if (s[i] == '\n') {
			*skip = i + 1;
			return i;
		}
		if (!ui_is_utf8 && cp >= 0x80)
			cw = 1;
		if (used + cw > w) {
			if (cp == ' ') {
				*skip = i + 1;
				return i;
			}
			if (brk) {
				*skip = brk_skip;
				return brk;
			}
			*skip = i ? i : (size_t)n;
			return i ? i : (size_t)n;
		}
		if (cp == ' ') {
			brk = i;
			brk_skip = i + 1;
		} else if (cw == 2) {
			/* a wide character may start the next line */
			brk = i;
			brk_skip = i;
		}
		used += cw;
		i += (size_t)n;
	}
	*skip = len;
	return len;
}

int ui_wrap(int y, int x, int w, int maxl, const char *s, bool draw)
{
	size_t len = strlen(s), take, skip;
	int lines = 0;

	if (w <= 0 || maxl <= 0)
		return 0;
	while (len && lines < maxl) {
		take = ui_line(s, len, w, &skip);
		if (lines == maxl - 1 && skip < len) {
			/* last line: what remains, cut with an ellipsis */
			if (draw && y + lines < LINES) {
				char buf[MODEL_TEXT_MAX];
				size_t i, o = 0;

				for (i = 0; i < len && o < sizeof(buf) - 1; i++)
					buf[o++] = s[i] == '\n' ? ' ' : s[i];
				buf[o] = 0;
				ui_text(y + lines, x, w, buf);
			}
			return lines + 1;
		}
		if (draw && y + lines < LINES) {
			move(y + lines, x);
			ui_run(s, take, w, false);
		}
		lines++;
		s += skip;
		len -= skip;
	}
	return lines;
}

/* Columns taken by the first n bytes of s. */
static int ui_nwidth(const char *s, size_t n)
{
	int total = 0, w;
	uint32_t cp;

	while (n) {
		int k = ui_next(s, n, &cp, &w);

		if (!ui_is_utf8 && cp >= 0x80)
			w = 1;
		total += w;
		s += k;
		n -= (size_t)k;
	}
	return total;
}

int ui_wrap_center(int y, int x, int w, int maxl, int step, const char *s,
		   bool draw)
{
	size_t len = strlen(s), take, skip;
	int lines = 0, lw;

	if (w <= 0 || maxl <= 0)
		return 0;
	if (step < 1)
		step = 1;
	while (len && lines < maxl) {
		int row = y + lines * step;

		take = ui_line(s, len, w, &skip);
		if (lines == maxl - 1 && skip < len) {
			/* last line: what remains, cut with an ellipsis */
			if (draw && row < LINES) {
				char buf[MODEL_TEXT_MAX];
				size_t i, o = 0;

				for (i = 0; i < len && o < sizeof(buf) - 1; i++)
					buf[o++] = s[i] == '\n' ? ' ' : s[i];
				buf[o] = 0;
				ui_text(row, x, w, buf);
			}
			return lines + 1;
		}
		if (draw && row >= 0 && row < LINES) {
			lw = ui_nwidth(s, take);
			move(row, x + (lw < w ? (w - lw) / 2 : 0));
			ui_run(s, take, w, false);
		}
		lines++;
		s += skip;
		len -= skip;
	}
	return lines;
}

int ui_wrap_from(int y, int x, int w, int skip, int maxl, const char *s)
{
	size_t len = strlen(s), sk, take;
	int lines = 0;

	if (w <= 0)
		return 0;
	for (; skip > 0 && len; skip--) {
		ui_line(s, len, w, &sk);
		s += sk;
		len -= sk;
	}
	/* whole lines only: the caller says where the text goes on */
	for (; len && lines < maxl; lines++) {
		take = ui_line(s, len, w, &sk);
		if (y + lines < LINES) {
			move(y + lines, x);
			ui_run(s, take, w, false);
		}
		s += sk;
		len -= sk;
	}
	return lines;
}

void ui_bar(int y, int x, int w, uint64_t num, uint64_t den, int attr)
{
	static const char *part[] = {"",       "\u258f", "\u258e", "\u258d",
				     "\u258c", "\u258b", "\u258a", "\u2589"};
	uint64_t eighths;
	int i, full, rem;

	if (w <= 0 || y < 0 || y >= LINES)
		return;
	if (num > den)
		num = den;
	eighths = den ? num * (uint64_t)w * 8 / den : 0;
	full = (int)(eighths / 8);
	rem = (int)(eighths % 8);
	move(y, x);
	attron(attr);
	for (i = 0; i < full; i++)
		addstr(ui_is_utf8 ? "\u2588" : "#");
	if (rem && full < w) {
		if (ui_is_utf8)
			addstr(part[rem]);
		else
			addch(rem >= 4 ? '#' : ' ');
		full++;
	}
	attroff(attr);
	attron(ui_attr(UI_DIM));
	for (i = full; i < w; i++)
		addstr(ui_is_utf8 ? "\u2591" : "-");
	attroff(ui_attr(UI_DIM));
}

/* 3x5 glyphs for the big digits and room codes: one string per row, '#' is
 * a block. */
static const char *ui_glyph(char c)
{
	static const char *digits[10] = {
	    "###"
	    "# #"
	    "# #"
	    "# #"
	    "###",
	    " # "
	    "## "
	    " # "
	    " # "
	    "###",
	    "###"
	    "  #"
	    "###"
	    "#  "
	    "###",
	    "###"
	    "  #"
	    "###"
	    "  #"
	    "###",
	    "# #"
	    "# #"
	    "###"
	    "  #"
	    "  #",
	    "###"
	    "#  "
	    "###"
	    "  #"
	    "###",
	    "###"
	    "#  "
	    "###"
	    "# #"
	    "###",
	    "###"
	    "  #"
	    "  #"
	    "  #"
	    "  #",
	    "###"
	    "# #"
	    "###"
	    "# #"
	    "###",
	    "###"
	    "# #"
	    "###"
	    "  #"
	    "###",
	};
	static const char colon[] = "   "
				    " # "
				    "   "
				    " # "
				    "   ";
	static const char dot[] = "   "
				  "   "
				  "   "
				  "   "
				  " # ";
	static const char blank[] = "   "
				    "   "
				    "   "
				    "   "
				    "   ";
	/* the letters of room codes (Crockford base32: no I, L, O, U) */
	static const char letters[] = "ABCDEFGHJKMNPQRSTVWXYZ";
	static const char *lglyph[22] = {
	    /* A */
	    " # "
	    "# #"
	    "###"
	    "# #"
	    "# #",
	    /* B */
	    "## "
	    "# #"
	    "## "
	    "# #"
	    "## ",
	    /* C */
	    " ##"
	    "#  "
	    "#  "
	    "#  "
	    " ##",
	    /* D */
	    "## "
	    "# #"
	    "# #"
	    "# #"
	    "## ",
	    /* E */
	    "###"
	    "#  "
	    "## "
	    "#  "
	    "###",
	    /* F */
	    "###"
	    "#  "
	    "## "
	    "#  "
	    "#  ",
	    /* G */
	    " ##"
	    "#  "
	    "# #"
	    "# #"
	    " ##",
	    /* H */
	    "# #"
	    "# #"
	    "###"
	    "# #"
	    "# #",
	    /* J */
	    "  #"
	    "  #"
	    "  #"
	    "# #"
	    " # ",
	    /* K */
	    "# #"
	    "# #"
	    "## "
	    "# #"
	    "# #",
	    /* M */
	    "# #"
	    "###"
	    "###"
	    "# #"
	    "# #",
	    /* N */
	    "###"
	    "# #"
	    "# #"
	    "# #"
	    "# #",
	    /* P */
	    "## "
	    "# #"
	    "## "
	    "#  "
	    "#  ",
	    /* Q */
	    " # "
	    "# #"
	    "# #"
	    " # "
	    "  #",
	    /* R */
	    "## "
	    "# #"
	    "## "
	    "# #"
	    "# #",
	    /* S */
	    " ##"
	    "#  "
	    " # "
	    "  #"
	    "## ",
	    /* T */
	    "###"
	    " # "
	    " # "
	    " # "
	    " # ",
	    /* V */
	    "# #"
	    "# #"
	    "# #"
	    "# #"
	    " # ",
	    /* W */
	    "# #"
	    "# #"
	    "###"
	    "###"
	    "# #",
	    /* X */
	    "# #"
	    "# #"
	    " # "
	    "# #"
	    "# #",
	    /* Y */
	    "# #"
	    "# #"
	    " # "
	    " # "
	    " # ",
	    /* Z */
	    "###"
	    "  #"
	    " # "
	    "#  "
	    "###",
	};
	static const char dash[] = "   "
				   "   "
				   "###"
				   "   "
				   "   ";
	const char *l;

	if (c >= '0' && c <= '9')
		return digits[c - '0'];
	if (c == ':')
		return colon;
	if (c == '.')
		return dot;
	if (c == '-')
		return dash;
	if (c && (l = strchr(letters, c)) != NULL)
		return lglyph[l - letters];
	return blank;
}

int ui_big_width(size_t n)
{
	/* each cell is two columns wide, glyphs 3 cells, 2 columns apart */
	return n ? (int)(n * 8 - 2) : 0;
}

int ui_big(int y, int x, int w, const char *s, int attr)
{
	size_t n = strlen(s), i;
	int bw = ui_big_width(n), r, c;

	if (bw > w || y < 0 || y + 5 > LINES)
		return -1;
	x += (w - bw) / 2;
	attron(attr);
	for (r = 0; r < 5; r++) {
		for (i = 0; i < n; i++) {
			const char *g = ui_glyph(s[i]);

			for (c = 0; c < 3; c++) {
				int cx = x + (int)i * 8 + c * 2;

				if (g[r * 3 + c] != '#')
					continue;
				mvaddstr(y + r, cx,
					 ui_is_utf8 ? "\u2588\u2588" : "##");
			}
		}
	}
	attroff(attr);
	return 0;
}

void ui_secs(char *buf, size_t len, uint64_t us)
{
	uint64_t tenths = (us + 50000) / 100000;

	snprintf(buf, len, "%llu.%llu", (unsigned long long)(tenths / 10),
		 (unsigned long long)(tenths % 10));
}

char ui_opt_key(unsigned i)
{
	return (char)('A' + (i < 26 ? i : 25));
}

void ui_draw(const struct model *m, const struct ui_view *v, uint64_t now)
{
	if (!ui_on)
		return;
	erase();
	if (LINES < 10 || COLS < 30) {
		ui_text(0, 0, COLS, _("Terminal too small"));
		refresh();
		return;
	}
	ui_draw_header(m, v);
	if (m->mode == MODE_JOIN)
		ui_draw_play(m, v, now);
	else
		ui_draw_host(m, v, now);
	ui_draw_status(m, v, now);
	refresh();
}

/* The question line above the stem: round, number, category, points (or
 * the stake of a wager). */
void ui_question_line(const struct model *m, int y)
{
	char buf[512], pre[256];
	uint32_t i, n;
	size_t o;

	ui_round_prefix(m, pre, sizeof(pre));
	model_round_pos(m, m->q, &i, &n);
	o = (size_t)snprintf(buf, sizeof(buf), "%s", pre);
	if (m->q_stake && o < sizeof(buf)) {
		if (m->category[0])
			snprintf(buf + o, sizeof(buf) - o,
				 _("Question %u of %u · %s · stake %u"), i, n,
				 m->category, m->q_stake);
		else
			snprintf(buf + o, sizeof(buf) - o,
				 _("Question %u of %u · stake %u"), i, n,
				 m->q_stake);
	} else if (m->have_round && m->cur.format == MODEL_FMT_WAGER &&
		   o < sizeof(buf)) {
		/* no stake of my own (host, screen, none picked) */
		snprintf(buf + o, sizeof(buf) - o,
			 _("Question %u of %u · %s · ± the stake"), i, n,
			 m->category);
	} else if (m->category[0] && o < sizeof(buf))
		snprintf(buf + o, sizeof(buf) - o,
			 _("Question %u of %u · %s · %u points"), i, n,
			 m->category, m->q_points);
	else if (o < sizeof(buf))
		snprintf(buf + o, sizeof(buf) - o,
			 _("Question %u of %u · %u points"), i, n, m->q_points);
	attron(A_BOLD);
	ui_text(y, 2, COLS - 4, buf);
	attroff(A_BOLD);
}

void ui_draw_connecting(const struct ui_view *v)
{
	char buf[160];

	if (!v->welcomed && v->tries) {
		/* nothing answers at that address: say so, and how often */
		snprintf(buf, sizeof(buf), _("Cannot reach %s"),
			 v->server ? v->server : "");
		attron(ui_attr(UI_BAD));
		ui_text_center(LINES / 2 - 1, 0, COLS, buf);
		attroff(ui_attr(UI_BAD));
		snprintf(buf, sizeof(buf),
			 v->tries == 1 ? _("%u try failed (%s); trying again")
				       : _("%u tries failed (%s); trying "
					   "again"),
			 v->tries, v->try_error);
		ui_text_center(LINES / 2 + 1, 0, COLS, buf);
		attron(ui_attr(UI_DIM));
		ui_text_center(LINES / 2 + 2, 0, COLS,
			       _("Is quizd running, and are the address and "
				 "port right?"));
		attroff(ui_attr(UI_DIM));
		return;
	}
	snprintf(buf, sizeof(buf), _("Connecting to %s…"),
		 v->server ? v->server : "");
	ui_text_center(LINES / 2, 0, COLS, buf);
}

/* Rows a big screen keeps for the contestants under the team board: three
 * a contestant, at most two fifths of avail. */
static int ui_board_rows(const struct model *m, int avail)
{
	int want =
	    3 * (int)(m->n_top < MODEL_TOP_MAX ? m->n_top : MODEL_TOP_MAX);

	return want < avail * 2 / 5 ? want : avail * 2 / 5;
}

void ui_draw_leaderboard(const struct model *m, int y)
{
	char buf[160];

	attron(ui_attr(UI_ACCENT));
	uint32_t i, n;

	model_round_pos(m, m->q, &i, &n);
	snprintf(buf, sizeof(buf), _("Leaderboard after question %u of %u"), i,
		 n);
	ui_text_center(y, 0, COLS, buf);
	attroff(ui_attr(UI_ACCENT));
	y += 2;
	if (m->board.have && m->board.n) {
		/* the teams first, then as many contestants as fit (a big
		 * screen gives the teams half the rows) */
		int used = ui_draw_team_board(
		    m, y,
		    !ui_big_screen(m) ? LINES - 8
		    : m->n_top ? LINES - 4 - ui_board_rows(m, LINES - y - 3)
			       : LINES - 3,
		    false);

		y += used + 1;
	}
	ui_draw_board(m, y, LINES - y - 5, false);
}

const char *ui_pause_title(const struct model *m, const char *by_host)
{
	if (m->pause_reason == MODEL_PAUSE_STORAGE)
		return _("Paused: storage unavailable");
	if (m->pause_reason == MODEL_PAUSE_RECOVERED)
		return _("Server restarted — waiting for the host");
	return by_host;
}

void ui_draw_paused(const struct model *m, const char *title)
{
	char buf[160], s[32];

	attron(ui_attr(UI_ACCENT));
	ui_text_center(LINES / 2 - 1, 0, COLS, title);
	attroff(ui_attr(UI_ACCENT));
	if (m->paused_remaining_us) {
		ui_secs(s, sizeof(s), m->paused_remaining_us);
		snprintf(buf, sizeof(buf), _("%s s left on the clock"), s);
		ui_text_center(LINES / 2 + 1, 0, COLS, buf);
	}
}

void ui_draw_countdown(const struct model *m, int y, uint64_t now)
{
	uint64_t left = m->countdown_to > now ? m->countdown_to - now : 0;
	char buf[128], secs[32];

	uint32_t i, n;

	model_round_pos(m, m->next_q, &i, &n);
	snprintf(buf, sizeof(buf), _("Question %u of %u starts in"), i, n);
	ui_text_center(y, 0, COLS, buf);
	snprintf(secs, sizeof(secs), "%llu",
		 (unsigned long long)((left + 999999) / 1000000));
	if (ui_big(y + 2, 0, COLS, secs, ui_attr(UI_ACCENT)) < 0)
		ui_text_center(y + 2, 0, COLS, secs);
}
