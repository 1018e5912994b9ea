/* libFuzzer target: the whole server dispatch without sockets
 * (docs/FUZZING.md). The real server/session.c, hub.c, push.c and the core
 * room run on a real libuv loop, with fake_net.c for the sockets,
 * fake_store.c for SQLite and fake_clock.c for time, so a fuzzed clock
 * drives every timer. uv_random is replaced by a PRNG seeded per input, so
 * room codes and tokens, and with them every run, are reproducible.
 *
 * The input is a sequence of operations (see op_* below): connect, send a
 * request built from input bytes (Hello, CreateRoom, JoinRoom, WatchRoom,
 * HostCommand, Answer, Ping/Pong, the practice requests; codes, tokens,
 * question numbers and correct choices learned from what the server sent, so
 * runs get deep), send raw bytes, advance the clock, hang up, stall a reader,
 * commit the store. After each operation the loop runs until no timer is due,
 * and the invariants are checked: every frame the server sends decodes,
 * sessions equal connections opened minus closed, rooms stay within max_rooms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bank_csv.h"
#include "errors.h"
#include "fake_clock.h"
#include "fake_net.h"
#include "fake_store.h"
#include "frame.h"
#include "fuzz_util.h"
#include "hub.h"
#include "log.h"
#include "server.h"
#include "wire.h"

#define MAX_OPS	   400
#define KNOWN_MAX  8  /* codes, host tokens, resume tokens remembered */
#define LOOP_SPINS 64 /* uv_run rounds per operation at most */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bank *the_bank;

/* ---- deterministic randomness ----------------------------------------- */

static uint64_t rng_state;

/* Replaces libuv's uv_random for the server (codes, tokens, seeds). */
int uv_random(uv_loop_t *loop, uv_random_t *req, void *buf, size_t buflen,
	      unsigned flags, uv_random_cb cb)
{
	uint8_t *p = buf;
	size_t i;

	(void)loop;
	(void)req;
	(void)flags;
	(void)cb;
	for (i = 0; i < buflen; i++) {
		rng_state ^= rng_state << 13;
		rng_state ^= rng_state >> 7;
		rng_state ^= rng_state << 17;
		p[i] = (uint8_t)(rng_state >> 24);
	}
	return 0;
}

/* ---- input reader ------------------------------------------------------ */

struct rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t rd_u8(struct rd *r)
{
	uint8_t v;

	if (!r->n)
		return 0;
	v = *r->p++;
	r->n--;
	return v;
}

static uint16_t rd_u16(struct rd *r)
{
	uint16_t hi = rd_u8(r);

	return (uint16_t)(hi << 8 | rd_u8(r));
}

/* Up to max raw bytes (length from the input) into a NUL-terminated out. */
static void rd_raw(struct rd *r, char *out, size_t max)
{
	size_t n = rd_u8(r) % (max + 1);

	if (n > r->n)
		n = r->n;
	memcpy(out, r->p, n);
	out[n] = '\0';
	r->p += n;
	r->n -= n;
}

/* A string: mostly one of the words, sometimes raw bytes. */
static void rd_str(struct rd *r, char *out, size_t max,
		   const char *const *words, size_t nwords)
{
	uint8_t k = rd_u8(r);

	if (words && k < 200) {
		snprintf(out, max + 1, "%s", words[k % nwords]);
		return;
	}
	rd_raw(r, out, max);
}

/* ---- what the server told us ------------------------------------------- */

struct world {
	struct server *srv;
	struct store *store;
	uv_loop_t loop;
	bool store_woken;
	bool commit_each_op;
	char codes[KNOWN_MAX][16];
	char host_tokens[KNOWN_MAX][40];
	char judge_tokens[KNOWN_MAX][40];
	unsigned ncodes;
	char tokens[KNOWN_MAX][40]; /* resume tokens from Welcome */
	unsigned ntokens;
	char ptokens[KNOWN_MAX][40]; /* person tokens from PracticeReady */
	unsigned nptokens;
	uint64_t ping_t0[FAKE_NET_SLOTS];
	uint32_t q;	       /* the last Question's index */
	unsigned n_options;    /* and its options */
	uint32_t correct_mask; /* its correct options, if known */
	char fill[160];	       /* its accepted answer (FILL) */
	uint32_t player_ids[KNOWN_MAX];
	unsigned nplayers;
	uint64_t frames_out;
};

