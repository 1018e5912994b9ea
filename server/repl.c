/* An owner's store replicated over JetStream, and the standby that takes
 * its place (server/repl.h, docs/CLUSTER.md "Takeover"). */
#include "repl.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nats/nats.h>

#include "cluster_wire.h"
#include "log.h"
#include "server.h"
#include "store.h"
#include "xalloc.h"

#define REPL_WAIT_MS	   2000 /* a JetStream request's answer */
#define REPL_CHECK_WAIT_MS 300	/* the beat thread's check of the stream */
#define REPL_CONNECT_MS	   10000
#define REPL_RECONNECT_MS  250
#define REPL_DEDUPE_NS	   (120LL * 1000000000LL)
#define REPL_SUBJ	   "quizd.repl"
/* the stream of node NAME, and its row in a database's repl_state */
#define REPL_STREAM_PREFIX "QUIZD_REPL_"
#define REPL_BEAT_SUBJ	   "quizd.replbeat"
/* Each message of the stream: a byte of flags, then a slice of a batch. */
#define REPL_M_FIRST   1u /* the batch's first slice */
#define REPL_M_LAST    2u /* its last: the batch is whole */
#define REPL_CHUNK_MIN 64

struct repl {
	natsOptions *opts;
	natsConnection *nc;
	jsCtx *js;
	jsCtx *js_check; /* the beat thread's, with a short wait */
	char node[CW_NAME_MAX + 1];
	char stream[sizeof(REPL_STREAM_PREFIX) + CW_NAME_MAX];
	char subj[sizeof(REPL_SUBJ) + CW_NAME_MAX + 1];
	char beat_subj[sizeof(REPL_BEAT_SUBJ) + CW_NAME_MAX + 1];
	char epoch[17]; /* this process, in its messages' ids */

	/* the owner: the publisher (writer thread) and the beat thread */
	pthread_mutex_t lock; /* a publish and a check of the stream */
	uint64_t last;	      /* the stream's last sequence that is ours */
	pthread_t beat;
	bool beating;
	pthread_mutex_t beat_lock;
	pthread_cond_t beat_cond;
	bool stopping;

	/* the standby: when the owner last beat (monotonic us) */
	natsSubscription *beat_sub;
	int64_t heard_us;
	uint8_t *acc; /* the slices of the batch being put together */
	size_t acc_len, acc_cap;
	bool acc_open;

	size_t chunk; /* bytes of a batch a message holds */
	uint8_t *msg; /* a message being built (writer thread) */
};

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};

	nanosleep(&ts, NULL);
}

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static const char *js_text(natsStatus s, jsErrCode je)
{
	static __thread char buf[96];

	if (je) {
		snprintf(buf, sizeof(buf), "%s (JetStream error %d)",
			 natsStatus_GetText(s), (int)je);
		return buf;
	}
	return natsStatus_GetText(s);
}

/* The stream's last sequence, creating the stream if there is none.
 * NATS_OK or the failure. */
static natsStatus stream_last(struct repl *r, jsCtx *js, uint64_t *last,
			      jsErrCode *je)
{
	const char *subjects[1] = {r->subj};
	jsStreamInfo *si = NULL;
	jsStreamConfig cfg;
	natsStatus s;

	*je = 0;
	s = js_GetStreamInfo(&si, js, r->stream, NULL, je);
	if (s == NATS_NOT_FOUND || *je == JSStreamNotFoundErr) {
		jsStreamConfig_Init(&cfg);
		cfg.Name = r->stream;
		cfg.Subjects = subjects;
		cfg.SubjectsLen = 1;
		cfg.Storage = js_FileStorage;
		cfg.Retention = js_LimitsPolicy;
		cfg.Duplicates = REPL_DEDUPE_NS;
		*je = 0;
		s = js_AddStream(&si, js, &cfg, NULL, je);
		if (s == NATS_OK)
			log_info("repl", "stream %s created for %s", r->stream,
				 r->subj);
	}
	if (s == NATS_OK)
		*last = si->State.LastSeq;
	jsStreamInfo_Destroy(si);
	return s;
}

