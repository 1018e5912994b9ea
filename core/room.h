/* A room: the life cycle of a contest (pure: events and the current time
 * in, effects out). It never reads a clock and never does I/O; it refers
 * to players by id. The server drains the effects after every call and
 * arms one timer at room_timer_at().
 *
 * The room owns the life cycle, pause (a game clock), the commit barrier
 * and the effects. Players, teams and standings live in the roster
 * (core/roster.h); what a question means in a round (who may act, what an
 * input does, what it scores) lives in one format file per round format
 * behind core/format.h. docs/CONTEST.md describes the whole shape.
 *
 * Life: LOBBY -> [round: (WAGER ->) COUNTDOWN -> OPEN -> (JUDGING ->)
 * CLOSED (commit, then reveal) -> LEADERBOARD -> ...] -> ROUND_BREAK ->
 * next round ... -> FINISHED; PAUSED from any running state. A BUZZ
 * question runs its buzzer inside OPEN (reading, armed, answering,
 * judging: struct room_buzz). */
#ifndef QUIZ_ROOM_H
#define QUIZ_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contest.h"
#include "item.h"
#include "quiz_limits.h"
#include "roster.h"

/* Values equal quiz.v1.RoomState. */
enum room_state {
	ROOM_LOBBY = 0,
	ROOM_COUNTDOWN = 1,
	ROOM_OPEN = 2,
	ROOM_CLOSED = 3,
	ROOM_LEADERBOARD = 4,
	ROOM_PAUSED = 5,
	ROOM_FINISHED = 6,
	ROOM_ROUND_BREAK = 7, /* between rounds: team board; host moves on */
	ROOM_WAGER = 8,	      /* WAGER rounds: stakes are picked */
	ROOM_JUDGING = 9,     /* JUDGE_FILL rounds: a judge rules on the typed
				 answers of the closed question before it is
				 booked */
};

/* Why a room is paused; values equal quiz.v1.PauseReason. */
enum room_pause_reason {
	ROOM_PAUSE_HOST = 0,
	ROOM_PAUSE_STORAGE = 1,
	ROOM_PAUSE_RECOVERED = 2, /* rebuilt after a restart (room_recover):
				     waits for the host's RESUME */
};

/* Values equal quiz.v1.HostCommand.Action. */
enum room_cmd {
	CMD_START = 0,
	CMD_NEXT = 1,
	CMD_PAUSE = 2,
	CMD_RESUME = 3,
	CMD_SKIP = 4,
	CMD_KICK = 5,
	CMD_END = 6,
};

#define ROOM_NAME_MAX	   QUIZ_NAME_MAX
#define ROOM_TITLE_MAX	   QUIZ_TITLE_MAX
#define ROOM_TEAMS_MAX	   CONTEST_TEAMS_MAX
#define ROOM_MAX_QUESTIONS 200 /* in a whole contest */
#define ROOM_TOP_N	   10

/* Timings and limits of the room itself (the rounds' own numbers are in
 * the contest). */
struct room_settings {
	char title[ROOM_TITLE_MAX + 1];
	uint64_t seed; /* of every draw in the contest */
	uint32_t max_players;
	bool auto_advance;
	/* SPEED rounds: a question closes as soon as every contestant in
	 * the match has answered, without waiting for its deadline */
	bool close_when_all;
	int64_t countdown_us;
	int64_t reveal_us;
	int64_t leaderboard_us;
	int64_t lead_us;     /* a question is sent this long before reveal_at */
	int64_t comp_cap_us; /* cap on the one-way delay compensation */
	/* the single speed round of a room made without a contest file */
	uint32_t question_count;
	int64_t time_limit_us;
	uint32_t points;
};

/* Fills defaults: 10 questions, 20 s, 1000 points, 3 s countdown, 4 s reveal,
 * 4 s leaderboard, 250 ms lead, 150 ms compensation cap, 10000 players. */
void room_settings_default(struct room_settings *s);
/* Replaces zero fields by defaults and checks ranges. Returns 0 or
 * -QE_BAD_MESSAGE. */
int room_settings_normalize(struct room_settings *s);
/* The contest of a room made without a contest file: one SPEED round of
 * s's count, limit and points drawn from filter's selection, no fixed
 * teams, TEAM_MEAN with base 0, titled s->title ("Quiz" when empty),
 * already normalized (contest_normalize). */
