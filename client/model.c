/* The terminal client's model: applies protocol messages and contestant
 * input to struct model (see model.h). Every string from the server is
 * copied with a bound and sanitised and every count is clamped, so a
 * hostile server can only make the screen show nonsense, never overrun it
 * or send the terminal an escape sequence. */
#include "model.h"

#include <string.h>

#include "model_int.h"
#include "text.h"

/* Marks a string for xgettext; the UI translates it with _() at use. */
#define N_(s) (s)

/* Starts a model for a mode; nick may be NULL (host, screen). */
void model_init(struct model *m, enum model_mode mode, const char *nick)
{
	memset(m, 0, sizeof(*m));
	m->mode = mode;
	m->conn = CONN_CONNECTING;
	m->phase = PHASE_CONNECTING;
	m->phase_before_pause = PHASE_LOBBY;
	m->kind = QUIZ__V1__QUESTION_KIND__SINGLE;
	copy_text(m->nick, sizeof(m->nick), nick);
}

/* Connection events. */
void model_set_conn(struct model *m, enum model_conn c)
{
	m->conn = c;
}

/* The contestant's team as given to JoinRoom. */
void model_set_team(struct model *m, const char *team)
{
	copy_text(m->team, sizeof(m->team), team);
}

/* Whether team is this contestant's team (by text_name_key). */
bool model_is_my_team(const struct model *m, const char *team)
{
	char a[4 * MODEL_TEAM_NAME], b[4 * MODEL_TEAM_NAME];

	if (!team || !team[0] || !m->team[0])
		return false;
	if (text_name_key(m->team, a, sizeof(a)) < 0 ||
	    text_name_key(team, b, sizeof(b)) < 0)
		return strcmp(m->team, team) == 0;
	return strcmp(a, b) == 0;
}

/* The phase a room state shows (the current phase for an unknown value). */
static enum model_phase phase_of_state(const struct model *m, int state)
{
	switch (state) {
	case QUIZ__V1__ROOM_STATE__LOBBY:
		return PHASE_LOBBY;
	case QUIZ__V1__ROOM_STATE__COUNTDOWN:
		return PHASE_COUNTDOWN;
	case QUIZ__V1__ROOM_STATE__QUESTION_OPEN:
		return PHASE_QUESTION;
	case QUIZ__V1__ROOM_STATE__QUESTION_CLOSED:
		return PHASE_REVEAL;
	case QUIZ__V1__ROOM_STATE__LEADERBOARD:
		return PHASE_LEADERBOARD;
	case QUIZ__V1__ROOM_STATE__PAUSED:
		return PHASE_PAUSED;
	case QUIZ__V1__ROOM_STATE__FINISHED:
		return PHASE_FINISHED;
	case QUIZ__V1__ROOM_STATE__ROUND_BREAK:
		return PHASE_ROUND_BREAK;
	case QUIZ__V1__ROOM_STATE__WAGERING:
		return PHASE_WAGER;
	case QUIZ__V1__ROOM_STATE__JUDGING:
		return PHASE_JUDGING;
	default:
		return m->phase;
	}
}

/* Enters the phase of a room state given by Joined/Watching. */
static void enter_state(struct model *m, int state)
{
	enum model_phase p = phase_of_state(m, state);

	if (p == PHASE_PAUSED && m->phase != PHASE_PAUSED) {
		/* joined a paused room: what it was doing is not known */
		m->phase_before_pause =
		    m->phase == PHASE_CONNECTING ? PHASE_LOBBY : m->phase;
	}
	m->phase = p;
}

/* The addresses contestants should type (the host's join hint): the
 * first MODEL_JOIN_ADDRS that fit, others dropped. */
static void apply_join_addrs(struct model *m, char **v, size_t n)
{
	size_t i;

	m->n_join_addrs = 0;
	for (i = 0; i < n && m->n_join_addrs < MODEL_JOIN_ADDRS; i++) {
		if (!v[i] || !v[i][0] ||
		    strlen(v[i]) >= sizeof(m->join_addrs[0]))
			continue;
		copy_text(m->join_addrs[m->n_join_addrs],
			  sizeof(m->join_addrs[0]), v[i]);
		m->n_join_addrs++;
	}
}

/* Takes the room settings the server filled in. */
static void apply_settings(struct model *m, const Quiz__V1__RoomSettings *s)
{
	if (!s)
		return;
	copy_text(m->title, sizeof(m->title), s->title);
	m->question_count = s->question_count;
	m->time_limit_ms = s->time_limit_ms;
	m->points = s->points;
}

/* Clears the status line's refusal once a later request succeeded. */
static void clear_error(struct model *m)
{
	m->error[0] = '\0';
	m->error_code = 0;
}

/* Forgets the previous question's answer, progress, reveal and result (and
 * a refusal about it). */
static void reset_question(struct model *m)
{
	if (m->phase != PHASE_KICKED)
		clear_error(m);
	m->selected = 0;
	m->cursor = 0;
	m->cursor_on = false;
	m->locked = false;
	m->locked_mask = 0;
	m->fill[0] = '\0';
	m->acked = false;
	m->ack_rt_us = 0;
	m->answered = 0;
	memset(m->dist, 0, sizeof(m->dist));
	m->n_dist = 0;
	m->waiting_count = 0;
	m->offline = 0;
	m->n_waiting = 0;
	m->correct_mask = 0;
	m->voided = false;
	m->explanation[0] = '\0';
	m->expl_top = 0;
	m->correct_text[0] = '\0';
	m->have_result = false;
	m->r_answered = false;
	m->r_correct = false;
	m->r_points = 0;
	m->r_rt_us = 0;
	m->r_rank = 0;
	m->r_delta = 0;
	m->r_stake = 0;
	m->r_team_answered = false;
	m->turn_refused = false;
	m->q_buzz = false;
	m->have_buzz = false;
	m->buzz_phase = MODEL_BUZZ_READING;
	m->buzz_arm = 0;
	m->rebounds_left = 0;
	m->armed_at = m->arm_deadline = m->answer_deadline = 0;
	m->buzz_since = 0;
	m->winner_id = 0;
	m->winner_nick[0] = '\0';
	m->winner_team[0] = '\0';
	m->n_presses = 0;
	m->n_out = 0;
	m->buzz_sent = false;
	m->buzz_sent_arm = 0;
	m->buzz_sent_at = 0;
	m->have_my_press = false;
	m->judging_since = 0;
}