static struct world W;

static void remember(char (*tab)[40], unsigned *n, const char *s)
{
	if (!s || !s[0] || strlen(s) >= 40)
		return;
	snprintf(tab[*n % KNOWN_MAX], 40, "%s", s);
	(*n)++;
}

/* Finds the bank item a Question shows, to learn the right answer (the
 * options are shuffled: match them by text). */
static void learn_question(const Quiz__V1__Question *q)
{
	size_t i;
	unsigned k, j;

	W.q = q->index;
	W.n_options = (unsigned)q->n_options;
	W.correct_mask = 0;
	W.fill[0] = '\0';
	for (i = 0; i < the_bank->n; i++) {
		const struct item *it = &the_bank->items[i];

		if (strcmp(it->stem, q->stem) != 0)
			continue;
		if (it->kind == ITEM_FILL && it->n_fills)
			snprintf(W.fill, sizeof(W.fill), "%s", it->fills[0]);
		for (k = 0; k < q->n_options; k++)
			for (j = 0; j < it->n_options; j++)
				if ((it->correct_mask & (1u << j)) &&
				    strcmp(it->options[j], q->options[k]) == 0)
					W.correct_mask |= 1u << k;
		return;
	}
}

/* Every frame the server sends must be one whole, decodable envelope. */
static void on_sent(struct conn *c, unsigned slot, const uint8_t *frame,
		    size_t len, void *arg)
{
	const uint8_t *payload;
	size_t plen;
	int64_t r = frame_parse(frame, len, &payload, &plen);
	Quiz__V1__Envelope *env;

	(void)c;
	(void)arg;
	FUZZ_CHECK(r == (int64_t)len, "the server sent a broken frame");
	env = wire_unpack(payload, plen);
	FUZZ_CHECK(env != NULL, "the server sent an undecodable envelope");
	FUZZ_CHECK(env->body_case != QUIZ__V1__ENVELOPE__BODY__NOT_SET,
		   "the server sent an envelope without a body");
	W.frames_out++;
	if (log_enabled(LOG_DEBUG))
		fprintf(stderr, "fuzz: t=%lld slot %u <- %s\n",
			(long long)fake_clock_now(), slot,
			protobuf_c_message_descriptor_get_field(
			    env->base.descriptor, (unsigned)env->body_case)
			    ->name);
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		remember(W.tokens, &W.ntokens, env->welcome->resume_token);
		break;
	case QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED:
		if (strlen(env->room_created->code) < 16 &&
		    strlen(env->room_created->host_token) < 40) {
			unsigned i = W.ncodes % KNOWN_MAX;

			snprintf(W.codes[i], 16, "%s", env->room_created->code);
			snprintf(W.host_tokens[i], 40, "%s",
				 env->room_created->host_token);
			snprintf(W.judge_tokens[i], 40, "%.39s",
				 env->room_created->judge_token);
			W.ncodes++;
		}
		break;
	case QUIZ__V1__ENVELOPE__BODY_JOINED:
		W.player_ids[W.nplayers++ % KNOWN_MAX] = env->joined->player_id;
		break;
	case QUIZ__V1__ENVELOPE__BODY_QUESTION:
		learn_question(env->question);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_READY:
		remember(W.ptokens, &W.nptokens,
			 env->practice_ready->person_token);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PRACTICE_QUESTION:
		FUZZ_CHECK(env->practice_question->question != NULL,
			   "a PracticeQuestion without its Question");
		learn_question(env->practice_question->question);
		break;
	case QUIZ__V1__ENVELOPE__BODY_PING:
		if (slot < FAKE_NET_SLOTS)
			W.ping_t0[slot] = env->ping->t0;
		break;
	default:
		break;
	}
	wire_free(env);
}

static void on_store_wake(void *arg)
{
	(void)arg;
	W.store_woken = true;
}

/* ---- sending requests -------------------------------------------------- */

static struct conn *pick_conn(struct rd *r, unsigned *slot)
{
	unsigned s = rd_u8(r) % FAKE_NET_SLOTS, i;

	for (i = 0; i < FAKE_NET_SLOTS; i++) {
		struct conn *c =
		    fake_net_slot(W.srv->net, (s + i) % FAKE_NET_SLOTS);

		if (c) {
			if (slot)
				*slot = (s + i) % FAKE_NET_SLOTS;
			return c;
		}
	}
	return NULL;
}