struct repl *repl_open(const char *url, const char *node, char *err,
		       size_t errcap)
{
	struct repl *r = xcalloc(1, sizeof(*r));
	int64_t deadline = mono_us() + REPL_CONNECT_MS * 1000LL;
	jsOptions jo;
	jsErrCode je = 0;
	uint64_t last;
	uint8_t ep[8];
	natsStatus s;
	int i;

	pthread_mutex_init(&r->lock, NULL);
	pthread_mutex_init(&r->beat_lock, NULL);
	pthread_cond_init(&r->beat_cond, NULL);
	snprintf(r->node, sizeof(r->node), "%s", node);
	snprintf(r->stream, sizeof(r->stream), "%s%s", REPL_STREAM_PREFIX,
		 node);
	snprintf(r->subj, sizeof(r->subj), "%s.%s", REPL_SUBJ, node);
	snprintf(r->beat_subj, sizeof(r->beat_subj), "%s.%s", REPL_BEAT_SUBJ,
		 node);
	server_random(ep, sizeof(ep));
	for (i = 0; i < 8; i++)
		snprintf(r->epoch + 2 * i, 3, "%02x", ep[i]);
	s = natsOptions_Create(&r->opts);
	if (s == NATS_OK)
		s = natsOptions_SetURL(r->opts, url);
	if (s == NATS_OK)
		s = natsOptions_SetName(r->opts, node);
	if (s == NATS_OK)
		s = natsOptions_SetMaxReconnect(r->opts, -1);
	if (s == NATS_OK)
		s = natsOptions_SetReconnectWait(r->opts, REPL_RECONNECT_MS);
	if (s == NATS_OK)
		s = natsOptions_SetSendAsap(r->opts, true);
	if (s != NATS_OK) {
		snprintf(err, errcap, "NATS options: %s",
			 natsStatus_GetText(s));
		goto fail;
	}
	do {
		s = natsConnection_Connect(&r->nc, r->opts);
		if (s != NATS_OK)
			sleep_us(REPL_RECONNECT_MS * 1000);
	} while (s != NATS_OK && mono_us() < deadline);
	if (s != NATS_OK) {
		snprintf(err, errcap, "cannot reach NATS at %s: %s", url,
			 natsStatus_GetText(s));
		goto fail;
	}
	jsOptions_Init(&jo);
	jo.Wait = REPL_WAIT_MS;
	s = natsConnection_JetStream(&r->js, r->nc, &jo);
	if (s == NATS_OK) {
		jo.Wait = REPL_CHECK_WAIT_MS;
		s = natsConnection_JetStream(&r->js_check, r->nc, &jo);
		jo.Wait = REPL_WAIT_MS;
	}
	if (s == NATS_OK)
		s = stream_last(r, r->js, &last, &je);
	if (s != NATS_OK) {
		snprintf(err, errcap,
			 "JetStream stream %s: %s (is nats-server running with"
			 " -js?)",
			 r->stream, js_text(s, je));
		goto fail;
	}
	return r;
fail:
	repl_close(r);
	return NULL;
}

/* --- The owner. --- */

/* A replaced owner stops at once: anything it would still send was never
 * put where the other node can see it, so nothing it promised is lost. */
static void fenced(struct repl *r, uint64_t theirs)
{
	log_error("repl",
		  "%s was taken over: the stream %s is at %" PRIu64
		  ", this node published up to %" PRIu64 "; stopping",
		  r->node, r->stream, theirs, r->last);
	_exit(REPL_EXIT_FENCED);
}

/* The id of this process's message seq (JetStream's Nats-Msg-Id). */
static void msg_id(const struct repl *r, uint64_t seq, char *out, size_t cap)
{
	snprintf(out, cap, "%s-%s-%" PRIu64, r->node, r->epoch, seq);
}

/* Whether the message at seq is the one this process published with id. */
static bool stored_is_ours(struct repl *r, jsCtx *js, uint64_t seq,
			   const char *id)
{
	const char *got = NULL;
	natsMsg *m = NULL;
	jsErrCode je = 0;
	bool ours;

	if (js_GetMsg(&m, js, r->stream, seq, NULL, &je) != NATS_OK)
		return false;
	ours = natsMsgHeader_Get(m, "Nats-Msg-Id", &got) == NATS_OK && got &&
	       strcmp(got, id) == 0;
	natsMsg_Destroy(m);
	return ours;
}

/* Publishes data to the stream under id (deduplicated by JetStream),
 * expecting its last sequence to be expect (0: no expectation: an empty
 * stream); waits for JetStream's answer. */
