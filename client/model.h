/* The terminal client's model: everything a screen shows, built from the
 * protocol messages alone. No curses, no sockets: the UI draws from it and
 * it is unit-tested by feeding it envelopes. Times are the client's local
 * monotonic microseconds; the caller converts server times with its clock
 * sync (the to_local callback) when it applies a message. */
#ifndef QUIZ_MODEL_H
#define QUIZ_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "quiz.pb-c.h"
#include "quiz_limits.h"

#define MODEL_TEXT_MAX	  1024 /* stem, explanation */
#define MODEL_NAME_MAX	  64   /* nickname, team, title (bytes, with NUL) */
#define MODEL_OPTIONS_MAX 8
#define MODEL_OPTION_MAX  256
#define MODEL_TOP_MAX	  10
#define MODEL_TEAMS_MAX	  64
#define MODEL_MISSING_MAX 32 /* host panel: who has not answered yet */

/* typed fill-in answer (bytes, protocol limit) */
#define MODEL_FILL_MAX QUIZ_FILL_MAX

enum model_mode { MODE_JOIN, MODE_HOST, MODE_SCREEN };

enum model_conn {
	CONN_CONNECTING,
	CONN_ONLINE,
	CONN_RECONNECTING,
	CONN_CLOSED, /* given up, kicked, or refused */
};

/* What the screen is about (derived from the room state and messages). */
enum model_phase {
	PHASE_CONNECTING,
	PHASE_LOBBY,
	PHASE_COUNTDOWN,
	PHASE_QUESTION, /* between reveal_at and the reveal */
	PHASE_REVEAL,
	PHASE_LEADERBOARD,
	PHASE_PAUSED,
	PHASE_FINISHED,
	PHASE_KICKED,
};

struct model_standing {
	uint32_t rank, player_id, correct;
	int64_t score;
	uint64_t total_time_us;
	char nick[MODEL_NAME_MAX];
	char team[MODEL_NAME_MAX];
};

struct model_team {
	char name[MODEL_NAME_MAX];
	uint32_t players;
	int64_t score;
};

struct model {
	enum model_mode mode;
	enum model_conn conn;
	enum model_phase phase;
	enum model_phase phase_before_pause;
	char code[QUIZ_CODE_INPUT_MAX + 1];
	char host_token[QUIZ_TOKEN_BUF];
	char nick[MODEL_NAME_MAX];
	char title[MODEL_NAME_MAX * 2];
	uint32_t player_id;
	uint32_t time_limit_ms, points, question_count;

	/* lobby */
	uint32_t players;
	struct model_team teams[MODEL_TEAMS_MAX];
	unsigned n_teams;

	/* countdown */
	uint32_t next_q;
	uint64_t countdown_to; /* local time of the next reveal */

	/* the current question */
	bool have_q;
	uint32_t q, q_count;
	int kind; /* quiz.v1.QuestionKind */
	char stem[MODEL_TEXT_MAX];
	char category[MODEL_NAME_MAX];
	char options[MODEL_OPTIONS_MAX][MODEL_OPTION_MAX];
	unsigned n_options;
	uint64_t reveal_at, deadline_at; /* local */
	uint32_t q_points, q_limit_ms;

	/* this contestant's answer */
	uint32_t selected; /* mask being composed (multi) or cursor choice */
	unsigned cursor;   /* highlighted option (MODEL_KEY_UP/DOWN) */
	bool cursor_on;	   /* the cursor was moved: Enter takes it (single) */
	bool locked;	   /* sent */
	uint32_t locked_mask;
	char fill[MODEL_OPTION_MAX]; /* typed text (fill-in) */
	bool acked;
	uint32_t ack_rt_us;

	/* host/screen live progress */
	uint32_t answered;
	uint32_t dist[MODEL_OPTIONS_MAX];
	unsigned n_dist;	/* entries of dist sent (FILL reveal: 2) */
	uint32_t waiting_count; /* contestants who have not answered yet */
	char waiting[MODEL_MISSING_MAX][MODEL_NAME_MAX]; /* the first of them */
	unsigned n_waiting;

	/* reveal */
	uint32_t correct_mask;
	bool voided;
	char explanation[MODEL_TEXT_MAX];
	char correct_text[MODEL_OPTION_MAX];

