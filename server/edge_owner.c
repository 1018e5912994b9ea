/* quizd --edge, the owners' side (edge_int.h): a batch, beats and a clock
 * per owner node, and routing: which owner a contestant's frames go to
 * (docs/CLUSTER.md, "Routing"). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edge_int.h"
#include "frame.h"
#include "log.h"
#include "quiz.pb-c.h"
#include "tokenhash.h"
#include "xalloc.h"

/* A batch to an owner is published at this size even mid-iteration. */
#define EDGE_BATCH_BYTES (256 * 1024)

static void on_kick(uv_idle_t *h)
{
	(void)h;
}

struct eowner *eowner_get(struct edge *e, const char *name)
{
	struct eowner *o;

	for (o = e->owners; o; o = o->next)
		if (strcmp(o->name, name) == 0)
			return o;
	if (!cluster_name_ok(name))
		return NULL;
	o = xcalloc(1, sizeof(*o));
	o->e = e;
	snprintf(o->name, sizeof(o->name), "%s", name);
	snprintf(o->subject, sizeof(o->subject), "%s.%s", CLUSTER_SUBJ_NODE,
		 name);
	o->next = e->owners;
	e->owners = o;
	return o;
}

void eowner_begin(struct eowner *o)
{
	if (!o->out.len)
		cw_begin(&o->out, CW_TO_OWNER, o->e->o->node, o->e->epoch);
	if (!o->out.records)
		uv_idle_start(&o->e->kick, on_kick);
}

static void eowner_flush(struct eowner *o)
{
	struct edge *e = o->e;

	if (!o->out.records)
		return;
	/* the beat's t0 is when it leaves, not when it was queued: the
	 * owner's clock is estimated from it */
	if (o->beat_rec)
		cw_beat_stamp(&o->out, o->beat_rec, net_now_us());
	o->beat_rec = 0;
	if (nlink_publish(e->l, o->subject, o->out.data, o->out.len) < 0)
		log_warn("edge", "publish to %s failed: %u records lost",
			 o->name, (unsigned)o->out.records);
	o->out.len = 0;
	o->out.records = 0;
}

void edge_flush_all(struct edge *e)
{
	struct eowner *o;

	for (o = e->owners; o; o = o->next)
		eowner_flush(o);
	if (e->who.records &&
	    nlink_publish(e->l, CLUSTER_SUBJ_WHO, e->who.data, e->who.len) < 0)
		log_warn("edge", "publish of %u WHO failed",
			 (unsigned)e->who.records);
	e->who.len = 0;
	e->who.records = 0;
}

static void eowner_beat(struct eowner *o)
{
	eowner_begin(o);
	o->beat_rec = o->out.len;
	cw_beat(&o->out, net_now_us(), 0, 0);
}

/* Beats every owner we route to (and the default one); an owner silent
 * past CLUSTER_DEAD_MS is taken for gone with its contestants. */
void edge_beat_all(struct edge *e)
{
	int64_t now = net_now_us();
	struct eowner *o;

	for (o = e->owners; o; o = o->next) {
		if (o->alive && now - o->heard_at > CLUSTER_DEAD_MS * 1000LL) {
			o->alive = false;
			edge_close_all(e, o, "the owner is silent");
		}
		if (o == e->dflt || o->nconns || o->alive)
			eowner_beat(o);
	}
}

void edge_relay(struct edge *e, struct econn *ec, const uint8_t *payload,
		size_t len, int64_t recv_us)
{
	struct eowner *o = ec->owner;
	int64_t at = recv_us + o->offset;

	eowner_begin(o);
	cw_frame(&o->out, conn_id(ec->c), at,
		 ec->cs.n ? clocksync_delays_one_way(&ec->cs) : -1, payload,
		 (uint32_t)len);
	e->frames_in++;
	if (o->out.len >= EDGE_BATCH_BYTES)
		eowner_flush(o);
}

bool edge_hold(struct econn *ec, const uint8_t *payload, size_t len,
	       int64_t recv_us)
{
	struct held *h;

	if (ec->nheld == EDGE_HELD_MAX)
		return false;
	if (!ec->held) /* rare and short-lived: not in every contestant */
		ec->held = xmalloc(EDGE_HELD_MAX * sizeof(*ec->held));
	h = &ec->held[ec->nheld++];
	h->recv_us = recv_us;
	h->len = (uint32_t)len;
	h->payload = xmalloc(len ? len : 1);
	memcpy(h->payload, payload, len);
	return true;
}

