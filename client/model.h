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
#define MODEL_TEAM_NAME	  (QUIZ_TEAM_MAX + 1) /* a team name (bytes, NUL) */
#define MODEL_ROUNDS_MAX  16 /* rounds of a contest (CONTEST_ROUNDS_MAX) */
#define MODEL_STAKES_MAX  8  /* stakes of a wager round */
#define MODEL_MEMBERS_MAX 5  /* best members named on the final team board */
#define MODEL_PRESSES_MAX 16 /* presses of a buzz question (BuzzState) */
#define MODEL_OUT_MAX	  16 /* teams locked out of a buzz question */
#define MODEL_ITEMS_MAX	  64 /* items of a JudgeRequest */

/* typed fill-in answer (bytes, protocol limit) */
#define MODEL_FILL_MAX QUIZ_FILL_MAX

/* MODE_JUDGE: `quiz judge`, a screen that may rule (Watching.judge). */
enum model_mode { MODE_JOIN, MODE_HOST, MODE_SCREEN, MODE_JUDGE };

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
	PHASE_ROUND_BREAK, /* between two rounds: the team board */
	PHASE_WAGER,	   /* 风险: teams pick their stakes */
	PHASE_JUDGING,	   /* a judge rules on the typed answers */
};

/* quiz.v1.RoundFormat values (the model keeps them as ints). */
enum {
	MODEL_FMT_SPEED = 0,
	MODEL_FMT_REQUIRED = 1,
	MODEL_FMT_BUZZ = 2,
	MODEL_FMT_WAGER = 3,
	MODEL_FMT_PRACTICE = 4,
};

struct model_standing {
	uint32_t rank, player_id, correct;
	bool tied; /* another standing shown has the same rank (并列) */
	int64_t score;
	uint64_t total_time_us;
	char nick[MODEL_NAME_MAX];
	char team[MODEL_TEAM_NAME];
};

struct model_team {
	char name[MODEL_TEAM_NAME];
	uint32_t players;
	int64_t score;
};

/* quiz.v1.JudgeMode, BuzzPhase and PressOutcome values. */
enum { MODEL_JUDGE_AUTO = 0, MODEL_JUDGE_ORAL = 1, MODEL_JUDGE_FILL = 2 };
enum {
	MODEL_BUZZ_READING = 0,
	MODEL_BUZZ_ARMED = 1,
	MODEL_BUZZ_ANSWERING = 2,
	MODEL_BUZZ_JUDGING = 3,
	MODEL_BUZZ_DONE = 4,
};
enum {
	MODEL_PRESS_PENDING = 0,
	MODEL_PRESS_WON = 1,
	MODEL_PRESS_SLOWER = 2,
	MODEL_PRESS_LATE = 3,
	MODEL_PRESS_FOUL = 4,
	MODEL_PRESS_IGNORED = 5,
};

/* quiz.v1.PauseReason values. */
enum {
	MODEL_PAUSE_HOST = 0,
	MODEL_PAUSE_STORAGE = 1,
	MODEL_PAUSE_RECOVERED =
	    2, /* the server restarted: waits for the host */
};

/* One round of the contest (RoundInfo). */
struct model_round {
	int format; /* MODEL_FMT_* (an unknown value is kept: shown as such) */
	char name[QUIZ_TITLE_MAX + 1];
	uint32_t questions; /* 0 until the round begins */
	uint32_t time_limit_ms, wager_ms, first_question;
	int32_t points, penalty;
	uint32_t stakes[MODEL_STAKES_MAX];
	unsigned n_stakes;
	/* BUZZ (抢答): reading (0: from the stem), arm and tie times, foul
	 * points, rebounds; any format: who marks (MODEL_JUDGE_*) */
	uint32_t reading_ms, arm_ms, tie_ms, rebounds;
	int32_t foul;
	int judge;
};

/* One press of the buzzer as the server decided it (Press). */
struct model_press {
	uint32_t player_id, arm, one_way_us;
	int outcome; /* MODEL_PRESS_* */
	int64_t gap_us, react_us;
	char nick[MODEL_NAME_MAX];
	char team[MODEL_TEAM_NAME];
};

/* One answer (or group of equal answers) awaiting a judge (JudgeItem). */
struct model_judge_item {
	uint32_t index, count, player_id;
	uint32_t choices; /* mask of the chosen options */
	bool suggestion, ruled, correct;
	char text[MODEL_OPTION_MAX];
	char nick[MODEL_NAME_MAX];
	char team[MODEL_TEAM_NAME];
};