	/* this contestant's result */
	bool have_result;
	bool r_answered, r_correct;
	uint32_t r_points, r_rt_us, r_rank;
	int64_t r_total;

	/* leaderboard */
	struct model_standing top[MODEL_TOP_MAX];
	unsigned n_top;
	bool final;

	/* pause */
	uint64_t paused_remaining_us;
	int pause_reason; /* quiz.v1.PauseReason: 0 host, 1 storage */

	/* the last refusal, shown in the status line */
	char error[160];
	int error_code;
};

/* Starts a model for a mode; nick may be NULL (host, screen). */
void model_init(struct model *m, enum model_mode mode, const char *nick);

/* Converts a server time to the client's local clock. */
typedef uint64_t (*model_to_local_fn)(void *arg, uint64_t server_us);

/* Flags returned by model_apply and the input handlers. */
enum {
	MODEL_REDRAW = 1 << 0, /* something visible changed */
	MODEL_ANSWER = 1 << 1, /* the input handler locked an answer: send it */
	MODEL_QUIT = 1 << 2,
};

/* Keys for model_key besides characters (above any Unicode code point):
 * the UI maps KEY_UP/KEY_DOWN to these. */
enum {
	MODEL_KEY_UP = 0x110000,
	MODEL_KEY_DOWN,
};

/* Applies one received envelope. Returns MODEL_* flags. Every string is
 * copied (truncated to fit, never past a UTF-8 boundary), counts are
 * clamped to the arrays: a hostile server cannot overrun the model.
 * MODEL_ANSWER comes back when a Question is re-sent (resume, reconnect)
 * while this contestant's answer is locked but was never acknowledged:
 * send model_answer() again. An Error BAD_STATE, BAD_MESSAGE, RATE_LIMITED
 * or INTERNAL during a question whose answer is locked but unacknowledged
 * unlocks it, so the contestant can answer again (TOO_LATE and
 * ALREADY_ANSWERED keep it locked). */
int model_apply(struct model *m, const Quiz__V1__Envelope *env,
		model_to_local_fn to_local, void *arg);

/* Connection events. */
void model_set_conn(struct model *m, enum model_conn c);

/* The phase to draw at local time now: QUESTION is only shown from
 * reveal_at on (before that the countdown stays on screen). */
enum model_phase model_phase_at(const struct model *m, uint64_t now);

/* Fraction of the question's time left at now, 0..1000 (per mille), for the
 * countdown bar; 0 outside a question. */
unsigned model_time_left_pm(const struct model *m, uint64_t now);

/* Contestant input during a question: key is an option letter/digit
 * ('a'..'h', 'A'..'H', '1'..'8'), ' ' to toggle in multi-select, '\n' to
 * confirm. Returns MODEL_* flags (MODEL_ANSWER when the answer is to be
 * sent now: single/true-false lock on the key itself, multi on Enter).
 * MODEL_KEY_UP/DOWN move the cursor: ' ' toggles the cursor's option
 * (multi), Enter locks it (single/true-false, once the cursor was moved).
 * '\r' counts as Enter. Keys do nothing outside the QUESTION phase at now,
 * after deadline_at, once locked, or in host/screen mode. */
int model_key(struct model *m, int key, uint64_t now);
/* Fill-in text editing: append one UTF-8 character / delete the last.
 * Input is refused (0 returned) when it is not valid UTF-8, holds a control
 * character, would pass MODEL_FILL_MAX bytes, or the question is not an
 * open, unlocked fill-in. Return MODEL_REDRAW when the text changed. */
int model_fill_input(struct model *m, const char *utf8_char);
int model_fill_backspace(struct model *m);

/* Builds the Answer for the locked choice into a (choices must hold
 * MODEL_OPTIONS_MAX). a->choices points at choices and a->text at m->fill:
 * pack a before m changes. Returns 0, or -1 when nothing is locked. */
int model_answer(const struct model *m, Quiz__V1__Answer *a, uint32_t *choices);

/* An English sentence for a refusal (quiz.v1.ErrorCode, e.g. error_code),
 * marked for translation but not translated: the UI shows
 * _(model_error_text(code)) so the status line follows LANG whatever
 * language the server's Error.message is in. Never NULL. */
const char *model_error_text(int code);

#endif