void edge_release(struct econn *ec)
{
	uint8_t i;

	for (i = 0; i < ec->nheld; i++)
		free(ec->held[i].payload);
	ec->nheld = 0;
	free(ec->held);
	ec->held = NULL;
	free(ec->hello.payload);
	ec->hello.payload = NULL;
}

/* The contestant goes to owner o: OPEN (with the token of the edge's own
 * Welcome, if it gave one), its Hello, then what was held. */
void edge_route(struct edge *e, struct econn *ec, struct eowner *o)
{
	uint8_t i;

	if (!o->alive) { /* it would never answer: the client retries */
		log_info(conn_tag(ec->c), "owner %s not reachable: closing",
			 o->name);
		edge_release(ec);
		conn_close(ec->c, 0);
		return;
	}
	ec->owner = o;
	ec->state = EC_ROUTED;
	o->nconns++;
	if (o != e->dflt)
		e->routed_away++;
	eowner_begin(o);
	cw_open(&o->out, conn_id(ec->c), conn_peer(ec->c),
		ec->edge_welcome ? ec->token : NULL);
	ec->drop_welcome = ec->edge_welcome;
	if (ec->hello.payload)
		edge_relay(e, ec, ec->hello.payload, ec->hello.len,
			   ec->hello.recv_us);
	for (i = 0; i < ec->nheld; i++) {
		struct held *h = &ec->held[i];
		Quiz__V1__Envelope *env;

		env = quiz__v1__envelope__unpack(NULL, h->len, h->payload);
		if (env && env->body_case == QUIZ__V1__ENVELOPE__BODY_PING) {
			quiz__v1__envelope__free_unpacked(env, NULL);
			continue; /* answered below, in o's clock */
		}
		if (env)
			quiz__v1__envelope__free_unpacked(env, NULL);
		edge_relay(e, ec, h->payload, h->len, h->recv_us);
	}
	edge_answer_held_pings(e, ec);
	edge_release(ec);
}

/* A room code's key as a map id (FNV-1a; never 0). */
static uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*key)
		h = (h ^ (uint8_t)*key++) * 0x100000001b3ULL;
	return h | 1;
}

/* Files queries[i] in the maps. */
static void query_index(struct edge *e, size_t i)
{
	void *v = (void *)(uintptr_t)(i + 1);

	idmap_put(&e->qids, e->queries[i].qid, v);
	if (e->queries[i].hashed)
		idmap_put(&e->qcodes, e->queries[i].hashed, v);
}

static struct equery *query_at(struct edge *e, void *v)
{
	return v ? &e->queries[(uintptr_t)v - 1] : NULL;
}

static struct equery *query_find(struct edge *e, uint64_t qid)
{
	return query_at(e, idmap_get(&e->qids, qid));
}

/* The pending question for a room code, if any. */
static struct equery *query_of_code(struct edge *e, const char *code)
{
	struct equery *q = query_at(e, idmap_get(&e->qcodes, key_hash(code)));

	return q && strcmp(q->key, code) == 0 ? q : NULL;
}

/* Drops q; the last query takes its slot. */
static void query_drop(struct edge *e, struct equery *q)
{
	size_t i = (size_t)(q - e->queries);

	idmap_del(&e->qids, q->qid);
	if (q->hashed)
		idmap_del(&e->qcodes, q->hashed);
	free(q->eids);
	if (i != --e->nqueries) {
		*q = e->queries[e->nqueries];
		query_index(e, i);
	}
}

/* Routes every contestant waiting on query q to o, and drops q. */
static void query_answer(struct edge *e, struct equery *q, struct eowner *o)
{
	uint64_t qid = q->qid, *eids = q->eids;
	size_t i, n = q->n;

	q->eids = NULL;
	query_drop(e, q);
	for (i = 0; i < n; i++) {
		struct econn *ec = idmap_get(&e->conns, eids[i]);

		if (ec && ec->state == EC_ASKING && ec->qid == qid)
			edge_route(e, ec, o);
	}
	free(eids);
}

static struct ecode *code_find(struct edge *e, const char *code, int64_t now)
{
	int i;