/* Copies a distribution, clamped to the array. */
static void copy_dist(struct model *m, const uint32_t *d, size_t n)
{
	size_t i;

	if (n > MODEL_OPTIONS_MAX)
		n = MODEL_OPTIONS_MAX;
	memset(m->dist, 0, sizeof(m->dist));
	for (i = 0; i < n && d; i++)
		m->dist[i] = d[i];
	m->n_dist = d ? (unsigned)n : 0;
}

/* Marks the entries whose rank another entry shares (并列). */
#define MARK_TIES(arr, n)                                                      \
	do {                                                                   \
		unsigned i_, j_;                                               \
		for (i_ = 0; i_ < (n); i_++) {                                 \
			(arr)[i_].tied = false;                                \
			for (j_ = 0; j_ < (n); j_++)                           \
				if (j_ != i_ &&                                \
				    (arr)[j_].rank == (arr)[i_].rank)          \
					(arr)[i_].tied = true;                 \
		}                                                              \
	} while (0)

/* Copies individual standings (Leaderboard.top, RoundEnd.top), clamped. */
static void copy_top(struct model *m, Quiz__V1__Standing *const *top, size_t n)
{
	size_t i;

	if (n > MODEL_TOP_MAX)
		n = MODEL_TOP_MAX;
	m->n_top = 0;
	for (i = 0; i < n && top; i++) {
		const Quiz__V1__Standing *s = top[i];
		struct model_standing *ms = &m->top[m->n_top];

		if (!s)
			continue;
		ms->rank = s->rank;
		ms->player_id = s->player_id;
		ms->correct = s->correct;
		ms->score = s->score;
		ms->total_time_us = s->total_time_us;
		copy_text(ms->nick, sizeof(ms->nick), s->nickname);
		copy_text(ms->team, sizeof(ms->team), s->team);
		m->n_top++;
	}
	MARK_TIES(m->top, m->n_top);
}

/* Copies a team board (absent: no board), clamped to the arrays. */
static void copy_board(struct model_board *b, const Quiz__V1__TeamBoard *tb)
{
	size_t i, k, n;

	b->have = false;
	b->n = 0;
	if (!tb)
		return;
	b->have = true;
	b->scoring = (int)tb->scoring;
	b->base = tb->team_base;
	n = tb->n_teams > MODEL_TEAMS_MAX ? MODEL_TEAMS_MAX : tb->n_teams;
	for (i = 0; i < n && tb->teams; i++) {
		const Quiz__V1__TeamStanding *t = tb->teams[i];
		struct model_team_row *r = &b->rows[b->n];

		if (!t)
			continue;
		r->rank = t->rank;
		r->members = t->members;
		r->stake = t->stake;
		r->score = t->score;
		r->points = t->points;
		r->last_delta = t->last_delta;
		copy_text(r->name, sizeof(r->name), t->team);
		r->n_top = 0;
		for (k = 0; k < t->n_top_members && t->top_members &&
			    r->n_top < MODEL_MEMBERS_MAX;
		     k++)
			copy_text(r->top[r->n_top++], MODEL_NAME_MAX,
				  t->top_members[k]);
		b->n++;
	}
	MARK_TIES(b->rows, b->n);
}

/* Copies a RoundInfo, its stakes clamped. */
static void copy_round(struct model_round *r, const Quiz__V1__RoundInfo *ri)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->format = (int)ri->format;
	copy_text(r->name, sizeof(r->name), ri->name);
	r->questions = ri->questions;
	r->time_limit_ms = ri->time_limit_ms;
	r->wager_ms = ri->wager_ms;
	r->first_question = ri->first_question;
	r->points = ri->points;
	r->penalty = ri->penalty;
	for (i = 0; i < ri->n_stakes && ri->stakes && i < MODEL_STAKES_MAX; i++)
		r->stakes[r->n_stakes++] = ri->stakes[i];
	r->reading_ms = ri->reading_ms;
	r->arm_ms = ri->arm_ms;
	r->tie_ms = ri->tie_ms;
	r->foul = ri->foul;
	r->rebounds = ri->rebounds;
	r->judge = (int)ri->judge;
}

/* Makes round index the current one (its info from the contest when
 * known). */
static void set_round(struct model *m, uint32_t index)
{
	m->have_round = true;
	m->round = index;
	if (index < m->n_rounds)
		m->cur = m->rounds[index];
	else
		memset(&m->cur, 0, sizeof(m->cur));
	if (!m->rounds_total)
		m->rounds_total = m->n_rounds;
}

/* ContestInfo (RoomCreated, Joined, Watching): the rounds and scoring. */
static void apply_contest(struct model *m, const Quiz__V1__ContestInfo *c)
{
	size_t i;

	if (!c)
		return;
	m->contest = true;
	if (c->title && c->title[0])
		copy_text(m->title, sizeof(m->title), c->title);
	m->scoring = (int)c->scoring;
	m->team_base = c->team_base;
	m->n_rounds = 0;
	for (i = 0; i < c->n_rounds && c->rounds && i < MODEL_ROUNDS_MAX; i++)
		if (c->rounds[i])
			copy_round(&m->rounds[m->n_rounds++], c->rounds[i]);
	m->rounds_total = m->n_rounds;
	m->n_fixed_teams = c->n_teams > MODEL_TEAMS_MAX ? MODEL_TEAMS_MAX
							: (unsigned)c->n_teams;
}