/* Packs env and feeds it to c, sometimes in two pieces. */
static void send_env(struct rd *r, struct conn *c, Quiz__V1__Envelope *env)
{
	size_t len;
	uint8_t *buf;
	uint8_t split = rd_u8(r);

	env->seq = rd_u8(r);
	buf = wire_pack(env, &len);
	if (!buf)
		return;
	if (split >= 224 && len > 1) {
		size_t cut = 1 + split % (len - 1);

		fake_net_input(c, buf, cut);
		fake_net_input(c, buf + cut, len - cut);
	} else {
		fake_net_input(c, buf, len);
	}
	free(buf);
}

static const char *const words[] = {
    "alice", "bob",	     "张三",   "ａｌｉｃｅ", "Alice",	 " ",
    "",	     "carol\x1b[2J", "team-a", "team-b",     "党章党规", "x"};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static void op_hello(struct rd *r, struct conn *c)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Hello h = QUIZ__V1__HELLO__INIT;
	static Quiz__V1__RoundFormat formats[] = {
	    QUIZ__V1__ROUND_FORMAT__SPEED, QUIZ__V1__ROUND_FORMAT__REQUIRED,
	    QUIZ__V1__ROUND_FORMAT__BUZZ, QUIZ__V1__ROUND_FORMAT__WAGER};
	char client[80], token[80];
	uint8_t v = rd_u8(r), t = rd_u8(r);

	h.protocol_version = v < 240 ? QUIZ_PROTOCOL_VERSION : v;
	rd_str(r, client, 70, words, NWORDS);
	h.client = client;
	if (t < 100 && W.ntokens)
		snprintf(token, sizeof(token), "%s",
			 W.tokens[t % (W.ntokens < KNOWN_MAX ? W.ntokens
							     : KNOWN_MAX)]);
	else if (t < 200)
		token[0] = '\0';
	else
		rd_raw(r, token, 70);
	h.resume_token = token;
	if (v & 1) { /* a client that plays every round format */
		h.n_formats = sizeof(formats) / sizeof(formats[0]);
		h.formats = formats;
	}
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env.hello = &h;
	send_env(r, c, &env);
}

/* Contests CreateRoom may carry (flag 8): short buzz rounds (oral, and
 * typed fill-in answers for a judge), a judged speed round of fill-in
 * questions, teams. */
static const char *const contests[] = {
    "[contest]\ntitle = F\n"
    "[round.1]\nformat = buzz\ncount = 2\nreading = 1\narm_time = 3\n"
    "time = 3\nrebounds = 1\njudge = oral\n"
    "[round.2]\nformat = speed\ncount = 2\ntime = 3\njudge = fill\n"
    "kinds = fill\n",
    "[contest]\ntitle = G\nteams = team-a, team-b\n"
    "[round.1]\nformat = buzz\ncount = 3\nreading = 1\narm_time = 3\n"
    "time = 3\ntie_ms = 1\nfoul = 0\nrebounds = 2\njudge = fill\n"
    "[round.2]\nformat = turn\ncount = 1\ntime = 3\njudge = fill\n",
};
#define NCONTESTS (sizeof(contests) / sizeof(contests[0]))