void room_contest_from_settings(struct contest *c,
				const struct room_settings *s,
				const char *category, uint32_t kinds,
				int min_difficulty, int max_difficulty);

/* A drawn question: a bank item with its options in display order. */
struct room_question {
	const struct item *item; /* borrowed: the bank outlives the room */
	uint8_t
	    perm[ITEM_MAX_OPTIONS]; /* display slot i shows options[perm[i]] */
	unsigned n_options;
	uint32_t correct_mask; /* in display order */
	uint32_t round;	       /* index of the round that asks it */
};

/* Marks an answer to a question: checks its shape against the kind (FILL:
 * 1..QUIZ_FILL_MAX bytes of text and no choices; the others: choices in
 * range and no text, one choice unless MULTI) and sets *correct (FILL:
 * item_fill_matches; choices: the display mask equals correct_mask).
 * Returns 0, or -QE_BAD_MESSAGE for a bad shape (*correct untouched).
 * Rooms and the practice round (core/fmt_practice.c) mark with it. */
int room_mark(const struct room_question *qq, uint32_t mask, const char *text,
	      bool *correct);

/* Every input the room accepted, in order: what the event log stores and
 * room_apply() replays. Strings are borrowed and valid until
 * room_effects_clear(). */
enum room_event_kind {
	EV_JOIN = 1,  /* player, nick, team */
	EV_LEAVE = 2, /* player */
	EV_KICK = 3,  /* player */
	EV_PAUSE = 4,
	EV_RESUME = 5,
	EV_SKIP = 6,
	EV_NEXT = 7,
	EV_END = 8,
	EV_ANSWER = 9, /* player, q, choice_mask, text, recv, one_way */
	EV_WAGER = 10, /* player, q, stake */
	EV_START = 11,
	EV_TICK = 12,	/* the room's timer fired */
	EV_COMMIT = 13, /* the store committed q's barrier */
	EV_HOLD = 14,	/* arg = reason */
	EV_RELEASE = 15,
	EV_BUZZ = 16,	 /* player, q, at = recv, one_way, arg = sent_us,
			    arg2 = bound_us (room_buzz) */
	EV_VERDICT = 17, /* q, arg = item (ROOM_VERDICT_REST: the rest as
			    suggested), choice_mask = 1 right / 0 wrong,
			    text = who ruled ("host", "judge") */
	EV_RECOVER = 18, /* room_recover: at = the last committed event's
			    time, arg = 1 the open question was voided */
};

struct room_event {
	uint64_t seq; /* 1, 2, ... in the room */
	enum room_event_kind kind;
	int64_t at_us; /* the now_us (or recv_us) the input came with */
	uint32_t player;
	uint32_t q;
	uint32_t choice_mask;
	int64_t one_way_us;
	int64_t arg;  /* EV_WAGER stake, EV_HOLD reason, EV_ANSWER and
			 EV_BUZZ sent_us, EV_VERDICT item */
	int64_t arg2; /* EV_BUZZ bound_us */
	const char *nick, *team, *text;
};

/* Name of an event kind as stored ("join", "answer", ...); NULL if
 * unknown. room_event_kind_parse is its inverse (0 if unknown). */
const char *room_event_kind_name(enum room_event_kind k);
enum room_event_kind room_event_kind_parse(const char *name);

enum room_effect_kind {
	FX_EVENT,	/* ev: an accepted input, to append to the log */
	FX_ROUND,	/* round begins: questions first_q .. first_q + n - 1
			   were drawn for it (persist them) */
	FX_WAGER_OPEN,	/* q: stakes may be picked until deadline_at
			   (also re-sent on resume) */
	FX_WAGER,	/* a stake was accepted: player, team, stake */
	FX_COUNTDOWN,	/* q, at_us = when the question is revealed */
	FX_QUESTION,	/* q, reveal_at, deadline_at (also re-sent on resume) */
	FX_ANSWER,	/* an accepted answer to persist: player, q, ... */
	FX_CLOSED,	/* q closed and booked (room_player()->last); persist
			   the bookings and a barrier, then room_committed */
	FX_REVEAL,	/* q: broadcast reveal + per-player results */
	FX_LEADERBOARD, /* q: leaderboard (final = finished) */
	FX_ROUND_END,	/* round ended: team board; ROUND_BREAK follows unless
			   it was the last round */
	FX_PAUSED,	/* remaining_us, reason */
	FX_RESUMED,
	FX_KICKED,   /* player */
	FX_FINISHED, /* match over; persist results */
	FX_BUZZ,     /* q: the buzzer changed (room_buzz_view); presses
			u.buzz.first .. first + n - 1 were decided by this
			change (persist them, tell each presser) */
	FX_JUDGE,    /* q: a ruling is awaited or was given
			(room_judge_view): to the host and judges */
	FX_KEY,	     /* q opened in a round with a buzzer or a judge: the
			correct answer to the host and judges */
};

