/* The requests a live room takes: create, join, watch, host commands,
 * answers and stakes. Each sends its own reply on success and returns 0,
 * or returns a negative quiz error code for the session to send. */
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
#include "roomcode.h"
#include "store.h"
#include "text.h"
#include "tokenhash.h"
#include "xalloc.h"

/* A seat's token: its hash is kept in the store (player 0: host) and is
 * its key in the resume table. */
static void seat_token(struct lroom *lr, uint32_t player, const char *token)
{
	char hash[TOKEN_HASH_HEX + 1];

	token_hash_hex(token, hash);
	store_seat(lr->hub->srv->store, lr->match_id, player, hash);
	seats_ref_put(lr->hub, hash, lr, player);
}

/* A fresh judge token: JUDGE_TOKEN_SYMBOLS random symbols of the room
 * codes' alphabet (typed the same lenient way: roomcode_read). */
static void judge_token_new(char *out)
{
	uint8_t raw[JUDGE_TOKEN_SYMBOLS];

	server_random(raw, sizeof(raw));
	roomcode_symbols(raw, sizeof(raw), out);
}

/* The caller may create a room: host key, per-address and server limits,
 * storage. Returns 0 or the refusal. */
static int create_allowed(struct hub *h, struct session *ss,
			  const char *host_key)
{
	const struct server_config *cfg = &h->srv->cfg;
	const char *ip = conn_peer(ss->conn);

	if (ss->room)
		return -QE_BAD_STATE; /* one live room per connection */
	if (cfg->host_key) {
		if (!guard_lookup_ok(h->guard, ip, net_now_us()))
			return -QE_RATE_LIMITED;
		if (!text_secret_eq(host_key, cfg->host_key)) {
			guard_lookup_failed(h->guard, ip, net_now_us(),
					    "create");
			return -QE_WRONG_PIN;
		}
	}
	if (guard_rooms(h->guard, ip) >= cfg->rooms_per_addr) {
		log_debug("guard", "%s: %u live rooms, create refused", ip,
			  guard_rooms(h->guard, ip));
		return -QE_RATE_LIMITED;
	}
	if (h->nrooms >= cfg->max_rooms)
		return -QE_SERVER_FULL;
	if (store_stalled(h->srv->store))
		return -QE_STORAGE_UNAVAILABLE;
	return 0;
}

int hub_create_room(struct hub *h, struct session *ss,
		    const struct hub_create *req)
{
	struct room_settings s = req->settings;
	char code[ROOMCODE_SIZE];
	struct store_match sm;
	const char *ip = conn_peer(ss->conn);
	struct pending p;
	struct lroom *lr;
	int r;

	r = create_allowed(h, ss, req->host_key);
	if (r < 0)
		return r;
	if (hub_new_code(h, code) < 0)
		return -QE_SERVER_FULL;
	while (!s.seed)
		server_random(&s.seed, sizeof(s.seed));
	s.comp_cap_us = h->srv->cfg.comp_cap_us; /* quizd --comp-cap-ms */
	if (guard_rooms_add(h->guard, ip, 1, net_now_us()) < 0)
		return -QE_SERVER_FULL;
	lr = lroom_alloc(h, code, ip);
	judge_token_new(lr->judge_token);
	token_hash_hex(lr->host_token, lr->host_hash);
	token_hash_hex(lr->judge_token, lr->judge_hash);
	lr->host_shown = true; /* the creator holds the host seat */
	lr->room = room_new(&s, req->contest, h->srv->bank, lr->host_token);
	lr->formats = contest_formats(req->contest);
	memset(&sm, 0, sizeof(sm));
	sm.code = lr->code;
	sm.title = s.title;
	sm.format = (int)req->contest->rounds[0].format;
	sm.question_count = 0; /* each round's draw is stored as it begins */
	sm.time_limit_us = req->contest->rounds[0].time_limit_us;
	sm.points = s.points;
	sm.seed = s.seed;
	/* RoomCreated goes out once the match row is committed: an id
	 * announced is never reused after a crash */
	memset(&p, 0, sizeof(p));
	p.token = ++h->next_token;
	p.kind = PEND_CREATED;
	p.room = lr;
	/* one group: the match row, its definition and its tokens commit
	 * together */
	store_group_begin(h->srv->store);
	lr->match_id = store_match_begin_notify(h->srv->store, &sm, p.token);
	if (lr->match_id) {
		char *def = matchdef_write(&s, req->contest);

		store_match_definition(h->srv->store, lr->match_id, def);
		free(def);
		if (req->contest_text)
			store_match_contest(h->srv->store, lr->match_id,
					    req->contest_text);
		store_match_judge(h->srv->store, lr->match_id, lr->judge_hash);
		store_seat(h->srv->store, lr->match_id, 0, lr->host_hash);
		hub_pend_push(h, &p);
	}
	store_group_end(h->srv->store);
	lr->creator = ss;
	lr->create_seq = req->seq;
	lroom_start(lr);

	ss->room = lr;
	ss->role = ROLE_HOST;
	seats_watcher_add(lr, ss);
	/* the host seat: by this connection's resume token, and by the host
	 * token of RoomCreated (whose hash the store keeps: it also takes
	 * the seat back after a restart) */
	{
		char hash[TOKEN_HASH_HEX + 1], token[QUIZ_TOKEN_BUF];

		session_token_hex(ss, token);
		token_hash_hex(token, hash);
		seats_ref_put(h, hash, lr, 0);
		seats_ref_put(h, lr->host_hash, lr, 0);
	}
	log_info(lr->tag, "created by %s: %u rounds, match %llu",
		 conn_tag(ss->conn), req->contest->nrounds,
		 (unsigned long long)lr->match_id);
	if (!lr->match_id)
		hub_send_room_created(lr); /* not recorded (logged) */
	return 0;
}