/* Turn: whose turn the question is (必答). */
static void take_turn(struct model *m, const Quiz__V1__Turn *t)
{
	if (!m->have_turn || m->turn_q != t->question_index)
		m->turn_refused = false;
	m->have_turn = true;
	m->turn_q = t->question_index;
	copy_text(m->turn_team, sizeof(m->turn_team), t->team);
	m->turn_pid = t->player_id;
	copy_text(m->turn_nick, sizeof(m->turn_nick), t->nickname);
	m->turn_no = t->turn;
	m->turns = t->turns;
}

/* RoundStart: a round begins; its questions follow. */
static int apply_round_start(struct model *m, const Quiz__V1__RoundStart *rs)
{
	struct model_round r;

	if (!rs->round)
		return 0;
	copy_round(&r, rs->round);
	if (rs->round->index < m->n_rounds)
		m->rounds[rs->round->index] = r;
	else if (rs->round->index == m->n_rounds &&
		 m->n_rounds < MODEL_ROUNDS_MAX)
		m->rounds[m->n_rounds++] = r;
	m->have_round = true;
	m->round = rs->round->index;
	m->cur = r;
	if (rs->rounds)
		m->rounds_total = rs->rounds;
	m->have_turn = false;
	m->have_wager = false;
	return MODEL_REDRAW;
}

/* RoundEnd: the team board after a round; a break follows unless it was
 * the last. */
static int apply_round_end(struct model *m, const Quiz__V1__RoundEnd *re)
{
	copy_board(&m->board, re->teams);
	if (re->n_top)
		copy_top(m, re->top, re->n_top);
	m->round_ended = true;
	m->ended_round = re->round;
	if (re->rounds)
		m->rounds_total = re->rounds;
	if (m->phase == PHASE_FINISHED || m->phase == PHASE_KICKED ||
	    (uint64_t)re->round + 1 >= m->rounds_total)
		return MODEL_REDRAW;
	if (m->phase == PHASE_PAUSED)
		m->phase_before_pause = PHASE_ROUND_BREAK;
	else
		m->phase = PHASE_ROUND_BREAK;
	return MODEL_REDRAW;
}

/* WagerRequest: the wager phase of a question (风险). */
static int apply_wager_request(struct model *m, const Quiz__V1__WagerRequest *w,
			       model_to_local_fn to_local, void *arg)
{
	size_t i;

	if (!m->have_wager || m->wager_q != w->question_index) {
		m->wager_sent = 0;
		m->wager_stake = 0;
		m->wager_by_pid = 0;
		m->wager_by[0] = '\0';
	}
	m->have_wager = true;
	m->wager_q = w->question_index;
	m->wager_round = w->round;
	m->n_stakes = 0;
	for (i = 0; i < w->n_stakes && w->stakes && i < MODEL_STAKES_MAX; i++)
		m->stakes[m->n_stakes++] = w->stakes[i];
	m->wager_deadline = local_time(to_local, arg, w->deadline_at_us);
	copy_text(m->wager_category, sizeof(m->wager_category), w->category);
	m->next_q = w->question_index;
	if (m->phase == PHASE_PAUSED)
		m->phase_before_pause = PHASE_WAGER;
	else if (m->phase != PHASE_KICKED)
		m->phase = PHASE_WAGER;
	return MODEL_REDRAW;
}

/* WagerAck: my stake, or my team's, is booked. */
static int apply_wager_ack(struct model *m, const Quiz__V1__WagerAck *a)
{
	if (!m->have_wager || m->wager_q != a->question_index)
		return 0;
	m->wager_stake = a->stake;
	m->wager_sent = 0;
	m->wager_by_pid = a->player_id;
	copy_text(m->wager_by, sizeof(m->wager_by), a->nickname);
	return MODEL_REDRAW;
}

/* Error: kept for the status line; the phase stays. A refused answer that
 * can still be retried (not TOO_LATE / ALREADY_ANSWERED) is unlocked. */
static int apply_error(struct model *m, const Quiz__V1__Error *e)
{
	bool retry = e->code == QUIZ__V1__ERROR_CODE__BAD_STATE ||
		     e->code == QUIZ__V1__ERROR_CODE__BAD_MESSAGE ||
		     e->code == QUIZ__V1__ERROR_CODE__RATE_LIMITED ||
		     e->code == QUIZ__V1__ERROR_CODE__INTERNAL ||
		     e->code == QUIZ__V1__ERROR_CODE__STORAGE_UNAVAILABLE;

	copy_text(m->error, sizeof(m->error), e->message);
	m->error_code = (int)e->code;
	if (e->code == QUIZ__V1__ERROR_CODE__SHUTTING_DOWN)
		m->restarting = true; /* until a Welcome */
	m->verdict_sent = false;      /* a refused ruling can be keyed again */
	if (m->mode == MODE_JOIN && m->q_buzz && m->buzz_sent &&
	    !model_my_press(m) && retry)
		m->buzz_sent = false; /* the press was not taken: again */
	if (m->mode == MODE_JOIN && m->phase == PHASE_WAGER && m->wager_sent &&
	    !m->wager_stake && retry)
		m->wager_sent = 0; /* the stake can be picked again */
	if (m->mode == MODE_JOIN && m->phase == PHASE_QUESTION &&
	    e->code == QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN && m->q_buzz) {
		/* not the buzz winner (any more): the BuzzState says who */
		m->locked = false;
		m->locked_mask = 0;
		return MODEL_REDRAW;
	}
	if (m->mode == MODE_JOIN && m->phase == PHASE_QUESTION &&
	    e->code == QUIZ__V1__ERROR_CODE__NOT_YOUR_TURN) {
		/* another team has this question: no key answers it now */
		m->turn_refused = true;
		m->locked = false;
		m->locked_mask = 0;
		m->selected = 0;
		return MODEL_REDRAW;
	}
	if (m->mode == MODE_JOIN && m->locked && !m->acked &&
	    m->phase == PHASE_QUESTION && retry) {
		m->locked = false;
		m->locked_mask = 0;
	}
	return MODEL_REDRAW;
}