struct room_effect {
	enum room_effect_kind kind;
	uint32_t q;
	uint32_t round;
	union {
		struct room_event ev; /* FX_EVENT */
		struct {	      /* FX_ROUND */
			uint32_t first_q, n;
		} round;
		struct { /* FX_COUNTDOWN, FX_QUESTION, FX_WAGER_OPEN */
			int64_t at_us, reveal_at_us, deadline_at_us;
		} time;
		struct { /* FX_WAGER */
			uint32_t player;
			int team;
			int32_t stake;
		} wager;
		struct { /* FX_ANSWER */
			uint32_t player;
			int64_t recv_us, rt_us;
			int64_t comp_us; /* one-way compensation applied */
			uint32_t choice_mask;
			bool correct;
		} answer;
		struct { /* FX_CLOSED, FX_REVEAL */
			bool voided;
		} closed;
		struct { /* FX_LEADERBOARD */
			bool final;
		} board;
		struct { /* FX_PAUSED */
			int64_t remaining_us;
			enum room_pause_reason reason;
		} paused;
		uint32_t player; /* FX_KICKED */
		struct {	 /* FX_BUZZ */
			uint32_t first, n;
		} buzz;
	} u;
};

/* Who may act on the current question (TURN rounds; everyone otherwise). */
struct room_turn {
	bool restricted; /* false: every contestant may answer */
	int team;	 /* the team whose turn it is, -1 for a contestant */
	uint32_t player; /* the contestant whose turn it is (no teams) */
};

struct room;

/* Creates a room running contest c (normalized; copied) on bank b (the
 * bank outlives the room). host_token authorises host commands. Questions
 * are drawn round by round from s->seed when each round begins, never the
 * same item twice in a match. Returns NULL when c's fixed team list is
 * not valid (roster_fix_teams). */
struct room *room_new(const struct room_settings *s, const struct contest *c,
		      const struct bank *b, const char *host_token);
/* Frees the room. Accepts NULL. */
void room_free(struct room *r);

/* A contestant joins (any state but FINISHED). With a fixed team list the
 * team must be one of it (compared by text_name_key). Returns the new
 * player id (> 0), or -QE_NAME_TAKEN, -QE_ROOM_FULL (players, player
 * slots, or 64 teams in use), -QE_BAD_MESSAGE (bad name or team, or a team
 * not on the fixed list), -QE_BAD_STATE. */
int64_t room_join(struct room *r, int64_t now_us, const char *nick,
		  const char *team);

/* A contestant who left during the LOBBY gives the seat up. Returns 0,
 * -QE_BAD_STATE or -QE_BAD_MESSAGE (unknown id). */
int room_leave(struct room *r, int64_t now_us, uint32_t player_id);

/* A host command. host_token is what the requester presented (NULL for a
 * contestant). arg is the player id for CMD_KICK. NEXT in ROUND_BREAK
 * begins the next round. START is refused (BAD_STATE) when the bank is
 * empty or the contest has no round. Returns 0, -QE_NOT_HOST, -QE_BAD_STATE,
 * -QE_BAD_MESSAGE or -QE_STORAGE_UNAVAILABLE (held). */
int room_command(struct room *r, int64_t now_us, const char *host_token,
		 enum room_cmd cmd, uint32_t arg);

/* A contestant's answer, received at recv_us from a connection whose
 * one-way delay is estimated at one_way_us (see the speed rules in
 * docs/PROTOCOL.md). On success returns 0 and sets *rt_us to the recorded
 * (compensated) response time. Nothing is scored here: points are booked
 * when the question closes. Errors: -QE_BAD_STATE, -QE_TOO_LATE,
 * -QE_ALREADY_ANSWERED (also: the team already answered),
 * -QE_NOT_YOUR_TURN, -QE_BAD_MESSAGE. */