	for (i = 0; i < EDGE_CODES; i++)
		if (e->codes[i].until > now &&
		    strcmp(e->codes[i].code, code) == 0)
			return &e->codes[i];
	return NULL;
}

static void code_keep(struct edge *e, const char *code, struct eowner *o,
		      int64_t now)
{
	struct ecode *slot = &e->codes[0];
	int i;

	for (i = 0; i < EDGE_CODES; i++)
		if (e->codes[i].until < slot->until)
			slot = &e->codes[i];
	snprintf(slot->code, sizeof(slot->code), "%s", code);
	slot->owner = o;
	slot->until = now + EDGE_CODE_TTL_US;
}

void edge_route_by(struct edge *e, struct econn *ec, enum cw_who kind,
		   const char *key)
{
	int64_t now = net_now_us();
	char hash[TOKEN_HASH_HEX + 1];
	struct equery *q = NULL;
	struct ecode *known;

	if (kind == CW_WHO_CODE && (known = code_find(e, key, now)) &&
	    known->owner->alive) {
		edge_route(e, ec, known->owner);
		return;
	}
	if (kind == CW_WHO_TOKEN) {
		token_hash_hex(key, hash);
		key = hash;
	}
	/* one question per key at a time: a join storm waits on one */
	if (kind == CW_WHO_CODE)
		q = query_of_code(e, key);
	if (!q) {
		if (e->nqueries == e->capq) {
			e->capq = e->capq ? e->capq * 2 : 16;
			e->queries =
			    xrealloc(e->queries, e->capq * sizeof(*e->queries));
		}
		q = &e->queries[e->nqueries++];
		memset(q, 0, sizeof(*q));
		q->qid = ++e->next_qid;
		q->kind = kind;
		snprintf(q->key, sizeof(q->key), "%s", key);
		q->at = now;
		/* two codes of one hash: the second is asked on its own */
		if (kind == CW_WHO_CODE &&
		    !idmap_get(&e->qcodes, key_hash(key)))
			q->hashed = key_hash(key);
		query_index(e, e->nqueries - 1);
		if (!e->who.len)
			cw_begin(&e->who, CW_TO_OWNER, e->o->node, e->epoch);
		if (!e->who.records)
			uv_idle_start(&e->kick, on_kick);
		cw_who(&e->who, q->qid, kind, key);
	}
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 4;
		q->eids = xrealloc(q->eids, q->cap * sizeof(*q->eids));
	}
	q->eids[q->n++] = conn_id(ec->c);
	ec->state = EC_ASKING;
	ec->qid = q->qid;
}

void edge_queries_expire(struct edge *e, int64_t now)
{
	size_t i = 0;

	while (i < e->nqueries) {
		struct equery *q = &e->queries[i];

		if (now - q->at < EDGE_WHO_WAIT_US)
			i++;
		else /* q's slot now holds another: look at it again */
			query_answer(e, q, e->dflt);
	}
}

/* Marks who may be pinged: a Question opens the window of its recipients,
 * a Reveal or Result closes it; a Welcome lets pings start. Returns the
 * frame's kind. */
static int note_sent(const uint8_t *bytes, size_t len, struct econn **to,
		     uint32_t n)
{
	Quiz__V1__Envelope *env;
	int64_t reveal_at;
	uint32_t i;
	int kind;

	if (len <= FRAME_HEADER)
		return 0;
	env = quiz__v1__envelope__unpack(NULL, len - FRAME_HEADER,
					 bytes + FRAME_HEADER);
	if (!env)
		return 0;
	kind = env->body_case;
	reveal_at = kind == QUIZ__V1__ENVELOPE__BODY_QUESTION
			? (int64_t)env->question->reveal_at_us
			: 0;
	quiz__v1__envelope__free_unpacked(env, NULL);
	for (i = 0; i < n; i++) {
		if (!to[i])
			continue;
		if (kind == QUIZ__V1__ENVELOPE__BODY_WELCOME) {
			to[i]->welcomed = true;
		} else if (kind == QUIZ__V1__ENVELOPE__BODY_QUESTION) {
			to[i]->q_open = true;
			to[i]->reveal_at = reveal_at;
		} else if (kind == QUIZ__V1__ENVELOPE__BODY_REVEAL ||
			   kind == QUIZ__V1__ENVELOPE__BODY_RESULT) {
			to[i]->q_open = false;
		}
	}
	return kind;
}

