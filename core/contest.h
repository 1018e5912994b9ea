/* A contest: a title, how team scores are formed, an optional fixed list of
 * teams, and a sequence of rounds, each with its own format, question
 * selection, timings and points (pure data; docs/CONTEST.md). A room
 * without a contest file runs a contest of one speed round built from its
 * RoomSettings (contest_from_settings). */
#ifndef QUIZ_CONTEST_H
#define QUIZ_CONTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "item.h"
#include "quiz_limits.h"

/* Values equal quiz.v1.RoundFormat. */
enum round_format {
	FMT_SPEED = 0,	  /* points by correctness and speed */
	FMT_TURN = 1,	  /* 必答: teams (or contestants) answer in turn */
	FMT_BUZZ = 2,	  /* 抢答: the buzzer (fmt_buzz.c) */
	FMT_WAGER = 3,	  /* 风险: stake, then answer; +/- stake */
	FMT_PRACTICE = 4, /* reserved for the practice issue */
	FMT_COUNT
};

/* Values equal quiz.v1.TeamScoring. */
enum team_scoring {
	TEAM_MEAN = 0, /* base + mean of the members' points */
	TEAM_SUM = 1,  /* base + sum of the members' points */
};

#define CONTEST_ROUNDS_MAX 16
#define CONTEST_STAKES_MAX 8
#define CONTEST_IDS_MAX	   200 /* explicit item ids in a contest, all rounds */
#define CONTEST_TEAMS_MAX  64  /* fixed teams; also a room's team limit */
#define CONTEST_TEXT_MAX                                                       \
	32768 /* bytes of a contest file sent in                               \
		      CreateRoom.contest */
#define CONTEST_ITEM_ID_MAX 32

/* Values equal quiz.v1.JudgeMode: who marks a round's answers. */
enum judge_mode {
	JUDGE_AUTO = 0, /* the server (fill-in: the CJK-normalised match) */
	JUDGE_ORAL = 1, /* BUZZ only: the winner answers aloud, a judge rules */
	JUDGE_FILL = 2, /* fill-in answers are ruled by a judge (the match
			   is shown as a suggestion); choices stay automatic */
};

/* Bits of round_cfg.given: fields whose zero is a value, not "default"
 * (a contest file or a match definition set them). */
#define RC_GIVEN_PENALTY  (1u << 0)
#define RC_GIVEN_FOUL	  (1u << 1)
#define RC_GIVEN_REBOUNDS (1u << 2)

/* One round. Zero fields take the format's defaults in contest_normalize
 * (but for those marked in given).
 */
struct round_cfg {
	char name[QUIZ_TITLE_MAX + 1]; /* shown in the round banner */
	enum round_format format;
	/* question selection: explicit ids (in order: the contest's ids
	 * first_id .. first_id + nids - 1, see contest_round_id) or a draw */
	uint32_t first_id, nids;
	char category[QUIZ_CATEGORY_MAX + 1]; /* "" = any */
	uint32_t kinds;			      /* bit (1 << item_kind); 0 any */
	int min_difficulty, max_difficulty;   /* 0 = no bound */
	/* SPEED, WAGER: questions in the round. TURN: questions per team (per
	 * contestant when nobody is in a team). */
	uint32_t count;
	int64_t time_limit_us; /* answer time of one question */
	int64_t wager_us;      /* WAGER: time to pick a stake */
	int32_t points;	       /* SPEED: full points; TURN: right answer */
	int32_t penalty;       /* TURN: points of a wrong answer (<= 0) */
	int32_t stakes[CONTEST_STAKES_MAX]; /* WAGER: ascending, > 0 */
	uint32_t nstakes;
	/* BUZZ (抢答): time_limit_us is the winner's answer window, points a
	 * right answer, penalty a wrong one (or none in time). */
	int64_t reading_us;    /* buzzer locked after the question shows; 0:
				  from the stem length (room_buzz_reading_us) */
	int64_t arm_us;	       /* no press this long after arming: the end */
	int64_t tie_us;	       /* slack of the tie window */
	int32_t foul;	       /* points of a foul (<= 0) */
	uint32_t rebounds;     /* re-armings after a wrong answer */
	enum judge_mode judge; /* any format */
	uint32_t given;	       /* RC_GIVEN_* */
};

struct contest {
	char title[QUIZ_TITLE_MAX + 1];
	enum team_scoring scoring;
	int64_t team_base;
	char teams[CONTEST_TEAMS_MAX][QUIZ_TEAM_MAX + 1]; /* fixed list */
	uint32_t nteams; /* 0: contestants name their teams freely */
	struct round_cfg rounds[CONTEST_ROUNDS_MAX];
	uint32_t nrounds;
	/* the explicit item ids of every round, round after round (one pool:
	 * a room keeps a copy of its contest) */
	char ids[CONTEST_IDS_MAX][CONTEST_ITEM_ID_MAX + 1];
	uint32_t nids;
};

/* Defaults per format (docs/CONTEST.md): SPEED 10 questions, 20 s, 1000
 * points; TURN 2 per team, 30 s, +10, 0; WAGER 3 questions, 15 s to stake,
 * 30 s to answer, stakes 10/20/30; BUZZ 10 questions, reading from the
 * stem, 20 s armed, 20 ms tie slack, 20 s to answer, +10, -10, foul -10,
 * 1 rebound. Every format: judge AUTO. */
void round_cfg_default(struct round_cfg *r, enum round_format f);

/* Fills zero fields with their format's defaults and checks every range.
 * Returns 0, or -QE_BAD_MESSAGE with a sentence in err (cap bytes) naming
 * the round (1-based) and field at fault. */
int contest_normalize(struct contest *c, char *err, size_t cap);

/* Whether every round of c has a format this build runs (SPEED, TURN,
 * WAGER, BUZZ). */
bool contest_runnable(const struct contest *c, char *err, size_t cap);

/* The k-th explicit item id of round r of c (k < r->nids). */
const char *contest_round_id(const struct contest *c, const struct round_cfg *r,
			     uint32_t k);

/* Bit (1 << format) of every format the contest uses. */
uint32_t contest_formats(const struct contest *c);

#endif