int room_answer(struct room *r, int64_t recv_us, uint32_t player_id, uint32_t q,
		uint32_t choice_mask, const char *text, int64_t one_way_us,
		int64_t *rt_us);

/* A stake for question q of a WAGER round, in ROOM_WAGER. A team's first
 * stake counts (for the whole team); without teams each contestant
 * stakes. Returns 0, -QE_BAD_STATE (no wager open, kicked), -QE_BAD_MESSAGE
 * (not one of the round's stakes, wrong q), -QE_ALREADY_ANSWERED. */
int room_wager(struct room *r, int64_t now_us, uint32_t player_id, uint32_t q,
	       int32_t stake);

/* An answer with the time its question reached the contestant: sent_us
 * is when the server wrote the question to the connection (0: unknown).
 * The response time runs from the later of reveal_at and sent_us + the
 * (capped) one-way delay, so a question that arrived after reveal_at does
 * not cost the contestant the difference (docs/PROTOCOL.md). room_answer
 * is this with sent_us 0. Logged with arg = sent_us. */
struct room_answer_in {
	int64_t recv_us;
	uint32_t player;
	uint32_t q;
	uint32_t choice_mask;
	const char *text;
	int64_t one_way_us;
	int64_t sent_us;
};
int room_answer_in(struct room *r, const struct room_answer_in *in,
		   int64_t *rt_us);

/* 抢答: what became of a press (values equal quiz.v1.PressOutcome). */
enum press_outcome {
	PRESS_PENDING = 0, /* in the tie window, not decided yet */
	PRESS_WON = 1,
	PRESS_SLOWER = 2,  /* in the window, a later compensated time */
	PRESS_LATE = 3,	   /* arrived after the window closed */
	PRESS_FOUL = 4,	   /* before arming: foul, the unit is out */
	PRESS_IGNORED = 5, /* someone was answering, or the unit is out */
};

/* Phases of the buzzer (values equal quiz.v1.BuzzPhase). */
enum buzz_phase {
	BUZZ_READING = 0,
	BUZZ_ARMED = 1,
	BUZZ_ANSWERING = 2,
	BUZZ_JUDGING = 3,
	BUZZ_DONE = 4,
};

/* One press of the buzzer, as the room decided it. */
struct room_press {
	uint64_t seq; /* of its EV_BUZZ */
	uint32_t player;
	int team;     /* the player's team, -1 none */
	uint32_t arm; /* 0: first arming; n: n-th rebound */
	int64_t recv_us;
	int64_t comp_us;  /* one-way compensation applied (capped) */
	int64_t react_us; /* (recv - comp) - the arming as the contestant saw
			     it: max(armed_at, sent_us + comp); < 0: foul */
	int64_t gap_us;	  /* react - the winner's react (SLOWER, LATE) */
	enum press_outcome outcome;
};

/* The buzzer of the open BUZZ question. */
struct room_buzz {
	uint32_t q;
	enum buzz_phase phase;
	uint32_t arm, rebounds_left;
	int64_t armed_at_us;	    /* READING, ARMED */
	int64_t arm_deadline_us;    /* ARMED: no press by then ends it */
	int64_t window_end_us;	    /* ARMED after a press: the decision */
	int64_t answer_deadline_us; /* ANSWERING */
	uint32_t winner;	    /* ANSWERING, JUDGING: 0 none */
	/* every press of the question in arrival order (borrowed, valid
	 * until the next call into the room) */
	const struct room_press *presses;
	size_t npresses;
};

/* A press of the buzzer on question q of a BUZZ round, received at recv_us
 * (kernel time) from a connection whose one-way delay is one_way_us.
 * sent_us: when the server wrote the arming to that connection (the
 * Question, or the BuzzState of a rebound; 0 unknown). bound_us: the
 * largest one-way delay of the room's connected contestants, which keeps
 * the tie window open long enough for a slower link (capped by
 * comp_cap_us). Logged (also a foul, a late or an ignored press: every
 * press is on the record); its outcome comes with FX_BUZZ. Returns 0, or
 * -QE_BAD_STATE (no buzzer open, paused, kicked, not a BUZZ round),
 * -QE_BAD_MESSAGE (q), -QE_ALREADY_ANSWERED (pressed already in this
 * arming: not logged). */
