/* The owner's side of a cluster (cluster.h). */
#include "cluster.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_wire.h"
#include "hub.h"
#include "idmap.h"
#include "log.h"
#include "net.h"
#include "nlink.h"
#include "server.h"
#include "xalloc.h"

/* A batch is published when it passes this many bytes, even mid-iteration
 * (NATS' default max_payload is 1 MiB). */
#define CLUSTER_BATCH_BYTES (512 * 1024)

/* A record waiting in an edge's batch. */
struct orec {
	enum cw_type type; /* CW_SEND, CW_CLOSE, CW_BEAT */
	struct wbuf *b;	   /* SEND: a reference */
	uint64_t *eids;	   /* SEND */
	uint32_t n, cap;
	uint64_t eid; /* CLOSE */
	bool graceful;
	int64_t t0, t1, t2; /* BEAT */
	uint64_t qid;	    /* OWN */
};

/* A remote connection: which edge holds it, under which id. */
struct rconn {
	struct conn *c;
	struct cedge *e;
	uint64_t eid;
	uint64_t batch; /* the edge's batch number of last_rec */
	uint32_t last_rec;
};

/* One edge node, as heard of. */
struct cedge {
	struct cedge *next;
	struct cluster *cl;
	char name[CW_NAME_MAX + 1];
	char subject[sizeof(CLUSTER_SUBJ_EDGE) + CW_NAME_MAX + 1];
	uint64_t epoch;
	int64_t heard_at;
	struct idmap conns; /* eid -> struct rconn */
	/* the batch: its records, and where each wbuf's latest SEND is */
	struct orec *recs;
	uint32_t nrecs, capr;
	struct idmap sends; /* wbuf address -> record index + 1 */
	size_t bytes;
	uint64_t batch;
};

struct cluster {
	struct server *srv;
	struct nlink *l;
	char node[CW_NAME_MAX + 1];
	uint64_t epoch;
	struct cedge *edges;
	uv_check_t flush;  /* publishes the batches after each iteration */
	uv_idle_t kick;	   /* keeps the poll from blocking while one waits */
	uv_timer_t watch;  /* edges gone silent */
	struct cw_buf out; /* serialising */
	int handles;
	bool closing;
};

int cluster_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > CW_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return 0;
	}
	return 1;
}

/* --- the batches --- */

static void on_kick(uv_idle_t *h);

static struct orec *edge_rec_new(struct cedge *e, enum cw_type type)
{
	struct orec *r;

	if (e->nrecs == e->capr) {
		e->capr = e->capr ? e->capr * 2 : 64;
		e->recs = xrealloc(e->recs, e->capr * sizeof(*e->recs));
	}
	r = &e->recs[e->nrecs++];
	memset(r, 0, sizeof(*r));
	r->type = type;
	if (!e->bytes)
		uv_idle_start(&e->cl->kick, on_kick);
	e->bytes += 32;
	return r;
}

/* Serialises and publishes an edge's batch, then empties it. */
static void edge_flush(struct cedge *e)
{
	struct cluster *cl = e->cl;
	uint32_t i;

	if (!e->nrecs)
		return;
	cw_begin(&cl->out, CW_TO_EDGE, cl->node, cl->epoch);
	for (i = 0; i < e->nrecs; i++) {
		struct orec *r = &e->recs[i];

		switch (r->type) {
		case CW_SEND:
			cw_send(&cl->out, r->b->data, (uint32_t)r->b->len,
				r->eids, r->n);
			wbuf_unref(r->b);
			free(r->eids);
			break;
		case CW_CLOSE:
			cw_close(&cl->out, r->eid, r->graceful);
			break;
		case CW_OWN:
			cw_own(&cl->out, r->qid);
			break;
		case CW_BEAT: /* t2: when the reply leaves */
			cw_beat(&cl->out, r->t0, r->t1, net_now_us());
			break;
		default:
			break;
		}
	}
	if (nlink_publish(cl->l, e->subject, cl->out.data, cl->out.len) < 0)
		log_warn("cluster", "publish to %s failed: %u records lost",
			 e->name, (unsigned)e->nrecs);
	e->nrecs = 0;
	e->bytes = 0;
	e->batch++;
	idmap_free(&e->sends);
}

static void edge_maybe_flush(struct cedge *e)
{
	if (e->bytes >= CLUSTER_BATCH_BYTES)
		edge_flush(e);
}

static void on_flush(uv_check_t *h)
{
	struct cluster *cl = h->data;
	struct cedge *e;

	for (e = cl->edges; e; e = e->next)
		edge_flush(e);
	uv_idle_stop(&cl->kick);
}

static void on_kick(uv_idle_t *h)
{
	(void)h;
}

/* One wbuf to one remote connection. A wbuf already in the batch gets the
 * connection's id added to its record, unless the connection was sent a
 * later record already (its frames must reach it in order): then the
 * wbuf starts a new record. */