/* Welcome: online; a resumed seat names its room and player. */
static int apply_welcome(struct model *m, const Quiz__V1__Welcome *w)
{
	m->conn = CONN_ONLINE;
	m->restarting = false;
	if (m->error_code == QUIZ__V1__ERROR_CODE__SHUTTING_DOWN)
		clear_error(m); /* back: the notice is over */
	if (w->room_code && w->room_code[0])
		copy_text(m->code, sizeof(m->code), w->room_code);
	if (w->player_id)
		m->player_id = w->player_id;
	return MODEL_REDRAW;
}

/* LobbyUpdate: player count and team tallies. */
static int apply_lobby(struct model *m, const Quiz__V1__LobbyUpdate *u)
{
	size_t i, n = u->n_teams;

	m->players = u->players;
	if (n > MODEL_TEAMS_MAX)
		n = MODEL_TEAMS_MAX;
	m->n_teams = 0;
	for (i = 0; i < n && u->teams; i++) {
		const Quiz__V1__TeamTally *t = u->teams[i];
		struct model_team *mt = &m->teams[m->n_teams];

		if (!t)
			continue;
		copy_text(mt->name, sizeof(mt->name), t->team);
		mt->players = t->players;
		mt->score = t->score;
		m->n_teams++;
	}
	/* the roster comes to the host and screens only */
	if (m->mode != MODE_JOIN) {
		m->n_roster = 0;
		for (i = 0; i < u->n_roster && u->roster &&
			    m->n_roster < MODEL_ROSTER_MAX;
		     i++) {
			const Quiz__V1__LobbyPlayer *lp = u->roster[i];
			struct model_member *mm = &m->roster[m->n_roster];

			if (!lp || !lp->player_id || !lp->nickname ||
			    !lp->nickname[0])
				continue;
			mm->id = lp->player_id;
			copy_text(mm->nick, sizeof(mm->nick), lp->nickname);
			copy_text(mm->team, sizeof(mm->team),
				  lp->team ? lp->team : "");
			mm->online = lp->online;
			m->n_roster++;
		}
	}
	return MODEL_REDRAW;
}

/* Countdown to the next question. */
static int apply_countdown(struct model *m, const Quiz__V1__Countdown *c,
			   model_to_local_fn to_local, void *arg)
{
	m->next_q = c->question_index;
	m->q_count = c->question_count;
	m->countdown_to = local_time(to_local, arg, c->start_at_us);
	if (m->phase == PHASE_PAUSED)
		m->phase_before_pause = PHASE_COUNTDOWN;
	else
		m->phase = PHASE_COUNTDOWN;
	return MODEL_REDRAW;
}

/* Question: a new index resets the answer; the same index (re-sent after a
 * resume or a reconnect) only moves the times and keeps the answer. */
static int apply_question(struct model *m, const Quiz__V1__Question *q,
			  model_to_local_fn to_local, void *arg)
{
	size_t i, n = q->n_options;
	int kind = (int)q->kind;
	bool resent;

	if (kind < QUIZ__V1__QUESTION_KIND__SINGLE ||
	    kind > QUIZ__V1__QUESTION_KIND__FILL)
		kind = QUIZ__V1__QUESTION_KIND__SINGLE;
	resent = same_question(m, q->index) && m->kind == kind;

	if (!resent)
		reset_question(m);
	m->have_q = true;
	m->q = q->index;
	m->q_count = q->count;
	m->kind = kind;
	copy_lines(m->stem, sizeof(m->stem), q->stem);
	copy_text(m->category, sizeof(m->category), q->category);
	if (kind == QUIZ__V1__QUESTION_KIND__FILL || !q->options)
		n = 0;
	if (n > MODEL_OPTIONS_MAX)
		n = MODEL_OPTIONS_MAX;
	m->n_options = (unsigned)n;
	for (i = 0; i < n; i++)
		copy_text(m->options[i], sizeof(m->options[i]), q->options[i]);
	for (; i < MODEL_OPTIONS_MAX; i++)
		m->options[i][0] = '\0';
	/* a shorter option list must not leave choices past its end */
	m->selected &= (n ? (1u << n) - 1 : 0);
	m->locked_mask &= (n ? (1u << n) - 1 : 0);
	if (m->cursor >= n)
		m->cursor = 0;
	m->reveal_at = local_time(to_local, arg, q->reveal_at_us);
	m->deadline_at = local_time(to_local, arg, q->deadline_at_us);
	if (m->deadline_at < m->reveal_at)
		m->deadline_at = m->reveal_at;
	m->q_points = q->points;
	m->q_limit_ms = q->time_limit_ms;
	m->q_round = q->round;
	m->q_round_index = q->round_index;
	m->q_round_count = q->round_count;
	if (q->round_count && (!m->have_round || m->round != q->round))
		set_round(m, q->round);
	if (q->turn)
		take_turn(m, q->turn);
	else if (!m->have_turn || m->turn_q != q->index)
		m->have_turn = false; /* everyone may answer */
	/* a buzzer: armed_at set, or a BUZZ round */
	m->q_buzz = q->armed_at_us != 0 ||
		    (m->have_round && m->cur.format == MODEL_FMT_BUZZ);
	if (m->q_buzz && q->armed_at_us && !m->have_buzz)
		m->armed_at = local_time(to_local, arg, q->armed_at_us);
	else if (m->q_buzz && !m->armed_at)
		m->armed_at = m->reveal_at;
	m->q_stake = q->stake;
	if (q->stake && m->have_wager && m->wager_q == q->index &&
	    !m->wager_stake)
		m->wager_stake = q->stake;
	else if (!q->stake && m->have_wager && m->wager_q == q->index)
		m->q_stake = m->wager_stake; /* as the WagerAck said */
	m->next_q = q->index;
	m->countdown_to = m->reveal_at;
	if (m->phase == PHASE_PAUSED)
		m->phase_before_pause = PHASE_QUESTION;
	else
		m->phase = PHASE_QUESTION;
	/* re-sent after a reconnect: an answer locked but never acknowledged
	 * may have been lost with the old connection (a duplicate is refused
	 * with ALREADY_ANSWERED, which keeps the lock) */
	/* re-sent with a press not decided: it may have been lost with the
	 * old connection; the buzzer takes another (the server answers
	 * ALREADY_ANSWERED if it had the first) */
	if (resent && m->q_buzz && m->buzz_sent && !model_my_press(m))
		m->buzz_sent = false;
	if (resent && m->mode == MODE_JOIN && m->locked && !m->acked)
		return MODEL_ANSWER | MODEL_REDRAW;
	return MODEL_REDRAW;
}

