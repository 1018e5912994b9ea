/* Rebuild on start: every match the store left 'running' or 'interrupted'
 * becomes a live room again under its code, by replaying its logged events
 * through the core (Redis AOF: persist the inputs, rebuild by replaying
 * them through the same code), then room_recover() freezes it for the
 * host (docs/PROTOCOL.md, "Restart"). */
#include "hub.h"
#include "hub_int.h"
#include "push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "guard.h"
#include "log.h"
#include "matchdef.h"
#include "room.h"
#include "store.h"
#include "xalloc.h"

/* The guard's pseudo-address of rebuilt rooms (their creator's address is
 * not stored): they count against no one's rooms-per-address. */
#define REBUILD_OWNER "(rebuilt)"

/* A room state's name for the log. */
static const char *state_name(enum room_state s)
{
	static const char *const names[] = {
	    [ROOM_LOBBY] = "lobby",
	    [ROOM_COUNTDOWN] = "countdown",
	    [ROOM_OPEN] = "open",
	    [ROOM_CLOSED] = "closed",
	    [ROOM_LEADERBOARD] = "leaderboard",
	    [ROOM_PAUSED] = "paused",
	    [ROOM_FINISHED] = "finished",
	    [ROOM_ROUND_BREAK] = "round break",
	    [ROOM_WAGER] = "wager",
	    [ROOM_JUDGING] = "judging",
	};

	if ((unsigned)s < sizeof(names) / sizeof(names[0]) && names[s])
		return names[s];
	return "?";
}

/* A stored event row as the core's event (strings borrowed from row). */
static struct room_event row_event(const struct store_event *e)
{
	struct room_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = e->seq;
	ev.kind = room_event_kind_parse(e->kind ? e->kind : "");
	ev.at_us = e->at_us;
	ev.player = e->player;
	ev.q = e->q;
	ev.choice_mask = e->choice_mask;
	ev.one_way_us = e->one_way_us;
	ev.arg = e->arg;
	ev.arg2 = e->arg2;
	ev.nick = e->nick;
	ev.team = e->team;
	ev.text = e->text;
	return ev;
}

/* Keeps from a replayed input's effects what the live room tracks beside
 * the core (who answered what, the JUDGING already announced), then drops
 * them: the first run persisted and sent them. Returns -QE_INTERNAL if the
 * event the core logged again does not carry the stored seq. */
static int replay_effects(struct lroom *lr, uint64_t seq)
{
	const struct room_effect *fx;
	size_t i, n;
	int r = 0;

	seats_grow(lr, room_player_slots(lr->room) + 1);
	fx = room_effects(lr->room, &n);
	for (i = 0; i < n; i++) {
		const struct room_effect *e = &fx[i];
		struct room_judge j;
		size_t k;

		if (e->kind == FX_EVENT && e->u.ev.seq != seq)
			r = -QE_INTERNAL;
		if (e->kind == FX_ANSWER && e->u.answer.player < lr->nseats)
			lr->answered_q[e->u.answer.player] = e->q + 1;
		if (e->kind != FX_JUDGE)
			continue;
		if (room_judge_view(lr->room, &j) && j.q == e->q)
			for (k = 0; k < j.nitems; k++)
				if (j.items[k].player &&
				    j.items[k].player < lr->nseats)
					lr->answered_q[j.items[k].player] =
					    e->q + 1;
		if (room_state(lr->room) == ROOM_JUDGING)
			lr->judging_q1 = e->q + 1;
	}
	room_effects_clear(lr->room);
	return r;
}

/* Makes the room of a match log and replays its events into it. Returns
 * the room (not started, not registered), or NULL (logged). */
static struct lroom *rebuild_room(struct hub *h,
				  const struct store_match_log *m)
{
	struct room_settings s;
	struct contest *c = xcalloc(1, sizeof(*c));
	struct lroom *lr = NULL;
	char err[160];
	size_t i;
	int r;

	if (matchdef_read(m->definition, &s, c, err, sizeof(err)) < 0) {
		log_error("rebuild", "match %llu: definition unreadable: %s",
			  (unsigned long long)m->match, err);
		goto fail;
	}
	lr = lroom_alloc(h, m->code, REBUILD_OWNER);
	lr->match_id = m->match;
	lr->room = room_new(&s, c, h->srv->bank, lr->host_token);
	if (!lr->room) {
		log_error("rebuild", "match %llu: room refused its contest",
			  (unsigned long long)m->match);
		goto fail;
	}
	lr->formats = contest_formats(c);
	for (i = 0; i < m->nevents; i++) {
		const struct store_event *e = &m->events[i].e;
		struct room_event ev = row_event(e);

		if (!ev.kind) {
			log_error("rebuild",
				  "match %llu: event %llu of unknown kind '%s'",
				  (unsigned long long)m->match,
				  (unsigned long long)e->seq,
				  e->kind ? e->kind : "");
			goto fail;
		}
		r = room_apply(lr->room, &ev);
		if (r >= 0)
			r = replay_effects(lr, e->seq);
		else
			room_effects_clear(lr->room);
		if (r < 0) {
			log_error("rebuild",
				  "match %llu: event %llu (%s) refused on "
				  "replay: %s",
				  (unsigned long long)m->match,
				  (unsigned long long)e->seq, e->kind,
				  quiz_strerror(r));
			goto fail;
		}
		if (ev.kind == EV_END)
			lr->ended_by_host = true;
	}
	free(c);
	return lr;
fail:
	if (lr)
		lroom_free(lr); /* never started: no handles */
	free(c);
	return NULL;
}