int room_buzz(struct room *r, int64_t recv_us, uint32_t player_id, uint32_t q,
	      int64_t one_way_us, int64_t sent_us, int64_t bound_us);

/* The buzzer of the open question; false when no BUZZ question is open
 * (or paused). */
bool room_buzz_view(const struct room *r, struct room_buzz *out);
/* Whether the host and judges get question q's answer key as it opens
 * (FX_KEY): a round whose format has a buzzer, or one with a judge. */
bool room_question_keyed(const struct room *r, uint32_t q);
/* Whether the player's unit may still press on the open question. */
bool room_buzz_may_press(const struct room *r, uint32_t player_id);
/* The reading time of a question of round cfg (cfg->reading_us, or from
 * the stem length when that is 0). */
int64_t room_buzz_reading_us(const struct round_cfg *cfg,
			     const struct item *it);

/* A ruling on answers awaits a judge: the buzz winner's answer (BUZZ with
 * judge ORAL, or FILL with a fill-in question), or the distinct typed
 * answers of a closed fill-in question (ROOM_JUDGING). */
#define ROOM_JUDGE_ITEMS_MAX 64
#define ROOM_VERDICT_REST    0xFFFFFFFFu
struct room_judge_item {
	uint32_t index;
	const char *text;     /* borrowed; "" for an oral answer or choices */
	uint32_t choice_mask; /* display order */
	uint32_t count;	      /* answers grouped under this text */
	bool suggestion;      /* the automatic match says right */
	uint32_t player;      /* BUZZ: the winner; 0 for a group */
	bool ruled, correct;
};
struct room_judge {
	uint32_t q;
	int64_t since_us;		     /* the ruling is awaited since */
	bool done;			     /* every item ruled */
	const struct room_judge_item *items; /* borrowed, as above */
	size_t nitems;
};
/* false when no ruling is awaited or was given on the current question. */
bool room_judge_view(const struct room *r, struct room_judge *out);

/* A ruling from the host or a judge (the caller checked who): item's
 * answer is right or wrong; item ROOM_VERDICT_REST rules every item not
 * ruled yet as its suggestion. who ("host", "judge") is logged. Returns 0,
 * -QE_BAD_STATE (no ruling awaited), -QE_BAD_MESSAGE (q or item). */
int room_verdict(struct room *r, int64_t now_us, uint32_t q, uint32_t item,
		 bool correct, const char *who);

/* The timer armed at room_timer_at() fired (now_us >= that time). */
void room_tick(struct room *r, int64_t now_us);

/* The store committed everything up to the FX_CLOSED barrier of q: the
 * room reveals it. */
void room_committed(struct room *r, int64_t now_us, uint32_t q);

/* Storage pause (see docs/STORAGE.md): as in issue 7. */
int room_hold(struct room *r, int64_t now_us, enum room_pause_reason reason);
int room_release(struct room *r, int64_t now_us);
bool room_held(const struct room *r);
/* Why a PAUSED room is paused: STORAGE while held, RECOVERED after
 * room_recover until the host resumes, else HOST. */
enum room_pause_reason room_pause_reason(const struct room *r);
/* A PAUSED room: what is left of the frozen phase (as FX_PAUSED told it;
 * -1 for a phase with no clock); -1 when not paused. */
int64_t room_paused_remaining(const struct room *r);

/* The server restarted: a room rebuilt by replaying its logged events
 * (room_apply) is frozen as it was at at_us, the time of the last event
 * that was committed, so an open question keeps the time it had left then
 * and the answers already logged. Logged as EV_RECOVER (replayed like any
 * event), so a match recovered any number of times replays the same.
 *
 * - A running phase (countdown, open question, reveal, leaderboard, stake,
 *   judging, round break) is paused with reason ROOM_PAUSE_RECOVERED; only
 *   the host's RESUME (room_command) restarts it, from at_us's remaining
 *   time (the resume's now may lie in another clock base: a reboot; times
 *   are shifted by now - at_us, which may be negative).
 * - A room already paused by the host stays paused, now with reason
 *   RECOVERED (FX_PAUSED again, with the time it had left at its pause);
 *   a storage hold is dropped (a fresh store starts clean): what it
 *   paused stays paused with reason RECOVERED, except a question closed
 *   and awaiting its commit, which awaits it again (below).
 * - void_open: an open question (or one paused while open, or being
 *   judged) is closed voided instead (FX_CLOSED voided, awaiting its
 *   commit); once room_committed reveals it, the room pauses (RECOVERED)
 *   at the reveal. EV_RECOVER's arg says whether a question was voided.
 * - A question closed and awaiting its commit stays so: its bookings were
 *   committed with the event that closed it, so the caller calls
 *   room_committed(r, now, room_question_index(r)) once EV_RECOVER is
 *   stored (a no-op when no commit is awaited); the room pauses
 *   (RECOVERED) at that reveal.
 * - LOBBY and FINISHED have no clock: nothing is paused (still logged).
 * Returns 0, or -QE_BAD_STATE if at_us is before the time of the room's
 * last logged event (room_last_event_at: the last in log order, which
 * after a reboot may be earlier than events before it). */