/* Announces the room to its creator once its match row is committed. */
void hub_send_room_created(struct lroom *lr)
{
	struct session *ss = lr->creator;

	lr->creator = NULL;
	if (!ss || ss->room != lr)
		return; /* the host left before the commit */
	push_room_created(lr, ss, lr->create_seq);
}

/* A client that cannot play every format of the room is refused before it
 * takes a seat or a screen. */
static int formats_ok(const struct lroom *lr, const struct session *ss)
{
	return (lr->formats & ~ss->formats) ? -QE_UNSUPPORTED_FORMAT : 0;
}

/* A join refused for its team in a room with a fixed team list: the
 * sentence names the teams, so that a mistyped team can be corrected. */
static void team_refusal(const struct lroom *lr, const struct hub_join *req)
{
	const struct contest *c = room_contest(lr->room);
	size_t o;
	uint32_t i;
	int n;

	if (!req->why || !req->why_cap || !c->nteams ||
	    !text_valid_name(req->nickname, QUIZ_NAME_MAX) ||
	    (req->team[0] &&
	     roster_team_find(room_roster(lr->room), req->team) >= 0))
		return;
	n = snprintf(req->why, req->why_cap, "%s: this contest's teams are",
		     req->team[0] ? "that team is not on this contest's list"
				  : "a team is required");
	o = n > 0 && (size_t)n < req->why_cap ? (size_t)n : 0;
	/* whole names only (a cut one could end inside a UTF-8 sequence) */
	for (i = 0; i < c->nteams; i++) {
		size_t need = 2 + strlen(c->teams[i]);

		if (o + need + 4 >= req->why_cap) {
			snprintf(req->why + o, req->why_cap - o, " …");
			break;
		}
		o += (size_t)snprintf(req->why + o, req->why_cap - o, "%s %s",
				      i ? "," : "", c->teams[i]);
	}
}