static void op_create(struct rd *r, struct conn *c)
{
	static const uint32_t limits[] = {0, 3000, 5000, 2999, 300001};
	static const uint32_t phases[] = {0, 1, 250, 1000, 60001};
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__CreateRoom m = QUIZ__V1__CREATE_ROOM__INIT;
	Quiz__V1__RoomSettings s = QUIZ__V1__ROOM_SETTINGS__INIT;
	Quiz__V1__QuestionKind kinds[5];
	char title[140], category[80];
	uint8_t f = rd_u8(r);

	if (f & 1) {
		s.format = (Quiz__V1__RoundFormat)(rd_u8(r) % 6);
		rd_str(r, title, 130, words, NWORDS);
		s.title = title;
		s.question_count = rd_u8(r) % 8;
		s.time_limit_ms = limits[rd_u8(r) % 5];
		s.points = rd_u8(r) % 4 ? 1000 : rd_u16(r) * 4u;
		s.seed = rd_u8(r);
		s.max_players = rd_u8(r) % 5;
		s.auto_advance = f & 2;
		s.countdown_ms = phases[rd_u8(r) % 5];
		s.reveal_ms = phases[rd_u8(r) % 5];
		s.leaderboard_ms = phases[rd_u8(r) % 5];
		rd_str(r, category, 70, words + 10, 2);
		s.category = (f & 4) ? category : (char *)"";
		s.n_kinds = rd_u8(r) % 3;
		kinds[0] = (Quiz__V1__QuestionKind)(rd_u8(r) % 5);
		kinds[1] = (Quiz__V1__QuestionKind)(rd_u8(r) % 4);
		s.kinds = kinds;
		s.min_difficulty = rd_u8(r) % 5;
		s.max_difficulty = rd_u8(r) % 5;
		m.settings = &s;
	}
	if (f & 8) /* a contest: buzz and judged rounds */
		m.contest = (char *)contests[(f >> 4) % NCONTESTS];
	env.body_case = QUIZ__V1__ENVELOPE__BODY_CREATE_ROOM;
	env.create_room = &m;
	send_env(r, c, &env);
}

/* A code the server gave out (mostly) or made up. */
static void pick_code(struct rd *r, char *out, size_t max)
{
	uint8_t k = rd_u8(r);

	if (W.ncodes && k < 220)
		snprintf(
		    out, max + 1, "%s",
		    W.codes[k % (W.ncodes < KNOWN_MAX ? W.ncodes : KNOWN_MAX)]);
	else
		rd_raw(r, out, max);
}

static void op_join(struct rd *r, struct conn *c)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__JoinRoom m = QUIZ__V1__JOIN_ROOM__INIT;
	char code[40], nick[80], team[80];

	pick_code(r, code, 20);
	rd_str(r, nick, 40, words, NWORDS);
	rd_str(r, team, 40, words + 8, 4);
	m.code = code;
	m.nickname = nick;
	m.team = team;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_JOIN_ROOM;
	env.join_room = &m;
	send_env(r, c, &env);
}

static void op_watch(struct rd *r, struct conn *c)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__WatchRoom m = QUIZ__V1__WATCH_ROOM__INIT;
	char code[40], tok[80], jtok[80];
	uint8_t k = rd_u8(r);
	unsigned n = W.ncodes < KNOWN_MAX ? W.ncodes : KNOWN_MAX;

	pick_code(r, code, 20);
	jtok[0] = '\0';
	if (k < 100 && n)
		snprintf(tok, sizeof(tok), "%s", W.host_tokens[k % n]);
	else if (k < 200)
		tok[0] = '\0';
	else
		rd_raw(r, tok, 70);
	if (k >= 100 && k < 150 && n) /* a judge */
		snprintf(jtok, sizeof(jtok), "%s", W.judge_tokens[k % n]);
	else if (k >= 150 && k < 160)
		rd_raw(r, jtok, 70);
	m.code = code;
	m.host_token = tok;
	m.judge_token = jtok;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_WATCH_ROOM;
	env.watch_room = &m;
	send_env(r, c, &env);
}

static void op_command(struct rd *r, struct conn *c)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__HostCommand m = QUIZ__V1__HOST_COMMAND__INIT;
	uint8_t a = rd_u8(r), p = rd_u8(r);

	m.action = (Quiz__V1__HostCommand__Action)(a % 8);
	if (p < 200 && W.nplayers)
		m.player_id =
		    W.player_ids[p % (W.nplayers < KNOWN_MAX ? W.nplayers
							     : KNOWN_MAX)];
	else
		m.player_id = p;
	env.body_case = QUIZ__V1__ENVELOPE__BODY_HOST_COMMAND;
	env.host_command = &m;
	send_env(r, c, &env);
}

/* An answer to the last question: right, random or malformed. */
static void make_answer(struct rd *r, Quiz__V1__Answer *m, uint32_t *choices,
			char *text)
{
	uint8_t how = rd_u8(r);
	unsigned i;

	m->question_index = how < 230 ? W.q : rd_u8(r);
	m->choices = choices;
	m->n_choices = 0;
	text[0] = '\0';
	m->text = text;
	if (how < 128) { /* the right answer */
		for (i = 0; i < 8; i++)
			if (W.correct_mask & (1u << i))
				choices[m->n_choices++] = i;
		snprintf(text, 160, "%s", W.fill);
	} else if (how < 240) { /* a guess */
		choices[m->n_choices++] =
		    rd_u8(r) % (W.n_options ? W.n_options : 4);
		if (how & 1)
			choices[m->n_choices++] = rd_u8(r) % 9;
		if (how & 2)
			rd_str(r, text, 140, words, NWORDS);
	} else { /* anything */
		m->n_choices = rd_u8(r) % 10;
		for (i = 0; i < m->n_choices; i++)
			choices[i] = rd_u8(r) % 10;
		rd_raw(r, text, 140);
	}
}

