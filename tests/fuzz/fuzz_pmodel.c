/* libFuzzer target: `quiz practice`'s model (client/model_practice.c) fed
 * hostile server messages and keys, every practice screen drawn from the
 * state that leaves (client/ui_practice.c) into a curses screen on
 * /dev/null at 80x24, 200x50 or a too-small 29x9, and the plain-text
 * progress (client/pstats.c) printed from every PracticeStats
 * (docs/FUZZING.md).
 *
 * Input: byte 0 picks the screen size, the mode and the view flags; then
 * chunks [kind u8][len u16 big-endian][bytes]:
 *   kind 0  len bytes are an envelope payload: pmodel_apply (start_seq =
 *           the payload's first byte, so refusals of the start are hit);
 *           a PracticeStats is also turned into the progress page
 *   kind 1  len bytes are keys: pmodel_key (ASCII, '?', Enter, cursor
 *           0x01/0x02), model_fill_input (UTF-8), model_fill_backspace
 *           (0x7f); 0x03 restarts the sitting in the other mode
 *   kind 2  the local clock moves on by len ms, then pmodel_expire
 *   kind 3  the connection state becomes len % 4
 * After each chunk: counts within their arrays, strings terminated, no
 * control character from the server in what the screen shows, an answer
 * the model asks to send packs, and the screen is drawn.
 *
 * curses needs a terminal: fuzz_ui_start (fuzz_ui.c) gives it /dev/null. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ui.h"
#include "fuzz_util.h"
#include "model_practice.h"
#include "pstats.h"
#include "text.h"
#include "ui.h"
#include "wire.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool have_ui;
static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	have_ui = fuzz_ui_start("fuzz_pmodel");
	return 0;
}

#define TERMINATED(f) (memchr((f), '\0', sizeof(f)) != NULL)

/* The model's bounds and what reaches the screen. */
static void check(const struct pmodel *pm, uint64_t now)
{
	const struct model *m = &pm->q;
	unsigned i;
	bool bad;

	FUZZ_CHECK(pm->n_sources <= PMODEL_SOURCES_MAX &&
		       pm->n_cats <= PMODEL_CATS_MAX &&
		       m->n_options <= MODEL_OPTIONS_MAX &&
		       m->cursor < MODEL_OPTIONS_MAX,
		   "a count is past its array");
	FUZZ_CHECK(TERMINATED(pm->token) && TERMINATED(pm->nick) &&
		       TERMINATED(pm->team) && TERMINATED(pm->item_id) &&
		       TERMINATED(m->stem) && TERMINATED(m->explanation) &&
		       TERMINATED(m->correct_text) && TERMINATED(m->fill) &&
		       TERMINATED(m->error) && TERMINATED(m->category),
		   "a string is not terminated");
	FUZZ_CHECK(strspn(pm->token,
			  "0123456789abcdefghijklmnopqrstuvwxyz"
			  "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") == strlen(pm->token),
		   "a token the state file could not hold");
	FUZZ_CHECK(pm->why >= PMODEL_WHY_DUE && pm->why <= PMODEL_WHY_REVIEW,
		   "why out of range");
	bad = fuzz_has_control(pm->nick, false) ||
	      fuzz_has_control(pm->team, false) ||
	      fuzz_has_control(pm->item_id, false) ||
	      fuzz_has_control(m->stem, true) ||
	      fuzz_has_control(m->explanation, true) ||
	      fuzz_has_control(m->correct_text, false) ||
	      fuzz_has_control(m->category, false) ||
	      fuzz_has_control(m->error, false);
	for (i = 0; i < m->n_options; i++)
		bad = bad || !TERMINATED(m->options[i]) ||
		      fuzz_has_control(m->options[i], false);
	for (i = 0; i < pm->n_cats; i++)
		bad = bad || !TERMINATED(pm->cats[i]) ||
		      fuzz_has_control(pm->cats[i], false);
	FUZZ_CHECK(!bad, "a control character from the server reached the "
			 "practice model");
	FUZZ_CHECK(model_time_left_pm(m, now) <= 1000, "time left > 1000");
	if (pm->screen == PSCREEN_RESULT)
		FUZZ_CHECK(pm->have_result, "a result screen without a result");
}

/* The model asked to send an answer: build and pack it. */
static void send_answer(const struct pmodel *pm)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer a = QUIZ__V1__ANSWER__INIT;
	uint32_t choices[MODEL_OPTIONS_MAX];
	uint8_t *buf;
	size_t len;

	if (pmodel_answer(pm, &a, choices) < 0)
		return;
	FUZZ_CHECK(a.n_choices <= MODEL_OPTIONS_MAX, "too many choices");
	FUZZ_CHECK(a.question_index == pm->q.q, "an answer to another index");
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &a;
	buf = wire_pack(&env, &len);
	FUZZ_CHECK(buf != NULL, "the answer does not pack");
	free(buf);
}

