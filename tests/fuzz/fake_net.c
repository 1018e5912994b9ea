/* A socket-free server/net.h for the dispatch target (see fake_net.h). To
 * follow a change of net.h, add the function here. */
#include "fake_net.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_clock.h"
#include "frame.h"
#include "xalloc.h"

struct conn {
	struct net *net;
	unsigned slot;
	uint64_t id;
	char tag[24];
	char peer[48];
	void *data;
	uint8_t *in; /* partial frame carried over */
	size_t in_len;
	size_t frame_max; /* conn_set_frame_max */
	size_t out_bytes; /* queued while stalled */
	bool stalled;
	bool closing;
	bool announced;
};

struct net {
	uv_loop_t *loop;
	struct net_limits lim;
	struct net_callbacks cb;
	void *arg;
	struct conn *slots[FAKE_NET_SLOTS];
	struct conn *cursor; /* net_cursor */
	uint32_t nconns, announced;
	uint64_t next_id;
	fake_net_sent_fn sent;
	void *sent_arg;
};

int64_t net_now_us(void)
{
	return fake_clock_now();
}

void net_mark(struct net *n)
{
	(void)n;
}

struct net *net_new(uv_loop_t *loop, const struct net_limits *lim,
		    const struct net_callbacks *cb, void *arg)
{
	struct net *n = xcalloc(1, sizeof(*n));

	n->loop = loop;
	n->lim = *lim;
	n->cb = *cb;
	n->arg = arg;
	return n;
}

int net_listen(struct net *n, const char *host, int port, int *bound)
{
	(void)n;
	(void)host;
	*bound = port;
	return 0;
}

/* The fake has no listening socket: nothing to stop. */
void net_stop_listening(struct net *n)
{
	(void)n;
}

void net_close(struct net *n)
{
	unsigned i;

	for (i = 0; i < FAKE_NET_SLOTS; i++)
		if (n->slots[i])
			conn_close(n->slots[i], 0);
	fake_net_reap(n);
	free(n);
}

uint32_t net_conn_count(const struct net *n)
{
	return n->nconns;
}

/* The first connection in a slot from slot i on, or NULL. */
static struct conn *fake_net_from(const struct net *n, unsigned i)
{
	for (; i < FAKE_NET_SLOTS; i++)
		if (n->slots[i])
			return n->slots[i];
	return NULL;
}

struct conn *net_conns(const struct net *n)
{
	return fake_net_from(n, 0);
}

struct conn *conn_next(const struct conn *c)
{
	return fake_net_from(c->net, c->slot + 1);
}

struct conn *net_cursor(const struct net *n)
{
	return n->cursor;
}

void net_set_cursor(struct net *n, struct conn *c)
{
	n->cursor = c;
}

int conn_send(struct conn *c, struct wbuf *b)
{
	if (c->closing)
		return -EPIPE;
	if (c->stalled) {
		if (c->out_bytes + b->len > c->net->lim.max_out_bytes) {
			conn_close(c, 0);
			return -ENOBUFS;
		}
		c->out_bytes += b->len;
		return 0;
	}
	if (c->net->sent)
		c->net->sent(c, c->slot, b->data, b->len, c->net->sent_arg);
	return 0;
}

int conn_sendv(struct conn *c, struct wbuf *const *bs, unsigned n)
{
	unsigned i;
	int r = 0;

	if (n == 0 || n > CONN_SENDV_MAX)
		return -EINVAL;
	for (i = 0; i < n && r == 0; i++)
		r = conn_send(c, bs[i]);
	return r;
}

void conn_close(struct conn *c, int graceful)
{
	(void)graceful;
	c->closing = true;
}

uint64_t conn_id(const struct conn *c)
{
	return c->id;
}

const char *conn_tag(const struct conn *c)
{
	return c->tag;
}

const char *conn_peer(const struct conn *c)
{
	return c->peer;
}

void conn_set_data(struct conn *c, void *data)
{
	c->data = data;
}

void *conn_data(const struct conn *c)
{
	return c->data;
}

