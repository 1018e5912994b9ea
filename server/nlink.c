/* The NATS link (nlink.h): libnats on its threads, callbacks on the loop. */
#include "nlink.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nats/nats.h>

#include "log.h"
#include "xalloc.h"

#define NLINK_SUBS_MAX	   4
#define NLINK_RECONNECT_MS 250 /* wait between reconnect attempts */

struct nlink_sub {
	natsSubscription *sub;
	nlink_msg_fn fn;
	void *arg;
	struct nlink *l;
};

/* One delivery waiting for the loop: a message, or a state change. */
struct nlink_item {
	struct nlink_item *next;
	natsMsg *msg; /* NULL: a state change */
	struct nlink_sub *sub;
	int up;
};

struct nlink {
	uv_async_t async;
	natsConnection *nc;
	natsOptions *opts;
	nlink_state_fn state_fn;
	void *arg;
	struct nlink_sub subs[NLINK_SUBS_MAX];
	unsigned nsubs;
	pthread_mutex_t lock;
	struct nlink_item *head, *tail; /* under lock */
	bool closing;			/* under lock */
	/* who may still touch this struct (under lock): the loop until its
	 * handle closed, the connection until libnats' closed callback, each
	 * subscription until its completion callback; the last frees it */
	int refs;
	int up; /* loop side */
};

/* Drops one reference; the last one frees the link. */
static void nlink_unref(struct nlink *l)
{
	int left;

	pthread_mutex_lock(&l->lock);
	left = --l->refs;
	pthread_mutex_unlock(&l->lock);
	if (left)
		return;
	pthread_mutex_destroy(&l->lock);
	free(l);
}

/* Queues a delivery for the loop and wakes it, unless the link is closing
 * (the wake-up is sent under the lock: nlink_close closes the handle only
 * after it set closing under the same lock). */
static void nlink_push(struct nlink *l, struct nlink_item *it)
{
	bool drop;

	pthread_mutex_lock(&l->lock);
	drop = l->closing;
	if (!drop) {
		it->next = NULL;
		if (l->tail)
			l->tail->next = it;
		else
			l->head = it;
		l->tail = it;
		uv_async_send(&l->async);
	}
	pthread_mutex_unlock(&l->lock);
	if (drop) {
		if (it->msg)
			natsMsg_Destroy(it->msg);
		free(it);
	}
}

/* libnats' threads */
static void on_nats_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg,
			void *closure)
{
	struct nlink_sub *s = closure;
	struct nlink_item *it = xcalloc(1, sizeof(*it));

	(void)nc;
	(void)sub;
	it->msg = msg;
	it->sub = s;
	nlink_push(s->l, it);
}

static void on_nats_state(struct nlink *l, int up)
{
	struct nlink_item *it = xcalloc(1, sizeof(*it));

	it->up = up;
	nlink_push(l, it);
}

static void on_nats_connected(natsConnection *nc, void *closure)
{
	(void)nc;
	on_nats_state(closure, 1);
}

static void on_nats_disconnected(natsConnection *nc, void *closure)
{
	(void)nc;
	on_nats_state(closure, 0);
}

/* libnats' last callback of the connection (after nlink_close). */
static void on_nats_closed(natsConnection *nc, void *closure)
{
	(void)nc;
	nlink_unref(closure);
}

/* A subscription's handler has returned for the last time. */
static void on_sub_complete(void *closure)
{
	struct nlink_sub *sub = closure;

	nlink_unref(sub->l);
}

/* Takes everything queued for the loop (the list, oldest first). */
static struct nlink_item *nlink_take(struct nlink *l)
{
	struct nlink_item *it;

	pthread_mutex_lock(&l->lock);
	it = l->head;
	l->head = l->tail = NULL;
	pthread_mutex_unlock(&l->lock);
	return it;
}

/* the loop */
static void on_async(uv_async_t *a)
{
	struct nlink *l = a->data;
	struct nlink_item *it, *next;

	for (it = nlink_take(l); it; it = next) {
		next = it->next;
		if (it->msg) {
			size_t len = (size_t)natsMsg_GetDataLength(it->msg);

			it->sub->fn((const uint8_t *)natsMsg_GetData(it->msg),
				    len, it->sub->arg);
			natsMsg_Destroy(it->msg);
		} else if (it->up != l->up) {
			l->up = it->up;
			if (l->state_fn)
				l->state_fn(it->up, l->arg);
		}
		free(it);
	}
}