static void edge_add_send(struct cedge *e, struct rconn *rc, struct wbuf *b)
{
	uintptr_t got = (uintptr_t)idmap_get(&e->sends, (uintptr_t)b);
	struct orec *r;
	uint32_t i;

	if (got && (rc->batch != e->batch || rc->last_rec <= got - 1)) {
		i = (uint32_t)(got - 1);
	} else {
		r = edge_rec_new(e, CW_SEND);
		r->b = b;
		wbuf_ref(b);
		e->bytes += b->len;
		i = e->nrecs - 1;
		idmap_put(&e->sends, (uintptr_t)b, (void *)(uintptr_t)(i + 1));
	}
	r = &e->recs[i];
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		r->eids = xrealloc(r->eids, r->cap * sizeof(*r->eids));
	}
	r->eids[r->n++] = rc->eid;
	e->bytes += 8;
	rc->batch = e->batch;
	rc->last_rec = i;
}

/* --- the net sink --- */

static int sink_send(struct conn *c, struct wbuf *const *bs, unsigned n,
		     void *arg)
{
	struct rconn *rc = arg;
	unsigned i;

	(void)c;
	for (i = 0; i < n; i++)
		edge_add_send(rc->e, rc, bs[i]);
	edge_maybe_flush(rc->e);
	return 0;
}

/* The session ended it: the edge closes the socket; the id is forgotten
 * now (the edge's GONE that follows finds nothing). */
static void sink_close(struct conn *c, int graceful, void *arg)
{
	struct rconn *rc = arg;
	struct orec *r;

	(void)c;
	r = edge_rec_new(rc->e, CW_CLOSE);
	r->eid = rc->eid;
	r->graceful = graceful != 0;
	idmap_del(&rc->e->conns, rc->eid);
	free(rc);
}

static const struct net_remote_sink the_sink = {
    .send = sink_send,
    .close = sink_close,
};

/* --- the edges --- */

static void collect_eid(uint64_t id, void *ptr, void *arg)
{
	uint64_t **at = arg;

	(void)ptr;
	*(*at)++ = id;
}

/* Ends every connection an edge held (it died or restarted). Each is
 * taken out of the map before it ends: a session that ends may close
 * others, which then are no longer there. */
static void edge_drop_conns(struct cedge *e)
{
	uint64_t *ids, *at;
	struct rconn *rc;
	size_t i, n = e->conns.n;

	if (!n)
		return;
	ids = at = xmalloc(n * sizeof(*ids));
	idmap_each(&e->conns, collect_eid, &at);
	for (i = 0; i < n; i++) {
		if (!(rc = idmap_del(&e->conns, ids[i])))
			continue;
		net_remote_gone(rc->c);
		free(rc);
	}
	free(ids);
}

static void edge_free(struct cedge *e)
{
	uint32_t i;

	edge_drop_conns(e);
	for (i = 0; i < e->nrecs; i++) {
		if (e->recs[i].type != CW_SEND)
			continue;
		wbuf_unref(e->recs[i].b);
		free(e->recs[i].eids);
	}
	free(e->recs);
	idmap_free(&e->sends);
	idmap_free(&e->conns);
	free(e);
}

static struct cedge *edge_get(struct cluster *cl, const struct cw_header *h)
{
	struct cedge *e;

	for (e = cl->edges; e; e = e->next)
		if (strcmp(e->name, h->name) == 0)
			break;
	if (!e) {
		if (!cluster_name_ok(h->name))
			return NULL;
		e = xcalloc(1, sizeof(*e));
		e->cl = cl;
		snprintf(e->name, sizeof(e->name), "%s", h->name);
		snprintf(e->subject, sizeof(e->subject), "%s.%s",
			 CLUSTER_SUBJ_EDGE, h->name);
		e->epoch = h->epoch;
		e->next = cl->edges;
		cl->edges = e;
		log_info("cluster", "edge %s joined", e->name);
	} else if (e->epoch != h->epoch) {
		log_warn("cluster",
			 "edge %s restarted: its %zu connection(s) end",
			 e->name, e->conns.n);
		edge_drop_conns(e);
		e->epoch = h->epoch;
	}
	e->heard_at = net_now_us();
	return e;
}

static void edge_open(struct cedge *e, const struct cw_rec *r)
{
	struct rconn *rc;
	struct conn *c;

	if (idmap_get(&e->conns, r->eid))
		return; /* a repeat: the first stands */
	rc = xcalloc(1, sizeof(*rc));
	rc->e = e;
	rc->eid = r->eid;
	rc->batch = UINT64_MAX;
	/* in the map before on_open runs: a session may send at once */
	idmap_put(&e->conns, r->eid, rc);
	c = net_remote_open(e->cl->srv->net, &the_sink, rc, r->ip);
	/* on_open may have closed it already (sink_close freed rc) */
	if (idmap_get(&e->conns, r->eid) != rc)
		return;
	if (!c) {
		idmap_del(&e->conns, r->eid);
		free(rc);
		return;
	}
	rc->c = c;
	if (r->has_token) /* the edge welcomed it: its Hello follows */
		net_remote_set_token(c, r->token);
}

