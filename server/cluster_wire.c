/* Reading and writing the cluster's messages (cluster_wire.h). */
#include "cluster_wire.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* --- reading --- */

static bool have(const struct cw_reader *r, size_t n)
{
	return (size_t)(r->end - r->p) >= n;
}

static uint64_t take_u64(struct cw_reader *r)
{
	uint64_t v = get_u64(r->p);

	r->p += 8;
	return v;
}

static uint32_t take_u32(struct cw_reader *r)
{
	uint32_t v = get_u32(r->p);

	r->p += 4;
	return v;
}

/* A name or address text: printable ASCII only, no NUL. */
static bool text_ok(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] < 0x21 || p[i] > 0x7e)
			return false;
	return true;
}

int cw_read_header(struct cw_reader *r, const void *msg, size_t len,
		   struct cw_header *h)
{
	size_t n;

	r->p = msg;
	r->end = r->p + len;
	if (!have(r, 6) || memcmp(r->p, CW_MAGIC, 4) != 0)
		return -1;
	r->p += 4;
	if (r->p[0] != CW_TO_OWNER && r->p[0] != CW_TO_EDGE)
		return -1;
	h->dir = (enum cw_dir)r->p[0];
	n = r->p[1];
	r->p += 2;
	if (n == 0 || n > CW_NAME_MAX || !have(r, n + 8) || !text_ok(r->p, n))
		return -1;
	memcpy(h->name, r->p, n);
	h->name[n] = '\0';
	r->p += n;
	h->epoch = take_u64(r);
	return 0;
}

int cw_next(struct cw_reader *r, struct cw_rec *rec)
{
	size_t n;

	if (r->p == r->end)
		return 0;
	memset(rec, 0, sizeof(*rec));
	rec->type = (enum cw_type) * r->p++;
	switch (rec->type) {
	case CW_OPEN:
		if (!have(r, 9))
			return -1;
		rec->eid = take_u64(r);
		n = *r->p++;
		if (n > CW_IP_MAX || !have(r, n) || !text_ok(r->p, n))
			return -1;
		memcpy(rec->ip, r->p, n);
		rec->ip[n] = '\0';
		r->p += n;
		if (!have(r, 1))
			return -1;
		rec->has_token = *r->p++ != 0;
		if (rec->has_token) {
			if (!have(r, CW_TOKEN_RAW))
				return -1;
			memcpy(rec->token, r->p, CW_TOKEN_RAW);
			r->p += CW_TOKEN_RAW;
		}
		return rec->eid ? 1 : -1;
	case CW_FRAME:
		if (!have(r, 28))
			return -1;
		rec->eid = take_u64(r);
		rec->recv_us = (int64_t)take_u64(r);
		rec->one_way_us = (int64_t)take_u64(r);
		rec->len = take_u32(r);
		if (rec->len > CW_BYTES_MAX || !have(r, rec->len))
			return -1;
		rec->bytes = r->p;
		r->p += rec->len;
		return rec->eid ? 1 : -1;
	case CW_GONE:
		if (!have(r, 8))
			return -1;
		rec->eid = take_u64(r);
		return rec->eid ? 1 : -1;
	case CW_BEAT:
		if (!have(r, 24))
			return -1;
		rec->t0 = (int64_t)take_u64(r);
		rec->t1 = (int64_t)take_u64(r);
		rec->t2 = (int64_t)take_u64(r);
		return 1;
	case CW_SEND:
		if (!have(r, 4))
			return -1;
		rec->len = take_u32(r);
		if (rec->len > CW_BYTES_MAX || !have(r, (size_t)rec->len + 4))
			return -1;
		rec->bytes = r->p;
		r->p += rec->len;
		rec->n = take_u32(r);
		if (rec->n > CW_EIDS_MAX || !have(r, (size_t)rec->n * 8))
			return -1;
		rec->eids = r->p;
		r->p += (size_t)rec->n * 8;
		return 1;
	case CW_CLOSE:
		if (!have(r, 9))
			return -1;
		rec->eid = take_u64(r);
		rec->graceful = *r->p++ != 0;
		return rec->eid ? 1 : -1;
	case CW_WHO:
		if (!have(r, 10))
			return -1;
		rec->qid = take_u64(r);
		rec->kind = (enum cw_who) * r->p++;
		n = *r->p++;
		if ((rec->kind != CW_WHO_CODE && rec->kind != CW_WHO_TOKEN) ||
		    n == 0 || n > CW_KEY_MAX || !have(r, n) ||
		    !text_ok(r->p, n))
			return -1;
		memcpy(rec->key, r->p, n);
		rec->key[n] = '\0';
		r->p += n;
		return 1;
	case CW_OWN:
		if (!have(r, 8))
			return -1;
		rec->qid = take_u64(r);
		return 1;
	}
	return -1;
}

uint64_t cw_eid(const struct cw_rec *rec, uint32_t i)
{
	return get_u64(rec->eids + (size_t)i * 8);
}