/* A question closed before the restart whose barrier never committed:
 * queued again so that the room reveals it (room_committed). */
static void rebuild_close_again(struct lroom *lr, uint32_t q)
{
	struct hub *h = lr->hub;
	struct pending p;

	memset(&p, 0, sizeof(p));
	p.token = ++h->next_token;
	p.kind = PEND_CLOSED;
	p.room = lr;
	p.q = q;
	store_question_closed(h->srv->store, lr->match_id, q, p.token);
	hub_pend_push(h, &p);
}

/* Rebuilds one unfinished match. Returns 1 rebuilt, 0 skipped (nothing to
 * replay from), or a negative error (logged). */
static int rebuild_match(struct hub *h, uint64_t id)
{
	struct store *st = h->srv->store;
	struct store_match_log m;
	const struct room_effect *fx;
	struct lroom *lr = NULL;
	bool closed_fx = false;
	int64_t at = 0;
	size_t i, n;
	int r;

	memset(&m, 0, sizeof(m));
	r = store_load_match(st, id, &m);
	if (r < 0) {
		log_error("rebuild", "match %llu: cannot read it: %s",
			  (unsigned long long)id, quiz_strerror(r));
		return r;
	}
	if (!m.definition || !m.definition[0]) {
		log_warn("rebuild",
			 "match %llu: no definition (stored before "
			 "schema v3): not rebuilt",
			 (unsigned long long)id);
		r = 0;
		goto out;
	}
	if (hub_find_room(h, m.code)) {
		log_error("rebuild", "match %llu: code %s already in use",
			  (unsigned long long)id, m.code);
		r = -QE_BAD_STATE;
		goto out;
	}
	if (!(lr = rebuild_room(h, &m))) {
		r = -QE_BAD_STATE;
		goto out;
	}
	if (m.nevents)
		at = m.events[m.nevents - 1].e.at_us;
	if (room_state(lr->room) != ROOM_FINISHED &&
	    (r = room_recover(lr->room, at, h->srv->cfg.void_interrupted)) <
		0) {
		log_error("rebuild", "match %llu: recover refused: %s",
			  (unsigned long long)id, quiz_strerror(r));
		room_effects_clear(lr->room);
		lroom_free(lr);
		goto out;
	}
	if (guard_rooms_add(h->guard, lr->owner, 1, net_now_us()) < 0) {
		log_error("rebuild", "match %llu: guard table full",
			  (unsigned long long)id);
		room_effects_clear(lr->room);
		lroom_free(lr);
		r = -QE_SERVER_FULL;
		goto out;
	}
	snprintf(lr->judge_hash, sizeof(lr->judge_hash), "%s", m.judge_hash);
	lr->judge_token[0] = '\0'; /* only its hash survived the restart */
	lr->host_shown = false;	   /* nobody holds the host seat yet */
	for (i = 0; i < m.nseats; i++) {
		const struct store_seat_row *sr = &m.seats[i];

		if (!sr->hash[0])
			continue;
		if (sr->player == 0)
			snprintf(lr->host_hash, sizeof(lr->host_hash), "%s",
				 sr->hash);
		seats_ref_put(h, sr->hash, lr, sr->player);
	}
	if (!lr->host_hash[0])
		log_warn(lr->tag,
			 "match %llu: no host token stored: no one can take "
			 "the host seat back",
			 (unsigned long long)id);
	lroom_start(lr);
	if (room_state(lr->room) == ROOM_LOBBY) {
		/* nobody is seated yet: a lobby seat whose owner does not come
		 * back is freed after the grace, as for any lobby seat left */
		size_t slots = room_player_slots(lr->room);

		seats_grow(lr, slots + 1);
		for (i = 1; i <= slots; i++) {
			const struct room_player *p =
			    room_player(lr->room, (uint32_t)i);

			if (p && !p->kicked)
				seats_gone_push(lr, (uint32_t)i);
		}
	}
	if (room_state(lr->room) == ROOM_FINISHED) {
		/* the end was logged but its results were not written: the
		 * normal finish path, once */
		store_group_begin(st);
		lroom_finish(lr);
		store_group_end(st);
	} else {
		store_match_running(st, id);
		fx = room_effects(lr->room, &n);
		for (i = 0; i < n; i++)
			closed_fx |= fx[i].kind == FX_CLOSED;
		lroom_flush(lr, NULL); /* EV_RECOVER, a void's close */
		if (!closed_fx && room_state(lr->room) == ROOM_CLOSED)
			rebuild_close_again(lr, room_question_index(lr->room));
	}
	log_info(lr->tag,
		 "rebuilt match %llu as %s: %u players, %zu events, "
		 "state %s",
		 (unsigned long long)id, lr->code,
		 (unsigned)room_player_count(lr->room), m.nevents,
		 state_name(room_state(lr->room)));
	r = 1;
out:
	store_match_log_free(&m);
	return r;
}

int hub_rebuild(struct hub *h, uint32_t *failed)
{
	uint64_t *ids = NULL;
	int n, i, r, done = 0;

	*failed = 0;
	n = store_unfinished(h->srv->store, &ids);
	if (n < 0) {
		log_error("rebuild", "cannot list unfinished matches: %s",
			  quiz_strerror(n));
		(*failed)++;
		return 0;
	}
	for (i = 0; i < n; i++) {
		r = rebuild_match(h, ids[i]);
		if (r > 0)
			done++;
		else if (r < 0)
			(*failed)++;
	}
	free(ids);
	if (n)
		log_info("rebuild", "%d match(es) rebuilt, %u failed", done,
			 (unsigned)*failed);
	return done;
}