static natsStatus js_put(struct repl *r, const char *id, uint64_t expect,
			 const void *data, size_t len, jsPubAck **pa,
			 jsErrCode *je)
{
	jsPubOptions po;

	jsPubOptions_Init(&po);
	po.MsgId = id;
	po.ExpectLastSeq = expect;
	po.MaxWait = REPL_WAIT_MS;
	return js_Publish(pa, r->js, r->subj, data, (int)len, &po, je);
}

/* Publishes one message as seq, expecting the stream to end at seq - 1.
 * 0 once the stream has it, 1 to try again (the process stops if another
 * node wrote to the stream). Called with r->lock held. */
static int publish_one(struct repl *r, uint64_t seq, const void *data,
		       size_t len)
{
	jsPubAck *pa = NULL;
	jsErrCode je = 0;
	char id[CW_NAME_MAX + 64];
	uint64_t theirs = 0;
	natsStatus s;
	int ret = 1;

	if ((int64_t)len > natsConnection_GetMaxPayload(r->nc)) {
		log_error("repl",
			  "message %" PRIu64
			  " is %zu bytes, more than the NATS "
			  "server's max_payload (%" PRId64 ")",
			  seq, len, natsConnection_GetMaxPayload(r->nc));
		return 1;
	}
	msg_id(r, seq, id, sizeof(id));
	s = js_put(r, id, seq - 1, data, len, &pa, &je);
	if (s == NATS_OK && pa->Sequence == seq) {
		r->last = seq;
		ret = 0;
	} else if (s == NATS_OK) {
		theirs = pa->Sequence; /* a duplicate of another sequence */
	} else if (je == JSStreamWrongLastSequenceErr) {
		/* ours went in and its answer was lost, or someone else's */
		if (stored_is_ours(r, r->js, seq, id)) {
			r->last = seq;
			ret = 0;
		} else if (stream_last(r, r->js, &theirs, &je) != NATS_OK) {
			theirs = 0;
		}
	} else {
		log_warn("repl", "message %" PRIu64 " not in the stream: %s",
			 seq, js_text(s, je));
	}
	jsPubAck_Destroy(pa);
	if (ret && theirs >= seq)
		fenced(r, theirs);
	return ret;
}

/* store_repl_fn: the batch's slices as first .. first + nchunks - 1, from
 * the first one the stream does not have yet. */
static int publish(void *arg, uint64_t first, uint32_t nchunks,
		   const void *data, size_t len)
{
	struct repl *r = arg;
	const uint8_t *p = data;
	uint64_t seq;
	size_t off, n;
	uint32_t i;
	int ret = 0;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < nchunks && ret == 0; i++) {
		seq = first + i;
		if (seq <= r->last)
			continue; /* in from an earlier try */
		off = (size_t)i * r->chunk;
		n = len - off < r->chunk ? len - off : r->chunk;
		r->msg[0] = (uint8_t)((i == 0 ? REPL_M_FIRST : 0) |
				      (i + 1 == nchunks ? REPL_M_LAST : 0));
		memcpy(r->msg + 1, p + off, n);
		ret = publish_one(r, seq, r->msg, n + 1);
	}
	pthread_mutex_unlock(&r->lock);
	return ret;
}

/* The beat thread: a beat every REPL_BEAT_MS, and the stream checked for
 * another node's batches. */
static void *beat_main(void *arg)
{
	struct repl *r = arg;
	char id[CW_NAME_MAX + 64];
	struct timespec ts;
	uint64_t last;
	jsErrCode je;

	pthread_mutex_lock(&r->beat_lock);
	while (!r->stopping) {
		pthread_mutex_unlock(&r->beat_lock);
		natsConnection_Publish(r->nc, r->beat_subj, r->epoch,
				       (int)strlen(r->epoch));
		/* past our last: another node's, or ours whose answer was
		 * lost (the publisher's retry finds it and goes on). Never
		 * waiting on the publisher (it holds the lock while NATS is
		 * slow: it checks the stream itself) nor long on NATS: a
		 * standby takes 3 s without a beat for a dead owner */
		if (pthread_mutex_trylock(&r->lock) == 0) {
			if (stream_last(r, r->js_check, &last, &je) ==
				NATS_OK &&
			    last > r->last) {
				msg_id(r, r->last + 1, id, sizeof(id));
				if (!stored_is_ours(r, r->js_check, r->last + 1,
						    id))
					fenced(r, last);
			}
			pthread_mutex_unlock(&r->lock);
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += REPL_BEAT_MS * 1000000L;
		ts.tv_sec += ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&r->beat_lock);
		while (!r->stopping &&
		       pthread_cond_timedwait(&r->beat_cond, &r->beat_lock,
					      &ts) == 0)
			;
	}
	pthread_mutex_unlock(&r->beat_lock);
	return NULL;
}