/* --- writing --- */

static uint8_t *cw_grow(struct cw_buf *b, size_t n)
{
	uint8_t *p;

	if (b->len + n > b->cap) {
		b->cap = b->cap ? b->cap : 4096;
		while (b->len + n > b->cap)
			b->cap *= 2;
		b->data = xrealloc(b->data, b->cap);
	}
	p = b->data + b->len;
	b->len += n;
	return p;
}

void cw_begin(struct cw_buf *b, enum cw_dir dir, const char *name,
	      uint64_t epoch)
{
	size_t n = strlen(name);
	uint8_t *p;

	if (n > CW_NAME_MAX)
		n = CW_NAME_MAX;
	b->len = 0;
	b->records = 0;
	p = cw_grow(b, 6 + n + 8);
	memcpy(p, CW_MAGIC, 4);
	p[4] = (uint8_t)dir;
	p[5] = (uint8_t)n;
	memcpy(p + 6, name, n);
	put_u64(p + 6 + n, epoch);
}

void cw_open(struct cw_buf *b, uint64_t eid, const char *ip,
	     const uint8_t *token)
{
	size_t n = strlen(ip);
	uint8_t *p;

	if (n > CW_IP_MAX)
		n = CW_IP_MAX;
	p = cw_grow(b, 11 + n + (token ? CW_TOKEN_RAW : 0));
	p[0] = CW_OPEN;
	put_u64(p + 1, eid);
	p[9] = (uint8_t)n;
	memcpy(p + 10, ip, n);
	p[10 + n] = token ? 1 : 0;
	if (token)
		memcpy(p + 11 + n, token, CW_TOKEN_RAW);
	b->records++;
}

void cw_frame(struct cw_buf *b, uint64_t eid, int64_t recv_us,
	      int64_t one_way_us, const void *payload, uint32_t len)
{
	uint8_t *p = cw_grow(b, 29 + (size_t)len);

	p[0] = CW_FRAME;
	put_u64(p + 1, eid);
	put_u64(p + 9, (uint64_t)recv_us);
	put_u64(p + 17, (uint64_t)one_way_us);
	put_u32(p + 25, len);
	memcpy(p + 29, payload, len);
	b->records++;
}

/* A record of a type and one u64 (GONE, OWN). */
static void cw_rec_u64(struct cw_buf *b, enum cw_type type, uint64_t v)
{
	uint8_t *p = cw_grow(b, 9);

	p[0] = (uint8_t)type;
	put_u64(p + 1, v);
	b->records++;
}

void cw_gone(struct cw_buf *b, uint64_t eid)
{
	cw_rec_u64(b, CW_GONE, eid);
}

void cw_beat(struct cw_buf *b, int64_t t0, int64_t t1, int64_t t2)
{
	uint8_t *p = cw_grow(b, 25);

	p[0] = CW_BEAT;
	put_u64(p + 1, (uint64_t)t0);
	put_u64(p + 9, (uint64_t)t1);
	put_u64(p + 17, (uint64_t)t2);
	b->records++;
}

void cw_beat_stamp(struct cw_buf *b, size_t rec, int64_t t)
{
	if (rec + 25 > b->len || b->data[rec] != CW_BEAT)
		return;
	/* an edge's beat carries t0; an owner's reply t0 echoed, t2 its own */
	put_u64(b->data + rec + (b->data[4] == CW_TO_OWNER ? 1 : 17),
		(uint64_t)t);
}

void cw_send(struct cw_buf *b, const void *bytes, uint32_t len,
	     const uint64_t *eids, uint32_t n)
{
	uint8_t *p = cw_grow(b, 9 + (size_t)len + (size_t)n * 8);
	uint32_t i;

	p[0] = CW_SEND;
	put_u32(p + 1, len);
	memcpy(p + 5, bytes, len);
	put_u32(p + 5 + len, n);
	for (i = 0; i < n; i++)
		put_u64(p + 9 + len + (size_t)i * 8, eids[i]);
	b->records++;
}

void cw_close(struct cw_buf *b, uint64_t eid, bool graceful)
{
	uint8_t *p = cw_grow(b, 10);

	p[0] = CW_CLOSE;
	put_u64(p + 1, eid);
	p[9] = graceful ? 1 : 0;
	b->records++;
}

void cw_who(struct cw_buf *b, uint64_t qid, enum cw_who kind, const char *key)
{
	size_t n = strlen(key);
	uint8_t *p;

	if (n > CW_KEY_MAX)
		n = CW_KEY_MAX;
	p = cw_grow(b, 11 + n);
	p[0] = CW_WHO;
	put_u64(p + 1, qid);
	p[9] = (uint8_t)kind;
	p[10] = (uint8_t)n;
	memcpy(p + 11, key, n);
	b->records++;
}

void cw_own(struct cw_buf *b, uint64_t qid)
{
	cw_rec_u64(b, CW_OWN, qid);
}

void cw_buf_free(struct cw_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