/* One team on a board (TeamStanding). */
struct model_team_row {
	uint32_t rank, members, stake;
	bool tied; /* another team on the board has the same rank */
	int64_t score, points, last_delta;
	char name[MODEL_TEAM_NAME];
	char top[MODEL_MEMBERS_MAX][MODEL_NAME_MAX]; /* final board */
	unsigned n_top;
};

/* A team board (TeamBoard): in the Reveal, the Leaderboard, the RoundEnd. */
struct model_board {
	bool have;
	int scoring; /* quiz.v1.TeamScoring: 0 mean, 1 sum */
	int64_t base;
	struct model_team_row rows[MODEL_TEAMS_MAX];
	unsigned n;
};

#define MODEL_JOIN_ADDRS 4   /* join addresses kept for the host's hint */
#define MODEL_ROSTER_MAX 200 /* contestants named by LobbyUpdate.roster */

/* A contestant on the host's roster and the screens' lobby. */
struct model_member {
	uint32_t id;
	char nick[MODEL_NAME_MAX];
	char team[MODEL_TEAM_NAME];
	bool online;
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
	char team[MODEL_TEAM_NAME]; /* this contestant's team ("" none) */

	/* the contest (ContestInfo): its rounds and how teams score */
	bool contest;
	int scoring;
	int64_t team_base;
	struct model_round rounds[MODEL_ROUNDS_MAX];
	unsigned n_rounds;
	unsigned n_fixed_teams; /* the contest's fixed team list (0: free) */

	/* the current round (RoundStart, Joined.round, Question.round) */
	bool have_round;
	uint32_t round;		/* 0-based */
	uint32_t rounds_total;	/* rounds of the match (RoundStart.rounds) */
	struct model_round cur; /* its RoundInfo */
	/* the last round that ended (RoundEnd): the break shows it until the
	 * next round's first countdown or wager phase */
	bool round_ended;
	uint32_t ended_round;

	/* whose turn (Turn, Question.turn): 必答 */
	bool have_turn;
	uint32_t turn_q; /* the question it is for */
	char turn_team[MODEL_TEAM_NAME];
	uint32_t turn_pid;
	char turn_nick[MODEL_NAME_MAX];
	uint32_t turn_no, turns;
	bool turn_refused; /* NOT_YOUR_TURN came back for this question */

	/* the wager phase (WagerRequest, WagerAck): 风险 */
	bool have_wager;
	uint32_t wager_q, wager_round;
	uint32_t stakes[MODEL_STAKES_MAX];
	unsigned n_stakes;
	uint64_t wager_deadline; /* local */
	char wager_category[MODEL_NAME_MAX];
	uint32_t wager_sent;   /* stake sent, not yet acknowledged (0 none) */
	uint32_t wager_stake;  /* stake confirmed by WagerAck (0 none) */
	uint32_t wager_by_pid; /* who picked it */
	char wager_by[MODEL_NAME_MAX];

	/* lobby */
	uint32_t players;
	/* host and screens: who is in the match (join order; the latest
	 * MODEL_ROSTER_MAX) */
	struct model_member roster[MODEL_ROSTER_MAX];
	unsigned n_roster;
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
	uint32_t q_round, q_round_index, q_round_count; /* 0 count: no round */
	uint32_t q_stake; /* WAGER: my team's stake (0 none) */

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
	uint32_t offline;	/* contestants with no connection (not in
				   waiting) */
	char waiting[MODEL_MISSING_MAX][MODEL_NAME_MAX]; /* the first of them */
	unsigned n_waiting;

	/* reveal */
	uint32_t correct_mask;
	bool voided;
	char explanation[MODEL_TEXT_MAX];
	char correct_text[MODEL_OPTION_MAX];
	unsigned expl_top; /* the explanation's first line shown (scrolled) */

	/* this contestant's result (the final Leaderboard sets have_result,
	 * r_rank and r_total when it names this contestant) */
	bool have_result;
	bool r_answered, r_correct;
	uint32_t r_points, r_rt_us, r_rank;
	int64_t r_total;
	int64_t r_delta;      /* signed points booked */
	uint32_t r_stake;     /* WAGER: the stake booked */
	bool r_team_answered; /* someone in my team answered */

	/* the team board of the last Reveal, Leaderboard or RoundEnd */
	struct model_board board;

	/* leaderboard */
	struct model_standing top[MODEL_TOP_MAX];
	unsigned n_top;
	bool final;