/* AnswerAck: the server committed our answer. */
static int apply_ack(struct model *m, const Quiz__V1__AnswerAck *a)
{
	if (!same_question(m, a->question_index))
		return 0;
	m->acked = true;
	m->ack_rt_us = a->response_time_us;
	return MODEL_REDRAW;
}

/* Progress (host, screens): answers so far. */
static int apply_progress(struct model *m, const Quiz__V1__Progress *p)
{
	size_t i;

	if (!same_question(m, p->question_index))
		return 0;
	m->answered = p->answered;
	m->players = p->players;
	copy_dist(m, p->distribution, p->n_distribution);
	m->waiting_count = p->waiting_count;
	m->offline = p->offline;
	m->n_waiting = 0;
	for (i = 0; i < p->n_waiting && p->waiting && i < MODEL_MISSING_MAX;
	     i++)
		copy_text(m->waiting[m->n_waiting++], MODEL_NAME_MAX,
			  p->waiting[i]);
	return MODEL_REDRAW;
}

/* Reveal: the correct answer, the final distribution, the explanation. */
static int apply_reveal(struct model *m, const Quiz__V1__Reveal *r)
{
	size_t i;

	if (!same_question(m, r->question_index))
		return 0;
	m->correct_mask = 0;
	for (i = 0; i < r->n_correct && r->correct; i++)
		if (r->correct[i] < m->n_options)
			m->correct_mask |= 1u << r->correct[i];
	copy_dist(m, r->distribution, r->n_distribution);
	m->answered = r->answered;
	m->players = r->players;
	m->voided = r->voided;
	copy_lines(m->explanation, sizeof(m->explanation), r->explanation);
	copy_text(m->correct_text, sizeof(m->correct_text), r->correct_text);
	copy_board(&m->board, r->teams);
	if (m->phase == PHASE_PAUSED)
		m->phase_before_pause = PHASE_REVEAL;
	else
		m->phase = PHASE_REVEAL;
	return MODEL_REDRAW;
}

/* Result: this contestant's points for the question just revealed. */
static int apply_result(struct model *m, const Quiz__V1__Result *r)
{
	if (!same_question(m, r->question_index)) {
		/* after the final standings (the host ended the match before
		 * the question on screen came): the final total and rank */
		if (m->phase != PHASE_FINISHED || m->mode != MODE_JOIN)
			return 0;
		m->have_result = true;
		m->r_total = r->total;
		m->r_rank = r->rank;
		if (r->players)
			m->players = r->players;
		return MODEL_REDRAW;
	}
	m->have_result = true;
	m->r_answered = r->answered;
	m->r_correct = r->correct;
	m->r_points = r->points;
	m->r_rt_us = r->response_time_us;
	m->r_total = r->total;
	m->r_rank = r->rank;
	/* a server older than signed deltas sends points only */
	m->r_delta = r->delta ? r->delta : (int64_t)r->points;
	m->r_stake = r->stake;
	m->r_team_answered = r->team_answered;
	if (r->players)
		m->players = r->players;
	return MODEL_REDRAW;
}

/* The final standings name this contestant: their rank and total are
 * the result the final screen shows, even when no Result came for the
 * last question (the host ended the match early, during a question or a
 * countdown). Outside the top standings the last Result stays. */
static void take_final_rank(struct model *m)
{
	unsigned i;

	for (i = 0; i < m->n_top; i++) {
		const struct model_standing *s = &m->top[i];

		if (m->player_id ? s->player_id != m->player_id
				 : strcmp(s->nick, m->nick) != 0)
			continue;
		m->have_result = true;
		m->r_rank = s->rank;
		m->r_total = s->score;
		return;
	}
}

/* Leaderboard: top standings; the final one ends the match. */
static int apply_leaderboard(struct model *m, const Quiz__V1__Leaderboard *l)
{
	copy_top(m, l->top, l->n_top);
	copy_board(&m->board, l->teams);
	if (m->contest && (!m->have_round || m->round != l->round))
		set_round(m, l->round);
	if (l->players)
		m->players = l->players;
	m->final = l->final;
	if (l->final && m->mode == MODE_JOIN)
		take_final_rank(m);
	if (l->final)
		m->phase = PHASE_FINISHED;
	else if (m->phase == PHASE_PAUSED)
		m->phase_before_pause = PHASE_LEADERBOARD;
	else
		m->phase = PHASE_LEADERBOARD;
	return MODEL_REDRAW;
}