int repl_owner_start(struct repl *r, struct store *st, char *err, size_t errcap)
{
	const char *env = getenv("QUIZD_REPL_CHUNK");
	uint64_t last = 0, db_seq, db_first;
	jsErrCode je;
	natsStatus s;

	if (store_repl_seq(st, r->stream, &db_seq, &db_first) < 0) {
		snprintf(err, errcap, "cannot read the database's repl_state");
		return -1;
	}
	s = stream_last(r, r->js, &last, &je);
	if (s != NATS_OK) {
		snprintf(err, errcap, "stream %s: %s", r->stream,
			 js_text(s, je));
		return -1;
	}
	if (last > db_seq) {
		snprintf(err, errcap,
			 "%s was taken over: the stream %s holds messages up "
			 "to %" PRIu64 ", this database only to %" PRIu64
			 " (another node wrote to it). Start this node as a "
			 "--standby on a new database",
			 r->node, r->stream, last, db_seq);
		return -1;
	}
	if (db_seq && last + 1 < db_first) {
		snprintf(err, errcap,
			 "the stream %s holds messages up to %" PRIu64
			 " but this database is at %" PRIu64
			 ": the stream was lost (a new nats-server store?), so "
			 "a standby could not follow. Start without "
			 "--replicate, or delete the stream and the standby's "
			 "database",
			 r->stream, last, db_seq);
		return -1;
	}
	if (last < db_seq)
		log_warn("repl",
			 "the last batch (messages %" PRIu64 "..%" PRIu64
			 ") was committed here, the stream has it up to "
			 "%" PRIu64 " (stopped in between; nothing of it was "
			 "promised): the standby will not have it",
			 db_first, db_seq, last);
	if (db_seq == 0 && store_last_match(st) > 0)
		log_warn("repl",
			 "this database already holds %llu match(es) and the "
			 "stream %s starts now: a standby must start from a "
			 "copy of it (taken while quizd is stopped), not from "
			 "an empty one",
			 (unsigned long long)store_last_match(st), r->stream);
	r->last = last;
	r->chunk = (size_t)natsConnection_GetMaxPayload(r->nc) - 64;
	if (env && atol(env) >= REPL_CHUNK_MIN && (size_t)atol(env) < r->chunk)
		r->chunk = (size_t)atol(env); /* tests: small messages */
	r->msg = xmalloc(r->chunk + 1);
	store_set_repl(st, r->stream, last, r->chunk, publish, r);
	if (pthread_create(&r->beat, NULL, beat_main, r) != 0) {
		snprintf(err, errcap, "cannot start the beat thread");
		return -1;
	}
	r->beating = true;
	log_info("repl",
		 "replicating to stream %s from %" PRIu64 ", beats on %s",
		 r->stream, last, r->beat_subj);
	return 0;
}

/* --- The standby. --- */

static void on_beat(natsConnection *nc, natsSubscription *sub, natsMsg *m,
		    void *arg)
{
	struct repl *r = arg;

	(void)nc;
	(void)sub;
	natsMsg_Destroy(m);
	pthread_mutex_lock(&r->lock);
	r->heard_us = mono_us();
	pthread_mutex_unlock(&r->lock);
}

/* Takes the committed tokens; *done is the highest. */
static void drain_tokens(struct store *st, uint64_t *done)
{
	uint64_t toks[64];
	size_t n, i;

	while ((n = store_poll(st, toks, 64)) > 0)
		for (i = 0; i < n; i++) {
			if (toks[i] & STORE_TOKEN_LOST)
				log_error(
				    "repl",
				    "batch %" PRIu64
				    " could not be written here",
				    (uint64_t)(toks[i] & ~STORE_TOKEN_LOST));
			if ((toks[i] & ~STORE_TOKEN_LOST) > *done)
				*done = toks[i] & ~STORE_TOKEN_LOST;
		}
}