	/* pause */
	uint64_t paused_remaining_us;
	int pause_reason; /* quiz.v1.PauseReason: MODEL_PAUSE_* */

	/* the server said it stops (Error SHUTTING_DOWN): "server
	 * restarting" until the next Welcome */
	bool restarting;
	/* HostStatus{connected = false}: the room has no host connection
	 * (contestants and screens; cleared by HostStatus{true}) */
	bool host_away;

	/* 抢答 (BUZZ): the buzzer of the question on screen (Question
	 * .armed_at_us, BuzzState; times local) */
	bool q_buzz;	/* the question on screen has a buzzer */
	bool have_buzz; /* a BuzzState for it came */
	int buzz_phase; /* MODEL_BUZZ_* as the server said */
	uint32_t buzz_arm, rebounds_left;
	uint64_t armed_at, arm_deadline, answer_deadline;
	uint64_t
	    buzz_since; /* when the phase last changed (BuzzState.sent_at) */
	uint32_t winner_id;
	char winner_nick[MODEL_NAME_MAX];
	char winner_team[MODEL_TEAM_NAME];
	struct model_press presses[MODEL_PRESSES_MAX];
	unsigned n_presses;
	char out[MODEL_OUT_MAX][MODEL_TEAM_NAME]; /* locked out */
	unsigned n_out;
	/* my press: sent in arming buzz_sent_arm at local buzz_sent_at (the
	 * local 已按下), then what the server decided (BuzzResult) */
	bool buzz_sent;
	uint32_t buzz_sent_arm;
	uint64_t buzz_sent_at;
	bool have_my_press;
	struct model_press my_press;

	/* judges (host, `quiz judge`): AnswerKey and JudgeRequest */
	bool judge; /* may send Verdict: the host, or Watching.judge */
	char judge_token[QUIZ_TOKEN_INPUT_MAX + 1]; /* RoomCreated */
	/* host: where contestants connect (RoomCreated / Watching
	 * join_addresses: HOST:PORT each) */
	char join_addrs[MODEL_JOIN_ADDRS][64];
	unsigned n_join_addrs;
	bool have_key;
	uint32_t key_q;
	uint32_t key_mask; /* the correct options */
	char key_text[MODEL_OPTION_MAX];
	char key_expl[MODEL_TEXT_MAX];
	bool have_jreq;
	uint32_t jreq_q, jreq_round;
	uint32_t jreq_mask; /* the correct options (JudgeRequest.correct) */
	char jreq_text[MODEL_OPTION_MAX];
	uint64_t jreq_since; /* local */
	bool jreq_done;
	struct model_judge_item items[MODEL_ITEMS_MAX];
	unsigned n_items;
	unsigned item_cursor; /* the item the keys rule */
	/* the verdict on its way (MODEL_VERDICT): item, or rest */
	bool verdict_sent, verdict_rest, verdict_correct;
	uint32_t verdict_item;
	/* state JUDGING: since when (local, StateChange.at_us) */
	uint64_t judging_since;

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
	MODEL_WAGER = 1 << 3,	/* a stake was picked: send model_wager() */
	MODEL_BUZZ = 1 << 4,	/* the buzzer was pressed: send model_buzz() */
	MODEL_VERDICT = 1 << 5, /* a ruling was keyed: send model_verdict() */
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
 * ALREADY_ANSWERED keep it locked). A buzz press not decided yet when its
 * Question is re-sent may be pressed again (it may have been lost). */
int model_apply(struct model *m, const Quiz__V1__Envelope *env,
		model_to_local_fn to_local, void *arg);

/* Connection events. An Error SHUTTING_DOWN sets m->restarting, which
 * stays through CONN_RECONNECTING until a Welcome. */
void model_set_conn(struct model *m, enum model_conn c);

/* The contestant's team as given to JoinRoom (NULL or "": none); turns
 * and wagers are matched against it (by text_name_key). */
void model_set_team(struct model *m, const char *team);

/* The phase to draw at local time now: QUESTION is only shown from
 * reveal_at on (before that the countdown stays on screen). */
enum model_phase model_phase_at(const struct model *m, uint64_t now);

/* Fraction of the question's time left at now, 0..1000 (per mille), for the
 * countdown bar; 0 outside a question. */
unsigned model_time_left_pm(const struct model *m, uint64_t now);

/* Whether the open question is this contestant's to answer: true without
 * a turn (every format but 必答), else when the turn is my team's (or,
 * without teams, mine) and the server did not refuse it. */
bool model_my_turn(const struct model *m);

/* Whether team is this contestant's team (by text_name_key). */
bool model_is_my_team(const struct model *m, const char *team);