size_t conn_queued(const struct conn *c)
{
	return c->out_bytes;
}

/* The fuzzer's peers are all local (the edge's remote ones are net's). */
bool conn_is_remote(const struct conn *c)
{
	(void)c;
	return false;
}

int64_t conn_remote_delay(const struct conn *c)
{
	(void)c;
	return -1;
}

/* ---- controls ------------------------------------------------------- */

void fake_net_on_sent(struct net *n, fake_net_sent_fn fn, void *arg)
{
	n->sent = fn;
	n->sent_arg = arg;
}

int fake_net_open(struct net *n, const char *peer)
{
	struct conn *c;
	unsigned i;

	for (i = 0; i < FAKE_NET_SLOTS && n->slots[i]; i++)
		;
	if (i == FAKE_NET_SLOTS)
		return -1;
	c = xcalloc(1, sizeof(*c));
	c->net = n;
	c->slot = i;
	c->id = ++n->next_id;
	snprintf(c->tag, sizeof(c->tag), "c%llu", (unsigned long long)c->id);
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	n->slots[i] = c;
	n->nconns++;
	c->frame_max = FRAME_MAX;
	if (n->nconns > n->lim.max_conns) {
		struct wbuf *b =
		    n->cb.notice ? n->cb.notice(NET_FULL, n->arg) : NULL;

		if (b) {
			(void)conn_send(c, b);
			wbuf_unref(b);
		}
		conn_close(c, 1);
		return (int)i;
	}
	c->announced = true;
	n->announced++;
	n->cb.on_open(c, n->arg);
	return (int)i;
}

struct conn *fake_net_slot(struct net *n, unsigned slot)
{
	struct conn *c = slot < FAKE_NET_SLOTS ? n->slots[slot] : NULL;

	return c && !c->closing ? c : NULL;
}

void fake_net_input(struct conn *c, const uint8_t *buf, size_t len)
{
	struct net *n = c->net;
	int64_t stamp = net_now_us();
	size_t off = 0;

	if (c->closing || len == 0)
		return;
	c->in = xrealloc(c->in, c->in_len + len);
	memcpy(c->in + c->in_len, buf, len);
	c->in_len += len;
	while (off < c->in_len && !c->closing) {
		const uint8_t *payload;
		size_t plen;
		int64_t r =
		    frame_parse(c->in + off, c->in_len - off, &payload, &plen);

		if (c->in_len - off >= FRAME_HEADER &&
		    ((size_t)c->in[off] << 24 | (size_t)c->in[off + 1] << 16 |
		     (size_t)c->in[off + 2] << 8 | c->in[off + 3]) >
			c->frame_max)
			r = -1; /* over this connection's limit */
		if (r == 0)
			break;
		if (r < 0) {
			n->cb.on_bad_frame(c, n->arg);
			conn_close(c, 0);
			return;
		}
		n->cb.on_frame(c, payload, plen, stamp, n->arg);
		off += (size_t)r;
	}
	if (c->closing)
		return;
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

void conn_set_frame_max(struct conn *c, size_t max)
{
	c->frame_max = max < FRAME_MAX ? max : FRAME_MAX;
}

void fake_net_hangup(struct conn *c)
{
	conn_close(c, 0);
}

void fake_net_stall(struct conn *c, bool stalled)
{
	c->stalled = stalled;
	if (!stalled)
		c->out_bytes = 0;
}

void fake_net_reap(struct net *n)
{
	unsigned i;

	for (i = 0; i < FAKE_NET_SLOTS; i++) {
		struct conn *c = n->slots[i];

		if (!c || !c->closing)
			continue;
		if (c->announced) {
			n->cb.on_close(c, n->arg);
			n->announced--;
		}
		if (n->cursor == c)
			n->cursor = conn_next(c);
		n->slots[i] = NULL;
		n->nconns--;
		free(c->in);
		free(c);
	}
}

uint32_t fake_net_announced(const struct net *n)
{
	return n->announced;
}

bool conn_remote_token(const struct conn *c, uint8_t *out)
{
	(void)c;
	(void)out;
	return false;
}