static void on_edge_msg(const uint8_t *data, size_t len, void *arg)
{
	struct cluster *cl = arg;
	struct cw_reader rd;
	struct cw_header h;
	struct cw_rec r;
	struct cedge *e;
	struct rconn *rc;
	struct orec *o;
	int k;

	if (cl->closing)
		return;
	if (cw_read_header(&rd, data, len, &h) < 0 || h.dir != CW_TO_OWNER ||
	    !(e = edge_get(cl, &h))) {
		log_warn("cluster", "a message that is not an edge's: ignored");
		return;
	}
	net_mark(cl->srv->net);
	while ((k = cw_next(&rd, &r)) > 0) {
		switch (r.type) {
		case CW_OPEN:
			edge_open(e, &r);
			break;
		case CW_FRAME:
			if ((rc = idmap_get(&e->conns, r.eid)))
				net_remote_frame(rc->c, r.bytes, r.len,
						 r.recv_us, r.one_way_us);
			break;
		case CW_GONE:
			if ((rc = idmap_del(&e->conns, r.eid))) {
				net_remote_gone(rc->c);
				free(rc);
			}
			break;
		case CW_WHO: /* only the owner that has it answers */
			if (r.kind == CW_WHO_CODE
				? hub_has_code(cl->srv->hub, r.key)
				: hub_has_token_hash(cl->srv->hub, r.key)) {
				o = edge_rec_new(e, CW_OWN);
				o->qid = r.qid;
			}
			break;
		case CW_BEAT:
			/* the edge's clock ping: echoed with our times */
			o = edge_rec_new(e, CW_BEAT);
			o->t0 = r.t0;
			o->t1 = e->heard_at;
			break;
		default:
			break; /* not for an owner */
		}
	}
	if (k < 0)
		log_warn("cluster", "edge %s: malformed record: rest ignored",
			 e->name);
}

static void on_watch(uv_timer_t *t)
{
	struct cluster *cl = t->data;
	int64_t now = net_now_us();
	struct cedge **pp = &cl->edges, *e;

	while ((e = *pp)) {
		if (now - e->heard_at < CLUSTER_DEAD_MS * 1000LL) {
			pp = &e->next;
			continue;
		}
		if (e->conns.n)
			log_warn("cluster",
				 "edge %s silent for %d ms: its %zu "
				 "connection(s) end",
				 e->name, CLUSTER_DEAD_MS, e->conns.n);
		else
			log_info("cluster", "edge %s silent for %d ms: gone",
				 e->name, CLUSTER_DEAD_MS);
		*pp = e->next;
		edge_free(e);
	}
}

struct cluster *cluster_owner_new(struct server *srv, struct nlink *l,
				  const char *node)
{
	struct cluster *cl = xcalloc(1, sizeof(*cl));
	char subject[sizeof(CLUSTER_SUBJ_NODE) + CW_NAME_MAX + 1];

	cl->srv = srv;
	cl->l = l;
	snprintf(cl->node, sizeof(cl->node), "%s", node);
	server_random(&cl->epoch, sizeof(cl->epoch));
	uv_check_init(srv->loop, &cl->flush);
	uv_idle_init(srv->loop, &cl->kick);
	uv_timer_init(srv->loop, &cl->watch);
	cl->flush.data = cl->kick.data = cl->watch.data = cl;
	uv_check_start(&cl->flush, on_flush);
	uv_timer_start(&cl->watch, on_watch, CLUSTER_BEAT_MS, CLUSTER_BEAT_MS);
	snprintf(subject, sizeof(subject), "%s.%s", CLUSTER_SUBJ_NODE, node);
	if (nlink_subscribe(l, subject, on_edge_msg, cl) < 0 ||
	    nlink_subscribe(l, CLUSTER_SUBJ_WHO, on_edge_msg, cl) < 0) {
		cluster_owner_close(cl);
		return NULL;
	}
	log_info("cluster", "node %s serving edges on %s", node, subject);
	return cl;
}

static void on_handle_closed(uv_handle_t *h)
{
	struct cluster *cl = h->data;

	if (--cl->handles == 0) {
		cw_buf_free(&cl->out);
		free(cl);
	}
}

void cluster_owner_close(struct cluster *cl)
{
	struct cedge *e;

	cl->closing = true;
	while ((e = cl->edges)) {
		cl->edges = e->next;
		edge_flush(e); /* the CLOSEs of the shutdown */
		edge_free(e);
	}
	cl->handles = 3;
	uv_close((uv_handle_t *)&cl->flush, on_handle_closed);
	uv_close((uv_handle_t *)&cl->kick, on_handle_closed);
	uv_close((uv_handle_t *)&cl->watch, on_handle_closed);
}