struct nlink *nlink_open(uv_loop_t *loop, const char *url, const char *name,
			 nlink_state_fn state_fn, void *arg, char *err,
			 size_t errcap)
{
	struct nlink *l = xcalloc(1, sizeof(*l));
	natsStatus s;

	pthread_mutex_init(&l->lock, NULL);
	l->refs = 1; /* the loop's */
	l->state_fn = state_fn;
	l->arg = arg;
	s = natsOptions_Create(&l->opts);
	if (s == NATS_OK)
		s = natsOptions_SetURL(l->opts, url);
	if (s == NATS_OK)
		s = natsOptions_SetName(l->opts, name);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(l->opts, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(l->opts, NLINK_RECONNECT_MS);
	if (s == NATS_OK) /* a message published while down is not kept:
			     the other side will have given up on it */
		s = natsOptions_SetReconnectBufSize(l->opts, 8 << 20);
	if (s == NATS_OK) /* each publish is already a whole loop
			     iteration's batch: no wait for more */
		s = natsOptions_SetSendAsap(l->opts, true);
	if (s == NATS_OK)
		s = natsOptions_SetDisconnectedCB(l->opts, on_nats_disconnected,
						  l);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectedCB(l->opts, on_nats_connected, l);
	if (s == NATS_OK)
		s = natsOptions_SetClosedCB(l->opts, on_nats_closed, l);
	if (s == NATS_OK)
		s = natsOptions_SetRetryOnFailedConnect(l->opts, true,
							on_nats_connected, l);
	if (s != NATS_OK) {
		snprintf(err, errcap, "NATS options: %s",
			 natsStatus_GetText(s));
		natsOptions_Destroy(l->opts);
		pthread_mutex_destroy(&l->lock);
		free(l);
		return NULL;
	}
	uv_async_init(loop, &l->async, on_async);
	l->async.data = l;
	s = natsConnection_Connect(&l->nc, l->opts);
	if (l->nc) { /* its closed callback will come */
		pthread_mutex_lock(&l->lock);
		l->refs++;
		pthread_mutex_unlock(&l->lock);
	}
	if (s == NATS_OK) {
		on_nats_state(l, 1);
	} else if (s != NATS_NOT_YET_CONNECTED) {
		snprintf(err, errcap, "NATS %s: %s", url,
			 natsStatus_GetText(s));
		nlink_close(l);
		return NULL;
	} else {
		log_warn("nats", "%s not reachable yet: retrying", url);
	}
	return l;
}

int nlink_subscribe(struct nlink *l, const char *subject, nlink_msg_fn fn,
		    void *arg)
{
	struct nlink_sub *s;

	if (l->nsubs == NLINK_SUBS_MAX)
		return -1;
	s = &l->subs[l->nsubs];
	s->fn = fn;
	s->arg = arg;
	s->l = l;
	if (natsConnection_Subscribe(&s->sub, l->nc, subject, on_nats_msg, s) !=
	    NATS_OK)
		return -1;
	if (natsSubscription_SetOnCompleteCB(s->sub, on_sub_complete, s) ==
	    NATS_OK) {
		pthread_mutex_lock(&l->lock);
		l->refs++;
		pthread_mutex_unlock(&l->lock);
	}
	/* the loop drains the queue; libnats must not drop behind it */
	natsSubscription_SetPendingLimits(s->sub, -1, -1);
	l->nsubs++;
	return 0;
}

int nlink_publish(struct nlink *l, const char *subject, const void *data,
		  size_t len)
{
	if (natsConnection_Publish(l->nc, subject, data, (int)len) != NATS_OK)
		return -1;
	return 0;
}

int nlink_up(const struct nlink *l)
{
	return l->up;
}

static void on_async_closed(uv_handle_t *h)
{
	struct nlink *l = h->data;
	struct nlink_item *it, *next;

	for (it = nlink_take(l); it; it = next) {
		next = it->next;
		if (it->msg)
			natsMsg_Destroy(it->msg);
		free(it);
	}
	nlink_unref(l);
}

void nlink_close(struct nlink *l)
{
	unsigned i;

	/* nothing is queued for the loop from now on; libnats' threads may
	 * still call back until their last callbacks (the references) */
	pthread_mutex_lock(&l->lock);
	l->closing = true;
	pthread_mutex_unlock(&l->lock);
	for (i = 0; i < l->nsubs; i++)
		natsSubscription_Unsubscribe(l->subs[i].sub);
	if (l->nc) {
		natsConnection_Close(l->nc);
		natsConnection_Destroy(l->nc);
	}
	for (i = 0; i < l->nsubs; i++)
		natsSubscription_Destroy(l->subs[i].sub);
	natsOptions_Destroy(l->opts);
	uv_close((uv_handle_t *)&l->async, on_async_closed);
}