/* StateChange: pause, resume or finish. */
static int apply_state(struct model *m, const Quiz__V1__StateChange *s,
		       model_to_local_fn to_local, void *arg)
{
	enum model_phase p = phase_of_state(m, (int)s->state);

	if (m->phase == PHASE_KICKED)
		return 0;
	if (p == PHASE_PAUSED) {
		if (m->phase != PHASE_PAUSED)
			m->phase_before_pause = m->phase;
		m->paused_remaining_us = s->remaining_us;
		m->pause_reason = (int)s->reason;
		m->phase = PHASE_PAUSED;
		return MODEL_REDRAW;
	}
	if (p == PHASE_COUNTDOWN && m->phase == PHASE_PAUSED)
		/* until the re-sent Countdown arrives */
		m->countdown_to = local_time(to_local, arg, s->at_us) +
				  m->paused_remaining_us;
	if (p == PHASE_WAGER && m->phase == PHASE_PAUSED && m->have_wager)
		/* until the re-sent WagerRequest arrives */
		m->wager_deadline = local_time(to_local, arg, s->at_us) +
				    m->paused_remaining_us;
	if (p == PHASE_FINISHED)
		m->final = true;
	if (p == PHASE_JUDGING && m->phase != PHASE_JUDGING)
		m->judging_since = local_time(to_local, arg, s->at_us);
	m->phase = p;
	return MODEL_REDRAW;
}

/* HostStatus: whether the room's host is connected (contestants and
 * screens; the host's own console ignores it). */
static int apply_host_status(struct model *m, const Quiz__V1__HostStatus *h)
{
	if (m->mode == MODE_HOST || m->host_away == !h->connected)
		return 0;
	m->host_away = !h->connected;
	return MODEL_REDRAW;
}

/* Kicked: the seat is gone and the connection closed for good. */
static int apply_kicked(struct model *m, const Quiz__V1__Kicked *k)
{
	copy_text(m->error, sizeof(m->error), k->reason);
	m->error_code = 0; /* the reason is the message, not a refusal */
	m->phase = PHASE_KICKED;
	m->conn = CONN_CLOSED;
	return MODEL_REDRAW;
}

/* Applies one received envelope. Returns MODEL_* flags. */
int model_apply(struct model *m, const Quiz__V1__Envelope *env,
		model_to_local_fn to_local, void *arg)
{
	if (!env)
		return 0;
	switch (env->body_case) {
	case QUIZ__V1__ENVELOPE__BODY_WELCOME:
		return env->welcome ? apply_welcome(m, env->welcome) : 0;
	case QUIZ__V1__ENVELOPE__BODY_ERROR:
		return env->error ? apply_error(m, env->error) : 0;
	case QUIZ__V1__ENVELOPE__BODY_ROOM_CREATED:
		if (!env->room_created)
			return 0;
		copy_text(m->code, sizeof(m->code), env->room_created->code);
		copy_text(m->host_token, sizeof(m->host_token),
			  env->room_created->host_token);
		copy_text(m->judge_token, sizeof(m->judge_token),
			  env->room_created->judge_token);
		apply_join_addrs(m, env->room_created->join_addresses,
				 env->room_created->n_join_addresses);
		m->judge = true;
		apply_settings(m, env->room_created->settings);
		apply_contest(m, env->room_created->contest);
		m->conn = CONN_ONLINE;
		clear_error(m);
		m->phase = PHASE_LOBBY;
		return MODEL_REDRAW;
	case QUIZ__V1__ENVELOPE__BODY_JOINED:
		if (!env->joined)
			return 0;
		m->player_id = env->joined->player_id;
		copy_text(m->code, sizeof(m->code), env->joined->code);
		apply_settings(m, env->joined->settings);
		apply_contest(m, env->joined->contest);
		if (env->joined->contest)
			set_round(m, env->joined->round);
		m->players = env->joined->players;
		m->conn = CONN_ONLINE;
		clear_error(m);
		enter_state(m, (int)env->joined->state);
		return MODEL_REDRAW;
	case QUIZ__V1__ENVELOPE__BODY_WATCHING:
		if (!env->watching)
			return 0;
		copy_text(m->code, sizeof(m->code), env->watching->code);
		m->judge = env->watching->judge || env->watching->host ||
			   m->mode == MODE_HOST;
		if (env->watching->host && env->watching->judge_token &&
		    env->watching->judge_token[0])
			copy_text(m->judge_token, sizeof(m->judge_token),
				  env->watching->judge_token);
		if (env->watching->host)
			apply_join_addrs(m, env->watching->join_addresses,
					 env->watching->n_join_addresses);
		apply_settings(m, env->watching->settings);
		apply_contest(m, env->watching->contest);
		if (env->watching->contest)
			set_round(m, env->watching->round);
		m->conn = CONN_ONLINE;
		clear_error(m);
		enter_state(m, (int)env->watching->state);
		return MODEL_REDRAW;
	case QUIZ__V1__ENVELOPE__BODY_LOBBY_UPDATE:
		return env->lobby_update ? apply_lobby(m, env->lobby_update)
					 : 0;
	case QUIZ__V1__ENVELOPE__BODY_COUNTDOWN:
		return env->countdown
			   ? apply_countdown(m, env->countdown, to_local, arg)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_QUESTION:
		return env->question
			   ? apply_question(m, env->question, to_local, arg)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER_ACK:
		return env->answer_ack ? apply_ack(m, env->answer_ack) : 0;
	case QUIZ__V1__ENVELOPE__BODY_PROGRESS:
		return env->progress ? apply_progress(m, env->progress) : 0;
	case QUIZ__V1__ENVELOPE__BODY_REVEAL:
		return env->reveal ? apply_reveal(m, env->reveal) : 0;
	case QUIZ__V1__ENVELOPE__BODY_RESULT:
		return env->result ? apply_result(m, env->result) : 0;
	case QUIZ__V1__ENVELOPE__BODY_LEADERBOARD:
		return env->leaderboard ? apply_leaderboard(m, env->leaderboard)
					: 0;
	case QUIZ__V1__ENVELOPE__BODY_STATE_CHANGE:
		return env->state_change
			   ? apply_state(m, env->state_change, to_local, arg)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_KICKED:
		return env->kicked ? apply_kicked(m, env->kicked) : 0;
	case QUIZ__V1__ENVELOPE__BODY_HOST_STATUS:
		return env->host_status ? apply_host_status(m, env->host_status)
					: 0;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_START:
		return env->round_start ? apply_round_start(m, env->round_start)
					: 0;
	case QUIZ__V1__ENVELOPE__BODY_ROUND_END:
		return env->round_end ? apply_round_end(m, env->round_end) : 0;
	case QUIZ__V1__ENVELOPE__BODY_TURN:
		if (!env->turn || m->phase == PHASE_KICKED)
			return 0;
		take_turn(m, env->turn);
		return MODEL_REDRAW;
	case QUIZ__V1__ENVELOPE__BODY_WAGER_REQUEST:
		return env->wager_request
			   ? apply_wager_request(m, env->wager_request,
						 to_local, arg)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_WAGER_ACK:
		return env->wager_ack ? apply_wager_ack(m, env->wager_ack) : 0;
	case QUIZ__V1__ENVELOPE__BODY_BUZZ_STATE:
		return env->buzz_state ? model_apply_buzz_state(
					     m, env->buzz_state, to_local, arg)
				       : 0;
	case QUIZ__V1__ENVELOPE__BODY_BUZZ_RESULT:
		return env->buzz_result
			   ? model_apply_buzz_result(m, env->buzz_result)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_ANSWER_KEY:
		return env->answer_key
			   ? model_apply_answer_key(m, env->answer_key)
			   : 0;
	case QUIZ__V1__ENVELOPE__BODY_JUDGE_REQUEST:
		return env->judge_request
			   ? model_apply_judge_request(m, env->judge_request,
						       to_local, arg)
			   : 0;
	default:
		return 0; /* Ok, Pong and requests: nothing to show */
	}
}