/* Waits until the store has committed up to seq (or *stop). */
static bool wait_committed(struct store *st, uint64_t seq, uint64_t *done,
			   volatile sig_atomic_t *stop)
{
	for (;;) {
		drain_tokens(st, done);
		if (*done >= seq)
			return true;
		if (*stop)
			return false;
		sleep_us(2000);
	}
}

/* One message of the stream: its slice kept, and the batch applied once
 * whole. 1 when a batch was applied, 0 when it is not whole yet, -1 for a
 * batch that does not decode (logged). */
static int take_slice(struct repl *r, struct store *st, uint64_t seq,
		      const uint8_t *data, size_t len)
{
	if (len < 1) {
		log_error("repl", "message %" PRIu64 " of %s is empty", seq,
			  r->stream);
		return -1;
	}
	if (data[0] & REPL_M_FIRST) {
		if (r->acc_open)
			log_warn("repl",
				 "the batch of %s before message %" PRIu64
				 " never came whole (its owner stopped while "
				 "publishing it: nothing of it was promised); "
				 "dropped",
				 r->stream, seq);
		r->acc_len = 0;
		r->acc_open = true;
	} else if (!r->acc_open) {
		log_warn("repl",
			 "message %" PRIu64 " of %s: a slice of a batch begun "
			 "before; skipped",
			 seq, r->stream);
		return 0;
	}
	if (r->acc_len + len > r->acc_cap) {
		r->acc_cap = (r->acc_len + len) * 2;
		r->acc = xrealloc(r->acc, r->acc_cap);
	}
	memcpy(r->acc + r->acc_len, data + 1, len - 1);
	r->acc_len += len - 1;
	if (!(data[0] & REPL_M_LAST))
		return 0;
	r->acc_open = false;
	if (store_repl_is_claim(r->acc, r->acc_len))
		log_info("repl", "message %" PRIu64 ": another node claimed %s",
			 seq, r->node);
	if (store_repl_apply(st, r->stream, seq, r->acc, r->acc_len) < 0) {
		log_error("repl",
			  "the batch ending at message %" PRIu64
			  " of %s does not decode: cannot follow",
			  seq, r->stream);
		return -1;
	}
	return 1;
}

/* Publishes the claim, expecting the stream to end at applied. The
 * claim's sequence, or 0 if the stream went on (the owner is alive). */
static uint64_t claim(struct repl *r, uint64_t applied)
{
	uint8_t buf[1 + STORE_REPL_CLAIM_LEN];
	jsPubAck *pa = NULL;
	jsErrCode je = 0;
	char id[CW_NAME_MAX + 64];
	uint64_t seq = 0;
	natsStatus s;

	buf[0] = REPL_M_FIRST | REPL_M_LAST;
	store_repl_claim(buf + 1);
	snprintf(id, sizeof(id), "%s-%s-claim", r->node, r->epoch);
	s = js_put(r, id, applied, buf, sizeof(buf), &pa, &je);
	if (s == NATS_OK && pa->Sequence == applied + 1)
		seq = pa->Sequence;
	else
		log_warn("repl", "claim of %s not taken: %s", r->stream,
			 s == NATS_OK ? "another sequence" : js_text(s, je));
	jsPubAck_Destroy(pa);
	return seq;
}