int room_recover(struct room *r, int64_t at_us, bool void_open);
/* Time of the last event the room logged (0 before any). */
int64_t room_last_event_at(const struct room *r);

/* Replays one logged event (FX_EVENT of an earlier run) through the entry
 * point that accepted it. Returns what that entry point returned. Replaying
 * a match's events in order into a room made from the same settings,
 * contest, bank and host token rebuilds the same state and scores. */
int room_apply(struct room *r, const struct room_event *ev);

/* When room_tick must be called next, or 0 for no timer. */
int64_t room_timer_at(const struct room *r);

/* Effects produced since the last room_effects_clear(). */
const struct room_effect *room_effects(const struct room *r, size_t *n);
void room_effects_clear(struct room *r);

/* Read-only views for building messages. */
enum room_state room_state(const struct room *r);
/* Whether the current question's reveal was made and the room is still
 * at it: CLOSED after the commit (or PAUSED from there). What a connection
 * that arrives then is shown. */
bool room_revealed(const struct room *r);
/* Whether question q's reveal was made (the last one made, at any time
 * since the room began, replays and rebuilds included). */
bool room_question_revealed(const struct room *r, uint32_t q);
/* The state a PAUSED room will return to. */
enum room_state room_paused_from(const struct room *r);
const struct room_settings *room_settings(const struct room *r);
const struct contest *room_contest(const struct room *r);
uint32_t room_round_index(const struct room *r); /* current or next */
/* Index of the current (or next) question in the whole match. */
uint32_t room_question_index(const struct room *r);
/* Questions drawn so far (grows as rounds begin). */
uint32_t room_question_count(const struct room *r);
/* The question's number within its round (0-based) and the round's size. */
uint32_t room_question_in_round(const struct room *r, uint32_t q,
				uint32_t *round_size);
const struct room_question *room_question(const struct room *r, uint32_t q);
/* reveal_at/deadline_at of the current question (0 if none); in WAGER the
 * deadline is that of the stake. */
int64_t room_reveal_at(const struct room *r);
int64_t room_deadline_at(const struct room *r);
bool room_question_voided(const struct room *r);
/* Who may answer the current question. */
void room_turn(const struct room *r, struct room_turn *out);
/* The stake of a team (or of a contestant when team < 0) on the current
 * WAGER question; 0 if none picked yet. */
int32_t room_stake(const struct room *r, int team, uint32_t player);

/* Players and teams: see core/roster.h. */
const struct roster *room_roster(const struct room *r);
/* roster_team_board with the contest's scoring and base. */
size_t room_team_board(const struct room *r, struct team_standing *out,
		       size_t max);
size_t room_player_slots(const struct room *r);
const struct room_player *room_player(const struct room *r, uint32_t id);
/* Whether the close of question q booked something for the player (its
 * room_player()->last): a bookings row is kept for it. Not for a kicked
 * player, nor one who neither answered nor had points moved. */
bool room_player_booked(const struct room_player *pl, uint32_t q);
uint32_t room_player_count(const struct room *r); /* joined, not kicked */

/* Live progress of the open question: answered count and per-option
 * distribution (dist has ITEM_MAX_OPTIONS entries). Returns answered. */
uint32_t room_progress(const struct room *r, uint32_t *dist);
/* Contestants who may still answer the open question: the first max ids
 * in join order, and how many in all. */
uint32_t room_waiting(const struct room *r, uint32_t *ids, size_t max);
bool room_lobby_dirty(const struct room *r);
bool room_progress_dirty(const struct room *r);
void room_clear_dirty(struct room *r, bool lobby, bool progress);

#endif