static void op_answer(struct rd *r, struct conn *c)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Answer m = QUIZ__V1__ANSWER__INIT;
	uint32_t choices[10];
	char text[160];

	make_answer(r, &m, choices, text);
	env.body_case = QUIZ__V1__ENVELOPE__BODY_ANSWER;
	env.answer = &m;
	send_env(r, c, &env);
}

/* Every connection answers the last question (a crowd at once). */
static void op_crowd(struct rd *r)
{
	unsigned i;

	for (i = 0; i < FAKE_NET_SLOTS; i++) {
		struct conn *c = fake_net_slot(W.srv->net, i);

		if (c)
			op_answer(r, c);
	}
}

static void op_ping(struct rd *r, struct conn *c, unsigned slot)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ping ping = QUIZ__V1__PING__INIT;
	Quiz__V1__Pong pong = QUIZ__V1__PONG__INIT;
	uint8_t k = rd_u8(r);

	if (k & 1) {
		ping.t0 = rd_u16(r);
		env.body_case = QUIZ__V1__ENVELOPE__BODY_PING;
		env.ping = &ping;
	} else {
		pong.t0 = k < 200 ? W.ping_t0[slot] : rd_u16(r);
		pong.t1 = (uint64_t)rd_u16(r) * 1000;
		pong.t2 = pong.t1 + rd_u8(r);
		env.body_case = QUIZ__V1__ENVELOPE__BODY_PONG;
		env.pong = &pong;
	}
	send_env(r, c, &env);
}

/* Practice: PracticeStart (a known person's token, a new person, or
 * fields out of range), PracticeNext or PracticeStatsRequest. */
static void op_practice(struct rd *r, struct conn *c, uint8_t k)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__PracticeStart ps = QUIZ__V1__PRACTICE_START__INIT;
	Quiz__V1__PracticeNext pn = QUIZ__V1__PRACTICE_NEXT__INIT;
	Quiz__V1__PracticeStatsRequest st =
	    QUIZ__V1__PRACTICE_STATS_REQUEST__INIT;
	Quiz__V1__QuestionKind kinds[6];
	char token[80] = "", nick[80], team[80], cat[80];
	uint8_t how;
	unsigned i;

	if (k == 6) {
		env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_NEXT;
		env.practice_next = &pn;
	} else if (k == 7) {
		st.team = rd_u8(r) & 1;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_STATS_REQUEST;
		env.practice_stats_request = &st;
	} else {
		how = rd_u8(r);
		if (how < 90 && W.nptokens)
			snprintf(token, sizeof(token), "%s",
				 W.ptokens[how % (W.nptokens < KNOWN_MAX
						      ? W.nptokens
						      : KNOWN_MAX)]);
		else if (how >= 200)
			rd_raw(r, token, 70);
		rd_str(r, nick, 40, words, NWORDS);
		rd_str(r, team, 70, words, NWORDS);
		rd_str(r, cat, 70, words, NWORDS);
		ps.person_token = token;
		ps.nickname = nick;
		ps.team = team;
		ps.category = how & 1 ? cat : "";
		how = rd_u8(r);
		ps.mode = (Quiz__V1__PracticeMode)(how < 250 ? how & 1 : how);
		ps.time_limit_ms = how & 2 ? 3000 + rd_u16(r) : 0;
		if ((how & 6) == 6)
			ps.time_limit_ms = rd_u16(r) * 10u;
		ps.max_new = how & 8 ? rd_u16(r) % 1100 : 0;
		ps.n_kinds = how & 16 ? rd_u8(r) % 6 : 0;
		for (i = 0; i < ps.n_kinds; i++)
			kinds[i] = (Quiz__V1__QuestionKind)(rd_u8(r) % 5);
		ps.kinds = kinds;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_PRACTICE_START;
		env.practice_start = &ps;
	}
	send_env(r, c, &env);
}