/* Feeds key bytes: ASCII as keys, UTF-8 sequences as typed text. */
static int keys(struct pmodel *pm, const uint8_t *p, size_t n, uint64_t now)
{
	int flags = 0;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int k = text_utf8_next((const char *)p + i, n - i, &cp), f = 0;
		char ch[8];

		if (k < 0)
			k = 1;
		if (p[i] == 0x01 || p[i] == 0x02)
			f = pmodel_key(
			    pm, p[i] == 0x01 ? MODEL_KEY_UP : MODEL_KEY_DOWN,
			    now);
		else if (p[i] == 0x03)
			pmodel_restart(pm, pm->mode == PMODEL_REVIEW
					       ? PMODEL_SCHEDULE
					       : PMODEL_REVIEW);
		else if (p[i] == 0x7f)
			f = model_fill_backspace(&pm->q);
		else if (k > 1 && k < (int)sizeof(ch)) {
			memcpy(ch, p + i, (size_t)k);
			ch[k] = '\0';
			f = model_fill_input(&pm->q, ch);
		} else if (pm->q.kind == QUIZ__V1__QUESTION_KIND__FILL &&
			   p[i] >= 0x20 && p[i] != '\r' && p[i] != '\n') {
			ch[0] = (char)p[i];
			ch[1] = '\0';
			f = model_fill_input(&pm->q, ch);
		} else {
			f = pmodel_key(pm, p[i], now);
		}
		if (f & MODEL_ANSWER)
			send_answer(pm);
		flags |= f;
		i += (size_t)k;
	}
	return flags;
}

/* A PracticeStats: the progress page as the app keeps it. */
static char *stats_text(const Quiz__V1__PracticeStats *ps, bool team)
{
	static struct pstats st;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	pstats_from_proto(&st, ps, team);
	FUZZ_CHECK(st.n_cats <= PSTATS_CATS_MAX &&
		       st.n_members <= PSTATS_MEMBERS_MAX,
		   "a stats count is past its array");
	FUZZ_CHECK(st.total.all.mastery_pm <= 1000 &&
		       st.total.all.accuracy_pm <= 1000,
		   "a rate over 1000");
	f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	pstats_print(f, &st, "127.0.0.1:7878");
	fclose(f);
	FUZZ_CHECK(!text || !fuzz_has_control(text, true),
		   "a control character in the printed progress");
	if (devnull && text)
		fputs(text, devnull);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pmodel pm;
	struct ui_pview v;
	const uint8_t *p = data;
	size_t n = size;
	uint64_t now = 1000000000ULL, wall = 1764547200000000ULL;
	char *text = NULL;
	uint8_t b0;

	if (!n)
		return 0;
	b0 = *p++;
	n--;
	pmodel_init(&pm, "张三", (b0 & 0x08) ? "一支部" : NULL,
		    (b0 & 0x01) ? PMODEL_REVIEW : PMODEL_SCHEDULE);
	memset(&v, 0, sizeof(v));
	v.v.server = "127.0.0.1:7878";
	v.v.confirm = (b0 & 0x20) ? 'q' : 0;
	v.v.reconnecting = (b0 & 0x40) != 0;
	v.v.retry_at = now + 2000000;
	if (have_ui) {
		if (b0 & 0x10)
			resizeterm(9, 29);
		else if (b0 & 0x04)
			resizeterm(50, 200);
		else
			resizeterm(24, 80);
	}
	while (n >= 3) {
		uint8_t kind = p[0] % 4;
		size_t len = (size_t)p[1] << 8 | p[2];
		int flags = 0;

		p += 3;
		n -= 3;
		if (kind == 0 || kind == 1) {
			if (len > n)
				len = n;
			if (kind == 0) {
				Quiz__V1__Envelope *env = wire_unpack(p, len);

				if (env) {
					flags = pmodel_apply(
					    &pm, env, len ? p[0] : 0, now);
					if (flags & PMODEL_STATS) {
						free(text);
						text = stats_text(
						    env->practice_stats,
						    (b0 & 0x02) != 0);
						v.stats_text = text;
					}
					wire_free(env);
				}
			} else {
				flags = keys(&pm, p, len, now);
				if (len && p[0] == 'x')
					v.stats_text = NULL; /* any key: back */
			}
			p += len;
			n -= len;
		} else if (kind == 2) {
			now += (uint64_t)len * 1000;
			wall += (uint64_t)len * 60000000;
			flags = pmodel_expire(&pm, now);
		} else {
			model_set_conn(&pm.q, (enum model_conn)(len % 4));
		}
		if (flags & MODEL_ANSWER)
			send_answer(&pm);
		check(&pm, now);
		if (have_ui)
			ui_draw_practice(&pm, &v, now, wall);
	}
	free(text);
	return 0;
}