/* A SEND from owner o: the frame is copied into one wbuf and written to
 * each of its contestants that is routed to o. The owner's Welcome to a
 * contestant the edge welcomed itself is dropped (the contestant has the
 * same token from the edge's). */
static void owner_send(struct edge *e, struct eowner *o, const struct cw_rec *r)
{
	struct econn *stack[64], **to = stack;
	struct wbuf *b;
	uint32_t i;
	int kind;

	if (r->len <= FRAME_HEADER || !r->n)
		return;
	if (r->n > 64)
		to = xmalloc(r->n * sizeof(*to));
	for (i = 0; i < r->n; i++) {
		to[i] = idmap_get(&e->conns, cw_eid(r, i));
		if (to[i] && to[i]->owner != o)
			to[i] = NULL; /* not ours from this owner */
	}
	kind = note_sent(r->bytes, r->len, to, r->n);
	b = wbuf_new(r->len);
	memcpy(b->data, r->bytes, r->len);
	for (i = 0; i < r->n; i++) {
		if (!to[i])
			continue; /* gone meanwhile */
		if (kind == QUIZ__V1__ENVELOPE__BODY_WELCOME &&
		    to[i]->drop_welcome) {
			to[i]->drop_welcome = false;
			continue;
		}
		(void)conn_send(to[i]->c, b);
		e->frames_out++;
	}
	wbuf_unref(b);
	if (to != stack)
		free(to);
}

/* A BEAT answered: o's clock. */
static void owner_beat(struct eowner *o, const struct cw_rec *r)
{
	struct clocksync_sample best;

	if (clocksync_add(&o->cs, r->t0, r->t1, r->t2, o->heard_at) < 0 ||
	    !clocksync_best(&o->cs, &best))
		return;
	if (llabs(best.offset - o->offset) > 50 || !o->offset_err)
		log_info("edge",
			 "owner %s clock: %+" PRId64 " us from ours, +-%" PRId64
			 " us",
			 o->name, best.offset, best.delay / 2);
	o->offset = best.offset;
	o->offset_err = best.delay / 2;
}

void on_owner_msg(const uint8_t *data, size_t len, void *arg)
{
	struct edge *e = arg;
	struct cw_reader rd;
	struct cw_header h;
	struct eowner *o;
	struct equery *q;
	struct econn *ec;
	struct cw_rec r;
	int k;

	if (e->stopping)
		return;
	if (cw_read_header(&rd, data, len, &h) < 0 || h.dir != CW_TO_EDGE ||
	    !(o = eowner_get(e, h.name))) {
		log_warn("edge", "a message that is not an owner's: ignored");
		return;
	}
	if (o->epoch && h.epoch != o->epoch)
		edge_close_all(e, o, "the owner restarted");
	o->epoch = h.epoch;
	o->heard_at = net_now_us();
	if (!o->alive)
		log_info("edge", "owner %s is there", o->name);
	o->alive = true;
	net_mark(e->net);
	while ((k = cw_next(&rd, &r)) > 0) {
		switch (r.type) {
		case CW_SEND:
			owner_send(e, o, &r);
			break;
		case CW_CLOSE:
			ec = idmap_get(&e->conns, r.eid);
			if (ec && ec->owner == o)
				conn_close(ec->c, r.graceful);
			break;
		case CW_BEAT:
			owner_beat(o, &r);
			break;
		case CW_OWN:
			if (!(q = query_find(e, r.qid)))
				break; /* answered already, or expired */
			if (q->kind == CW_WHO_CODE)
				code_keep(e, q->key, o, o->heard_at);
			query_answer(e, q, o);
			break;
		default:
			break; /* not for an edge */
		}
	}
	if (k < 0)
		log_warn("edge", "owner %s: malformed record: rest ignored",
			 o->name);
}

void edge_owners_free(struct edge *e)
{
	struct eowner *o;

	while ((o = e->owners)) {
		e->owners = o->next;
		cw_buf_free(&o->out);
		free(o);
	}
	cw_buf_free(&e->who);
	while (e->nqueries)
		query_drop(e, &e->queries[0]);
	free(e->queries);
	idmap_free(&e->qids);
	idmap_free(&e->qcodes);
}