/* A message only the server sends, an envelope without a body, or a
 * press of the buzzer or a verdict (on the last question, mostly), or a
 * practice request. */
static void op_other(struct rd *r, struct conn *c)
{
	Quiz__V1__Envelope env = QUIZ__V1__ENVELOPE__INIT;
	Quiz__V1__Ok ok = QUIZ__V1__OK__INIT;
	Quiz__V1__Kicked kicked = QUIZ__V1__KICKED__INIT;
	Quiz__V1__Buzz buzz = QUIZ__V1__BUZZ__INIT;
	Quiz__V1__Verdict v = QUIZ__V1__VERDICT__INIT;
	uint8_t k = rd_u8(r) % 8;
	uint8_t how;

	if (k >= 5) {
		op_practice(r, c, k);
		return;
	}
	if (k == 1) {
		env.body_case = QUIZ__V1__ENVELOPE__BODY_OK;
		env.ok = &ok;
	} else if (k == 2) {
		env.body_case = QUIZ__V1__ENVELOPE__BODY_KICKED;
		env.kicked = &kicked;
	} else if (k == 3) {
		how = rd_u8(r);
		buzz.question_index = how < 230 ? W.q : rd_u8(r);
		env.body_case = QUIZ__V1__ENVELOPE__BODY_BUZZ;
		env.buzz = &buzz;
	} else if (k == 4) {
		how = rd_u8(r);
		v.question_index = how < 230 ? W.q : rd_u8(r);
		v.item = how & 8 ? rd_u8(r) : how % 3;
		v.correct = how & 1;
		v.rest = (how & 6) == 6;
		env.body_case = QUIZ__V1__ENVELOPE__BODY_VERDICT;
		env.verdict = &v;
	}
	send_env(r, c, &env);
}

/* Bytes as they come: partial frames, bad lengths, garbage. */
static void op_raw(struct rd *r, struct conn *c)
{
	uint8_t buf[300];
	size_t n = rd_u8(r);

	if (n > r->n)
		n = r->n;
	memcpy(buf, r->p, n);
	r->p += n;
	r->n -= n;
	fake_net_input(c, buf, n);
}

static void op_advance(struct rd *r)
{
	uint8_t k = rd_u8(r);
	int64_t d;

	switch (k % 4) {
	case 0:
		d = (int64_t)rd_u8(r) * 1000; /* up to 0.25 s */
		break;
	case 1:
		d = (int64_t)rd_u16(r) * 100; /* up to 6.5 s */
		break;
	case 2:
		d = (int64_t)rd_u8(r) * 1000000; /* up to 4 min */
		break;
	default:
		d = (int64_t)rd_u16(r) * 1000000; /* up to 18 h */
		break;
	}
	fake_clock_advance(d);
}

/* ---- the loop and the invariants --------------------------------------- */

/* Runs the loop until no timer or idle handle is due. */
static void spin(void)
{
	int i;

	for (i = 0; i < LOOP_SPINS; i++) {
		if (W.store_woken) {
			W.store_woken = false;
			hub_store_ready(W.srv->hub);
		}
		uv_run(&W.loop, UV_RUN_NOWAIT);
		fake_net_reap(W.srv->net);
		if (!W.store_woken && uv_backend_timeout(&W.loop) != 0)
			break;
	}
}