/* The phase to draw at local time now. */
enum model_phase model_phase_at(const struct model *m, uint64_t now)
{
	if (m->phase == PHASE_QUESTION && (!m->have_q || now < m->reveal_at))
		return PHASE_COUNTDOWN;
	return m->phase;
}

/* Fraction of the question's time left at now, per mille. */
unsigned model_time_left_pm(const struct model *m, uint64_t now)
{
	uint64_t total, left;

	if (model_phase_at(m, now) != PHASE_QUESTION || now >= m->deadline_at)
		return 0;
	total = m->deadline_at - m->reveal_at;
	left = m->deadline_at - now; /* <= total: now >= reveal_at */
	if (!total)
		return 0;
	if (left > UINT64_MAX / 1000)
		return (unsigned)(left / (total / 1000));
	return (unsigned)(left * 1000 / total);
}

/* Whether the open question is this contestant's to answer. */
bool model_my_turn(const struct model *m)
{
	if (m->mode != MODE_JOIN)
		return false;
	if (m->have_q && m->q_buzz)
		return model_buzz_answering(m);
	if (m->have_q && m->turn_refused)
		return false;
	if (!m->have_turn || !m->have_q || m->turn_q != m->q)
		return true;
	if (m->turn_team[0])
		return model_is_my_team(m, m->turn_team);
	return m->player_id && m->turn_pid == m->player_id;
}

/* Fraction of the wager time left at now, per mille. */
unsigned model_wager_left_pm(const struct model *m, uint64_t now)
{
	uint64_t total, left;

	if (m->phase != PHASE_WAGER || !m->have_wager ||
	    now >= m->wager_deadline)
		return 0;
	left = m->wager_deadline - now;
	total = (uint64_t)(m->cur.wager_ms ? m->cur.wager_ms : 15000) * 1000;
	if (left >= total)
		return 1000;
	return (unsigned)(left * 1000 / total);
}

/* Number of match question q within its round, and the round's count. */
void model_round_pos(const struct model *m, uint32_t q, uint32_t *i,
		     uint32_t *n)
{
	if (m->have_q && q == m->q && m->q_round_count &&
	    m->q_round_index < m->q_round_count) {
		*i = m->q_round_index + 1;
		*n = m->q_round_count;
	} else if (m->have_round && m->cur.questions &&
		   q >= m->cur.first_question &&
		   q - m->cur.first_question < m->cur.questions) {
		*i = q - m->cur.first_question + 1;
		*n = m->cur.questions;
	} else {
		*i = q + 1;
		*n = m->q_count ? m->q_count : m->question_count;
	}
}

/* A key in the wager phase: the digit of a stake. */
static int wager_key(struct model *m, int key, uint64_t now)
{
	if (!m->have_wager || m->wager_stake || m->wager_sent ||
	    now > m->wager_deadline)
		return 0;
	if (key < '1' || key > '8' || (unsigned)(key - '1') >= m->n_stakes)
		return 0;
	m->wager_sent = m->stakes[key - '1'];
	if (!m->wager_sent)
		return 0; /* a zero stake is no stake */
	return MODEL_WAGER | MODEL_REDRAW;
}

/* Builds the Wager for the stake picked. */
int model_wager(const struct model *m, Quiz__V1__Wager *w)
{
	if (!m->have_wager || !m->wager_sent)
		return -1;
	quiz__v1__wager__init(w);
	w->question_index = m->wager_q;
	w->stake = m->wager_sent;
	return 0;
}

/* Option index of a key, or -1. */
static int key_option(int key)
{
	if (key >= 'a' && key <= 'h')
		return key - 'a';
	if (key >= 'A' && key <= 'H')
		return key - 'A';
	if (key >= '1' && key <= '8')
		return key - '1';
	return -1;
}

/* Locks mask as the answer. */
static int lock(struct model *m, uint32_t mask)
{
	m->selected = mask;
	m->locked = true;
	m->locked_mask = mask;
	return MODEL_ANSWER | MODEL_REDRAW;
}

/* 1 when the fill-in text has something besides ASCII spaces. */
static int fill_nonblank(const struct model *m)
{
	const char *s;

	for (s = m->fill; *s; s++)
		if (*s != ' ')
			return 1;
	return 0;
}