/* Fraction of the wager time left at now, per mille (0 outside WAGER). */
unsigned model_wager_left_pm(const struct model *m, uint64_t now);

/* The 1-based number of match question q within the current round, and
 * the round's question count, in *i and *n; the match numbering
 * (q + 1 of q_count) when the round is not known. */
void model_round_pos(const struct model *m, uint32_t q, uint32_t *i,
		     uint32_t *n);

/* Contestant at the reveal: scrolls the explanation by delta lines (up
 * when negative), kept within [0, max], max being the lines that did not
 * fit on the screen (ui_expl_overflow()). Returns MODEL_REDRAW when it
 * moved, else 0. */
int model_scroll(struct model *m, int delta, unsigned max);

/* Contestant input during a question: key is an option letter/digit
 * ('a'..'h', 'A'..'H', '1'..'8'), ' ' to toggle in multi-select, '\n' to
 * confirm. Returns MODEL_* flags (MODEL_ANSWER when the answer is to be
 * sent now: single/true-false lock on the key itself, multi on Enter).
 * MODEL_KEY_UP/DOWN move the cursor: ' ' toggles the cursor's option
 * (multi), Enter locks it (single/true-false, once the cursor was moved).
 * '\r' counts as Enter. Keys do nothing outside the QUESTION phase at now,
 * after deadline_at, once locked, when it is not my turn
 * (model_my_turn), or in host/screen mode. In the WAGER phase '1'..'8'
 * pick the stake of that number (MODEL_WAGER: send model_wager()) until
 * the deadline, unless a stake is confirmed or one is on its way. */
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

/* Builds the Wager for the stake picked (wager_sent). Returns 0, or -1
 * when none is on its way. */
int model_wager(const struct model *m, Quiz__V1__Wager *w);

/* 抢答: the buzzer's phase at local time now: the server's, except that
 * READING and ARMED follow armed_at on the local clock: READING before it,
 * ARMED from it (every screen shows "抢答!" at the same instant; a rebound
 * comes as ARMED with armed_at 250 ms ahead). -1 when the question on
 * screen has no buzzer. */
int model_buzz_phase_at(const struct model *m, uint64_t now);

/* Whether this contestant answers the buzz question on screen now: the
 * winner, in ANSWERING, the round not oral. */
bool model_buzz_answering(const struct model *m);

/* Whether my team (or I, without a team) is locked out of the buzz
 * question (BuzzState.locked_out). */
bool model_buzz_out(const struct model *m);

/* The press to tell this contestant about: BuzzResult, or my press in the
 * BuzzState's list, of the current arming. NULL when none. */
const struct model_press *model_my_press(const struct model *m);

/* Contestant: the space bar in a buzz question. Sends (MODEL_BUZZ) once
 * per arming from the question's reveal on, even before armed_at (the
 * server calls the foul), unless the question is over or my team is
 * locked out. Returns MODEL_* flags. model_key() calls it for ' ' unless
 * this contestant is answering. */
int model_buzz_press(struct model *m, uint64_t now);

/* Builds the Buzz for the press sent. Returns 0, or -1 when none. */
int model_buzz(const struct model *m, Quiz__V1__Buzz *b);

/* Whether a ruling is awaited from this connection on the question on
 * screen (a JudgeRequest not done, and this model may judge). */
bool model_judge_open(const struct model *m);

/* Judge keys while model_judge_open(): MODEL_KEY_UP/DOWN pick an item;
 * 'y' or '1' rule it right, 'w' or '0' wrong ('n' too in MODE_JUDGE: the
 * host's n is "next"); 'a' rules every item not ruled as its suggestion
 * (Verdict.rest). One verdict at a time: keys wait for the server's
 * answer (JudgeRequest, Ok or Error). Returns MODEL_* flags (MODEL_VERDICT:
 * send model_verdict()); 0 for a key it does not take. */
int model_judge_key(struct model *m, int key);

/* Builds the Verdict keyed. Returns 0, or -1 when none is on its way. */
int model_verdict(const struct model *m, Quiz__V1__Verdict *v);

/* The reply to the verdict came (Ok): the keys rule again. */
void model_verdict_done(struct model *m);

/* An English sentence for a refusal (quiz.v1.ErrorCode, e.g. error_code),
 * marked for translation but not translated: the UI shows
 * _(model_error_text(code)) so the status line follows LANG whatever
 * language the server's Error.message is in. Never NULL. */
const char *model_error_text(int code);

#endif