int hub_join(struct hub *h, struct session *ss, const struct hub_join *req)
{
	const char *ip = conn_peer(ss->conn);
	char token[QUIZ_TOKEN_BUF];
	struct lroom *lr;
	int64_t pid;
	int r;

	if (ss->room)
		return -QE_BAD_STATE;
	if (strlen(req->code) > QUIZ_CODE_INPUT_MAX)
		return -QE_BAD_MESSAGE;
	r = hub_lookup_room(h, ss, req->code, "join", &lr);
	if (r < 0)
		return r;
	if ((r = formats_ok(lr, ss)) < 0)
		return r;
	if (guard_count_get(lr->joins, ip) >= h->srv->cfg.joins_per_addr) {
		log_debug(lr->tag, "%s: %u joins from %s, refused",
			  conn_tag(ss->conn), guard_count_get(lr->joins, ip),
			  ip);
		return -QE_ROOM_FULL;
	}
	pid = room_join(lr->room, net_now_us(), req->nickname, req->team);
	if (pid == -QE_ROOM_FULL && room_state(lr->room) == ROOM_LOBBY &&
	    room_player_count(lr->room) >=
		room_settings(lr->room)->max_players &&
	    seats_gone_evict_one(lr))
		pid =
		    room_join(lr->room, net_now_us(), req->nickname, req->team);
	if (pid < 0) {
		lroom_flush(lr, NULL); /* an eviction's leave, if any */
		if (pid == -QE_BAD_MESSAGE)
			team_refusal(lr, req);
		return (int)pid;
	}
	guard_count_inc(lr->joins, ip);
	seats_take(lr, (uint32_t)pid, ss);
	/* the player row, its token's hash and the join's event: one group */
	store_group_begin(h->srv->store);
	store_player(h->srv->store, lr->match_id, (uint32_t)pid, req->nickname,
		     req->team);
	session_token_hex(ss, token);
	seat_token(lr, (uint32_t)pid, token);
	lroom_flush(lr, NULL);
	store_group_end(h->srv->store);
	push_joined(lr, ss, req->seq);
	push_catch_up(lr, ss);
	log_debug(lr->tag, "%s joined as player %lld", conn_tag(ss->conn),
		  (long long)pid);
	return 0;
}

int hub_watch(struct hub *h, struct session *ss, const char *code,
	      const char *host_token, const char *judge_token, uint32_t seq)
{
	char canon[JUDGE_TOKEN_SYMBOLS + 1], hash[TOKEN_HASH_HEX + 1];
	char token[QUIZ_TOKEN_BUF];
	struct lroom *lr;
	int r;

	if (ss->room)
		return -QE_BAD_STATE;
	if (strlen(code) > QUIZ_CODE_INPUT_MAX ||
	    strlen(host_token) > QUIZ_TOKEN_INPUT_MAX ||
	    strlen(judge_token) > QUIZ_TOKEN_INPUT_MAX)
		return -QE_BAD_MESSAGE;
	r = hub_lookup_room(h, ss, code, "watch", &lr);
	if (r < 0)
		return r;
	if ((r = formats_ok(lr, ss)) < 0)
		return r;
	if (host_token[0]) {
		/* by hash: after a restart only the hash is known */
		token_hash_hex(host_token, hash);
		if (!lr->host_hash[0] || !text_secret_eq(hash, lr->host_hash)) {
			guard_lookup_failed(h->guard, conn_peer(ss->conn),
					    net_now_us(), "host token");
			return -QE_WRONG_PIN;
		}
		seats_host_take(lr, ss);
		session_token_hex(ss, token);
		token_hash_hex(token, hash);
		seats_ref_put(h, hash, lr, 0);
		ss->judge = false;
	} else if (judge_token[0]) {
		/* counted like a wrong host token: guessing costs the same */
		if (roomcode_read(judge_token, JUDGE_TOKEN_SYMBOLS, canon) < 0)
			canon[0] = '\0';
		token_hash_hex(canon, hash);
		if (!canon[0] || !lr->judge_hash[0] ||
		    !text_secret_eq(hash, lr->judge_hash)) {
			guard_lookup_failed(h->guard, conn_peer(ss->conn),
					    net_now_us(), "judge token");
			return -QE_WRONG_PIN;
		}
		ss->role = ROLE_SCREEN;
		ss->judge = true;
		log_info(lr->tag, "%s watches as a judge", conn_tag(ss->conn));
	} else {
		ss->role = ROLE_SCREEN;
		ss->judge = false;
	}
	ss->room = lr;
	seats_watcher_add(lr, ss);
	push_watching(lr, ss, seq);
	push_catch_up(lr, ss);
	seats_host_status(lr); /* the others, if the host seat was empty */
	return 0;
}