/* Scrolls the explanation of the reveal by delta lines within [0, max]. */
int model_scroll(struct model *m, int delta, unsigned max)
{
	unsigned top = m->expl_top > max ? max : m->expl_top;
	unsigned d = delta < 0 ? 0u - (unsigned)delta : (unsigned)delta;

	if (delta < 0)
		top = d > top ? 0 : top - d;
	else
		top = d > max - top ? max : top + d;
	if (top == m->expl_top)
		return 0;
	m->expl_top = top;
	return MODEL_REDRAW;
}

/* Contestant input during a question. */
int model_key(struct model *m, int key, uint64_t now)
{
	bool choice = m->kind == QUIZ__V1__QUESTION_KIND__SINGLE ||
		      m->kind == QUIZ__V1__QUESTION_KIND__TRUE_FALSE;
	bool enter = key == '\n' || key == '\r';
	int opt;

	if (m->mode == MODE_JOIN && model_phase_at(m, now) == PHASE_WAGER)
		return wager_key(m, key, now);
	if (m->mode == MODE_JOIN && m->q_buzz && !model_buzz_answering(m))
		return key == ' ' ? model_buzz_press(m, now) : 0;
	if (m->mode != MODE_JOIN || m->locked ||
	    model_phase_at(m, now) != PHASE_QUESTION ||
	    now > (m->q_buzz ? m->answer_deadline : m->deadline_at) ||
	    !model_my_turn(m))
		return 0;
	if (m->kind == QUIZ__V1__QUESTION_KIND__FILL)
		return enter && fill_nonblank(m) ? lock(m, 0) : 0;
	if (!m->n_options)
		return 0;
	if (key == MODEL_KEY_UP || key == MODEL_KEY_DOWN) {
		if (m->cursor_on)
			m->cursor =
			    (m->cursor +
			     (key == MODEL_KEY_UP ? m->n_options - 1 : 1)) %
			    m->n_options;
		m->cursor_on = true;
		return MODEL_REDRAW;
	}
	if (enter) {
		if (choice)
			return m->cursor_on ? lock(m, 1u << m->cursor) : 0;
		return m->selected ? lock(m, m->selected) : 0;
	}
	if (key == ' ') {
		if (choice || !m->cursor_on)
			return 0;
		m->selected ^= 1u << m->cursor;
		return MODEL_REDRAW;
	}
	opt = key_option(key);
	if (opt < 0 || (unsigned)opt >= m->n_options)
		return 0;
	m->cursor = (unsigned)opt;
	if (choice)
		return lock(m, 1u << opt);
	m->selected ^= 1u << opt;
	return MODEL_REDRAW;
}

/* 1 when typing into the fill-in answer is possible now. */
static int fill_open(const struct model *m)
{
	return m->mode == MODE_JOIN && m->have_q && !m->locked &&
	       m->phase == PHASE_QUESTION && model_my_turn(m) &&
	       m->kind == QUIZ__V1__QUESTION_KIND__FILL;
}

/* Appends one UTF-8 character to the fill-in answer. */
int model_fill_input(struct model *m, const char *utf8_char)
{
	size_t n, have, pos;

	if (!utf8_char || !fill_open(m))
		return 0;
	n = strlen(utf8_char);
	if (!n || !text_utf8_valid(utf8_char, n))
		return 0;
	for (pos = 0; pos < n;) {
		uint32_t cp;
		int k = text_utf8_next(utf8_char + pos, n - pos, &cp);

		if (k < 1 || text_is_control(cp))
			return 0;
		pos += (size_t)k;
	}
	have = strlen(m->fill);
	if (have + n > MODEL_FILL_MAX)
		return 0;
	memcpy(m->fill + have, utf8_char, n + 1);
	return MODEL_REDRAW;
}

/* Deletes the last character of the fill-in answer. */
int model_fill_backspace(struct model *m)
{
	size_t len;

	if (!fill_open(m))
		return 0;
	len = strlen(m->fill);
	if (!len)
		return 0;
	do
		len--;
	while (len > 0 && ((unsigned char)m->fill[len] & 0xC0) == 0x80);
	m->fill[len] = '\0';
	return MODEL_REDRAW;
}

/* Builds the Answer for the locked choice. */
int model_answer(const struct model *m, Quiz__V1__Answer *a, uint32_t *choices)
{
	unsigned i, n = 0;

	if (!m->locked || !m->have_q)
		return -1;
	quiz__v1__answer__init(a);
	a->question_index = m->q;
	if (m->kind == QUIZ__V1__QUESTION_KIND__FILL) {
		a->text = (char *)m->fill;
		return 0;
	}
	for (i = 0; i < m->n_options && i < MODEL_OPTIONS_MAX; i++)
		if (m->locked_mask & (1u << i))
			choices[n++] = i;
	a->n_choices = n;
	a->choices = choices;
	return 0;
}

/* An English sentence for a refusal code, marked for translation. */
const char *model_error_text(int code)
{
	static const char *const texts[] = {
	    N_("Error"),
	    N_("The server refused a malformed frame"),
	    N_("The server could not read a message"),
	    N_("This client's protocol version is not supported"),
	    N_("No room has that code"),
	    N_("The room is full"),
	    N_("That nickname is already taken in this room"),
	    N_("Wrong host token"),
	    N_("Only the host can do that"),
	    N_("Not possible right now"),
	    N_("Too late: the question is closed"),
	    N_("You have already answered this question"),
	    N_("Too many requests: slow down"),
	    N_("The server is full"),
	    N_("Internal server error"),
	    N_("Storage unavailable: the answer was not recorded, try again"),
	    N_("Timed out"),
	    N_("The server is stopping"),
	    N_("Not your turn: another team answers this question"),
	    N_("This room runs a round format this client cannot play: "
	       "update quiz"),
	    N_("Only the host or a judge can rule on answers"),
	};

	if (code < 0 || code >= (int)(sizeof(texts) / sizeof(texts[0])))
		return texts[0];
	return texts[code];
}