static void check_invariants(void)
{
	const struct session *ss;
	struct conn *c;
	uint32_t n = 0;

	for (c = net_conns(W.srv->net); c; c = conn_next(c)) {
		if (!(ss = conn_data(c)))
			continue;
		FUZZ_CHECK(ss->conn == c, "a session not on its connection");
		FUZZ_CHECK(!ss->room || ss->role != ROLE_NONE,
			   "a session in a room without a role");
		FUZZ_CHECK(ss->room || ss->role == ROLE_NONE,
			   "a session with a role but no room");
		FUZZ_CHECK(!ss->room || ss->hello,
			   "a session in a room before its Hello");
		n++;
	}
	FUZZ_CHECK(n == W.srv->nsessions, "the session list and count differ");
	FUZZ_CHECK(W.srv->nsessions == fake_net_announced(W.srv->net),
		   "sessions != connections opened - closed");
	FUZZ_CHECK(hub_room_count(W.srv->hub) <= W.srv->cfg.max_rooms,
		   "more rooms than max_rooms");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *lvl = getenv("FUZZ_LOG");
	struct bank_errors errs;

	(void)argc;
	(void)argv;
	/* errors only unless asked: FUZZ_LOG=debug shows the server's log */
	log_set_level(lvl && log_parse_level(lvl) >= 0
			  ? (enum log_level)log_parse_level(lvl)
			  : LOG_ERROR);
	memset(&errs, 0, sizeof(errs));
	the_bank = bank_new();
	if (!the_bank ||
	    bank_csv_load_dir(QUIZ_DATA_DIR "/bank", the_bank, &errs) < 0 ||
	    the_bank->n == 0) {
		fprintf(stderr, "fuzz_dispatch: cannot load %s/bank\n",
			QUIZ_DATA_DIR);
		abort();
	}
	bank_errors_clear(&errs);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd r = {data, size};
	struct server_config cfg;
	unsigned ops = 0, slot;
	uint8_t mode;

	memset(&W, 0, sizeof(W));
	rng_state = 0x9e3779b97f4a7c15ull;
	fake_clock_set(1000000000);
	fake_clock_enable(true);
	FUZZ_CHECK(uv_loop_init(&W.loop) == 0, "uv_loop_init");
	mode = rd_u8(&r);
	W.commit_each_op = !(mode & 1);
	server_config_default(&cfg);
	cfg.max_conns = 12; /* below FAKE_NET_SLOTS: SERVER_FULL is reached */
	cfg.max_out_bytes = 16 * 1024;
	cfg.max_rooms = 3;
	cfg.room_linger_s = 30;
	W.store = store_open(NULL, on_store_wake, NULL, NULL);
	W.srv = server_new(&W.loop, &cfg, W.store, the_bank);
	fake_net_on_sent(W.srv->net, on_sent, NULL);

	while (r.n && ops++ < MAX_OPS) {
		uint8_t op = rd_u8(&r);
		struct conn *c = NULL;

		slot = 0;
		if (op % 16 >= 1 && op % 16 <= 10)
			c = pick_conn(&r, &slot);
		switch (op % 16) {
		case 0: {
			char peer[24];

			snprintf(peer, sizeof(peer), "10.0.0.%u",
				 rd_u8(&r) % 4);
			fake_net_open(W.srv->net, peer);
			break;
		}
		case 1:
			if (c)
				op_hello(&r, c);
			break;
		case 2:
			if (c)
				op_create(&r, c);
			break;
		case 3:
			if (c)
				op_join(&r, c);
			break;
		case 4:
			if (c)
				op_watch(&r, c);
			break;
		case 5:
			if (c)
				op_command(&r, c);
			break;
		case 6:
			if (c)
				op_answer(&r, c);
			break;
		case 7:
			if (c)
				op_ping(&r, c, slot);
			break;
		case 8:
			if (c)
				op_raw(&r, c);
			break;
		case 9:
			if (c)
				op_other(&r, c);
			break;
		case 10:
			if (c)
				fake_net_hangup(c);
			break;
		case 11:
		case 12:
			op_advance(&r);
			break;
		case 13: {
			uint8_t v = rd_u8(&r);

			/* mostly commits; now and then a storage fault
			 * starts or ends */
			if (v >= 0xf0)
				fake_store_fault(W.store, v & 1, v & 2);
			else
				fake_store_commit(W.store, v % 8 + 1);
			break;
		}
		case 14:
			op_crowd(&r);
			break;
		case 15:
			c = pick_conn(&r, NULL);
			if (c)
				fake_net_stall(c, rd_u8(&r) & 1);
			break;
		}
		fake_net_reap(W.srv->net);
		if (W.commit_each_op)
			fake_store_commit(W.store, SIZE_MAX);
		spin();
		check_invariants();
	}

	/* shut down as quizd does: close, run the loop dry, free */
	fake_store_fault(W.store, false, false);
	fake_store_commit(W.store, SIZE_MAX);
	spin();
	server_close(W.srv);
	uv_run(&W.loop, UV_RUN_DEFAULT);
	server_free(W.srv);
	store_close(W.store);
	FUZZ_CHECK(uv_loop_close(&W.loop) == 0, "a libuv handle was left open");
	fake_clock_enable(false);
	return 0;
}