int hub_command(struct hub *h, struct session *ss, enum room_cmd cmd,
		uint32_t player, uint32_t seq)
{
	struct lroom *lr = ss->room;
	int r;

	(void)h;
	if (!lr)
		return -QE_NOT_HOST;
	if ((unsigned)cmd > (unsigned)CMD_END)
		return -QE_BAD_MESSAGE;
	r = room_command(lr->room, net_now_us(),
			 ss->role == ROLE_HOST ? lr->host_token : NULL, cmd,
			 player);
	if (r < 0)
		return r;
	if (cmd == CMD_END)
		lr->ended_by_host = true;
	push_ok(ss, seq);
	log_info(lr->tag, "host command %d", (int)cmd);
	lroom_flush(lr, NULL);
	return 0;
}

/* A contestant's request may be taken: the session holds a seat and the
 * store can queue what it records (past the write queue's bound it is
 * refused before the room records it, so it may be sent again). */
static int contestant_ok(const struct session *ss)
{
	if (!ss->room || ss->role != ROLE_PLAYER)
		return -QE_BAD_STATE;
	if (!store_accepting(ss->room->hub->srv->store))
		return -QE_STORAGE_UNAVAILABLE;
	return 0;
}

int hub_answer(struct hub *h, struct session *ss, uint32_t q,
	       uint32_t choice_mask, const char *text, int64_t recv_us,
	       uint32_t seq)
{
	struct lroom *lr = ss->room;
	struct room_answer_in in;
	struct lroom_req req;
	int64_t rt;
	int r;

	(void)h;
	if ((r = contestant_ok(ss)) < 0)
		return r;
	req.seq = seq;
	req.text = text;
	memset(&in, 0, sizeof(in));
	in.recv_us = recv_us;
	in.player = ss->player;
	in.q = q;
	in.choice_mask = choice_mask;
	in.text = text;
	in.one_way_us = seats_delay(lr, ss);
	/* the late-question rule: timed from when q reached the seat, if
	 * that was after reveal_at (docs/PROTOCOL.md) */
	in.sent_us = seats_q_sent(lr, ss->player, q);
	r = room_answer_in(lr->room, &in, &rt);
	if (r == 0)
		lroom_flush(lr, &req);
	return r;
}

int hub_wager(struct hub *h, struct session *ss, uint32_t q, int32_t stake,
	      uint32_t seq)
{
	struct lroom *lr = ss->room;
	struct lroom_req req = {.seq = seq, .text = NULL};
	int r;

	(void)h;
	if ((r = contestant_ok(ss)) < 0)
		return r;
	r = room_wager(lr->room, net_now_us(), ss->player, q, stake);
	if (r == 0)
		lroom_flush(lr, &req);
	return r;
}

int hub_buzz(struct hub *h, struct session *ss, uint32_t q, int64_t recv_us,
	     uint32_t seq)
{
	struct lroom *lr = ss->room;
	struct lroom_req req = {.seq = seq, .text = NULL};
	struct room_buzz b;
	int64_t sent = 0;
	int r;

	(void)h;
	if ((r = contestant_ok(ss)) < 0)
		return r;
	/* sent_us: when the arming the press answers reached this seat */
	if (room_buzz_view(lr->room, &b) && b.q == q)
		sent = seats_arm_sent(lr, ss->player, q, b.arm);
	r = room_buzz(lr->room, recv_us, ss->player, q, seats_delay(lr, ss),
		      sent, lr->bound_us);
	if (r == 0)
		lroom_flush(lr, &req);
	return r;
}

int hub_verdict(struct hub *h, struct session *ss, const struct hub_verdict *v,
		uint32_t seq)
{
	struct lroom *lr = ss->room;
	bool host;
	int r;

	(void)h;
	if (!lr || !push_insider(ss))
		return -QE_NOT_JUDGE;
	if (!store_accepting(lr->hub->srv->store))
		return -QE_STORAGE_UNAVAILABLE;
	host = ss->role == ROLE_HOST;
	r = room_verdict(lr->room, net_now_us(), v->q, v->item, v->correct,
			 host ? "host" : "judge");
	if (r < 0)
		return r;
	push_ok(ss, seq);
	log_info(lr->tag, "verdict on q%u item %u by the %s", (unsigned)v->q,
		 (unsigned)v->item, host ? "host" : "judge");
	lroom_flush(lr, NULL);
	return 0;
}