int64_t repl_follow(struct repl *r, struct store *st,
		    volatile sig_atomic_t *stop)
{
	natsSubscription *sub = NULL;
	jsSubOptions so;
	jsErrCode je = 0;
	/* applied: the last message taken; whole: the last message of the
	 * last batch applied (its token); done: the last token committed */
	uint64_t db_seq, applied, whole, done, last, seq;
	uint8_t claim_buf[STORE_REPL_CLAIM_LEN];
	uint64_t claimed;
	jsMsgMetaData *meta;
	int took;
	natsMsg *m;
	natsStatus s;
	int64_t ret = -1;
	bool up = true, was_up;

	if (store_repl_seq(st, r->stream, &db_seq, &last) < 0) {
		log_error("repl", "cannot read the database's repl_state");
		return -1;
	}
	applied = whole = done = db_seq;
	jsSubOptions_Init(&so);
	so.Ordered = true;
	if (db_seq) {
		so.Config.DeliverPolicy = js_DeliverByStartSequence;
		so.Config.OptStartSeq = db_seq + 1;
	}
	r->heard_us = mono_us();
	s = natsConnection_Subscribe(&r->beat_sub, r->nc, r->beat_subj, on_beat,
				     r);
	if (s == NATS_OK)
		s = js_SubscribeSync(&sub, r->js, r->subj, NULL, &so, &je);
	if (s != NATS_OK) {
		log_error("repl", "cannot follow %s: %s", r->stream,
			  js_text(s, je));
		goto out;
	}
	log_info("repl", "standby: following %s from message %" PRIu64, r->node,
		 db_seq + 1);
	while (!*stop) {
		m = NULL;
		s = natsSubscription_NextMsg(&m, sub, 100);
		if (s == NATS_OK) {
			meta = NULL;
			seq = 0;
			if (natsMsg_GetMetaData(&meta, m) == NATS_OK)
				seq = meta->Sequence.Stream;
			jsMsgMetaData_Destroy(meta);
			if (seq > applied + 1 || seq == 0) {
				log_error("repl",
					  "stream %s skips from %" PRIu64
					  " to %" PRIu64
					  " (purged?): cannot follow",
					  r->stream, applied, seq);
				natsMsg_Destroy(m);
				goto out;
			}
			took = seq == applied + 1
				   ? take_slice(
					 r, st, seq,
					 (const uint8_t *)natsMsg_GetData(m),
					 (size_t)natsMsg_GetDataLength(m))
				   : 0;
			natsMsg_Destroy(m);
			if (took < 0)
				goto out;
			if (took > 0)
				whole = seq;
			if (seq == applied + 1)
				applied = seq;
		} else if (s != NATS_TIMEOUT) {
			sleep_us(100000); /* the connection is down */
		}
		drain_tokens(st, &done);
		/* silence counts only while this node hears NATS itself */
		was_up = up;
		up = natsConnection_Status(r->nc) == NATS_CONN_STATUS_CONNECTED;
		pthread_mutex_lock(&r->lock);
		if (!up || !was_up)
			r->heard_us = mono_us();
		last = (uint64_t)(mono_us() - r->heard_us);
		pthread_mutex_unlock(&r->lock);
		if (last < REPL_SILENT_MS * 1000ULL)
			continue;
		/* silent: everything in the stream applied and committed? */
		if (stream_last(r, r->js, &last, &je) != NATS_OK ||
		    last != applied)
			continue;
		if (!wait_committed(st, whole, &done, stop))
			break;
		log_warn("repl",
			 "%s silent for %d ms; claiming its stream after "
			 "message %" PRIu64,
			 r->node, REPL_SILENT_MS, applied);
		claimed = claim(r, applied);
		if (!claimed) {
			pthread_mutex_lock(&r->lock);
			r->heard_us = mono_us();
			pthread_mutex_unlock(&r->lock);
			continue;
		}
		if (r->acc_open) {
			log_warn("repl",
				 "the last batch of %s never came whole (its "
				 "owner stopped while publishing it: nothing "
				 "of it was promised); dropped",
				 r->stream);
			r->acc_open = false;
		}
		store_repl_claim(claim_buf);
		if (store_repl_apply(st, r->stream, claimed, claim_buf,
				     sizeof(claim_buf)) < 0 ||
		    !wait_committed(st, claimed, &done, stop))
			break;
		log_info("repl", "standby: took over %s at message %" PRIu64,
			 r->node, claimed);
		ret = (int64_t)claimed;
		goto out;
	}
	if (*stop)
		ret = 0;
out:
	natsSubscription_Destroy(sub);
	if (r->beat_sub) {
		natsSubscription_Unsubscribe(r->beat_sub);
		natsSubscription_Destroy(r->beat_sub);
		r->beat_sub = NULL;
	}
	return ret;
}

void repl_close(struct repl *r)
{
	if (!r)
		return;
	if (r->beating) {
		pthread_mutex_lock(&r->beat_lock);
		r->stopping = true;
		pthread_cond_signal(&r->beat_cond);
		pthread_mutex_unlock(&r->beat_lock);
		pthread_join(r->beat, NULL);
	}
	if (r->beat_sub)
		natsSubscription_Destroy(r->beat_sub);
	free(r->acc);
	free(r->msg);
	jsCtx_Destroy(r->js_check);
	jsCtx_Destroy(r->js);
	if (r->nc)
		natsConnection_Destroy(r->nc);
	natsOptions_Destroy(r->opts);
	pthread_cond_destroy(&r->beat_cond);
	pthread_mutex_destroy(&r->beat_lock);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
