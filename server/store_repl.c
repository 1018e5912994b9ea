/* Replication of the store (docs/CLUSTER.md "Takeover"): a committed batch
 * encoded as the statements it ran, and such a batch applied to another
 * database through the same catalogue. Both sides run the same SQL with
 * the same values, so the rows come out the same (the event chain too:
 * quizd_evhash is a function of the rows).
 *
 * A batch: a 9-byte head, u32 magic "QRB1" (little-endian), u8 flags (1:
 * a claim), u32 number of operations (little-endian); then each
 * operation: its match and number of statements, then each statement: its
 * catalogue entry and number of values, then each value: a type byte (0
 * NULL, 1 integer, 2 text) then the integer (zigzag), or the text's length
 * and bytes (no NUL), or nothing. Every number after the head is a
 * varint (LEB128): a close's 10,000 bookings are mostly small numbers,
 * and a NATS message is 1 MB at most by default.
 * An operation stays one operation on the other side, so it is still
 * written whole or not at all. */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"
#include "xalloc.h"

#define REPL_MAGIC    0x31425251u /* "QRB1" */
#define REPL_F_CLAIM  1u
#define REPL_HEAD_LEN 9u
#define REPL_ROW_MAX  7u	 /* values of a row statement */
#define REPL_NVAL_MAX 64u	 /* values of any catalogue statement */
#define REPL_TEXT_MAX (1u << 20) /* a contest's text is the longest */

static void put_bytes(struct repl_buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->len + n)
			cap *= 2;
		b->data = xrealloc(b->data, cap);
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void put_u(struct repl_buf *b, uint64_t v, unsigned bytes)
{
	uint8_t x[8];
	unsigned i;

	for (i = 0; i < bytes; i++)
		x[i] = (uint8_t)(v >> (8 * i));
	put_bytes(b, x, bytes);
}

/* A varint: 7 bits a byte, low first, the high bit saying more follow. */
static void put_v(struct repl_buf *b, uint64_t v)
{
	uint8_t x[10];
	unsigned n = 0;

	while (v >= 0x80) {
		x[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	x[n++] = (uint8_t)v;
	put_bytes(b, x, n);
}

static void put_int(struct repl_buf *b, int64_t v)
{
	put_u(b, 1, 1);
	put_v(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/* Writes the header; the count of operations is patched at the end. */
static void put_head(uint8_t *out, uint8_t flags, uint32_t nops)
{
	unsigned i;

	for (i = 0; i < 4; i++)
		out[i] = (uint8_t)(REPL_MAGIC >> (8 * i));
	out[4] = flags;
	for (i = 0; i < 4; i++)
		out[5 + i] = (uint8_t)(nops >> (8 * i));
}

/* Encodes one statement: a stored step, or a row step made on the fly. */
static void put_step(struct repl_buf *b, const struct op *op,
		     const struct op_step *step)
{
	int64_t row[REPL_ROW_MAX];
	const struct op_val *v;
	uint32_t i, n;
	size_t len;

	put_v(b, step->sql);
	if (step->nval == OP_ROW) {
		n = store_op_row_values(op, step, row);
		put_v(b, n);
		for (i = 0; i < n; i++)
			put_int(b, row[i]);
		return;
	}
	put_v(b, step->nval);
	for (i = 0; i < step->nval; i++) {
		v = &op->vals[step->first + i];
		if (v->type == OPV_INT) {
			put_int(b, v->u.i);
		} else if (v->type == OPV_TEXT) {
			len = strlen(v->u.s);
			put_u(b, 2, 1);
			put_v(b, len);
			put_bytes(b, v->u.s, len);
		} else {
			put_u(b, 0, 1);
		}
	}
}

void store_repl_encode(struct repl_buf *b, const struct op *batch)
{
	struct op_step row = {.nval = OP_ROW};
	const struct op *op;
	uint32_t nops = 0, i;

	b->len = 0;
	put_bytes(b, (uint8_t[REPL_HEAD_LEN]){0}, REPL_HEAD_LEN);
	for (op = batch; op; op = op->next) {
		if (!op->nsteps || op->lost)
			continue;
		nops++;
		put_v(b, op->match);
		put_v(b, op->nsteps);
		for (i = 0; i < op->nsteps; i++) {
			if (op->row_nsql) {
				row.sql = op->row_sql[i % op->row_nsql];
				row.first = i / op->row_nsql;
				put_step(b, op, &row);
			} else {
				put_step(b, op, &op->steps[i]);
			}
		}
	}
	put_head(b->data, 0, nops);
}

int store_repl_mark(struct store *s, const struct op *batch)
{
	sqlite3_stmt *st = s->ost[OPS_REPL_SEQ];
	int rc;

	store_repl_encode(&s->repl_out, batch);
	s->repl_chunks =
	    (uint32_t)((s->repl_out.len + s->repl_chunk - 1) / s->repl_chunk);
	rc = store_bind_text(st, 1, s->repl_key);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(
		    st, 2, (int64_t)(s->repl_seq + s->repl_chunks));
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 3, (int64_t)(s->repl_seq + 1));
	if (rc != SQLITE_OK) {
		sqlite3_clear_bindings(st);
		return rc;
	}
	return store_step(s->wdb, st, "replication sequence");
}

void store_set_repl(struct store *s, const char *key, uint64_t last_seq,
		    size_t chunk, store_repl_fn fn, void *arg)
{
	free(s->repl_key);
	s->repl_key = xstrdup(key);
	s->repl_seq = last_seq;
	s->repl_chunk = chunk ? chunk : 1;
	s->repl_arg = arg;
	s->repl_fn = fn;
}

int store_repl_seq(struct store *s, const char *key, uint64_t *seq,
		   uint64_t *first)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*seq = *first = 0;
	pthread_mutex_lock(&s->sync_lock);
	rc = sqlite3_prepare_v2(
	    s->sdb, "SELECT seq, first FROM repl_state WHERE stream = ?1", -1,
	    &st, NULL);
	if (rc == SQLITE_OK)
		rc = store_bind_text(st, 1, key);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*seq = (uint64_t)sqlite3_column_int64(st, 0);
			*first = (uint64_t)sqlite3_column_int64(st, 1);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&s->sync_lock);
	return rc == SQLITE_OK ? 0 : store_errno(rc);
}

bool store_repl_is_claim(const void *data, size_t len)
{
	const uint8_t *p = data;

	return len >= REPL_HEAD_LEN && (p[4] & REPL_F_CLAIM);
}

void store_repl_claim(uint8_t out[STORE_REPL_CLAIM_LEN])
{
	put_head(out, REPL_F_CLAIM, 0);
}

/* --- Reading a batch: every length checked against what is left. --- */

struct rd {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static uint64_t get_u(struct rd *r, unsigned bytes)
{
	uint64_t v = 0;
	unsigned i;

	if (r->bad || r->left < bytes) {
		r->bad = true;
		return 0;
	}
	for (i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += bytes;
	r->left -= bytes;
	return v;
}

/* A varint of at most 10 bytes (64 bits). */
static uint64_t get_v(struct rd *r)
{
	uint64_t v = 0, b;
	unsigned shift;

	for (shift = 0; shift < 64; shift += 7) {
		b = get_u(r, 1);
		if (r->bad)
			return 0;
		if (shift == 63 && b > 1)
			break; /* past 64 bits */
		v |= (b & 0x7f) << shift;
		if (!(b & 0x80) && (b || !shift))
			return v;
		if (!(b & 0x80))
			break; /* a last byte 0 after others: not minimal */
	}
	r->bad = true;
	return 0;
}

static int64_t get_int(struct rd *r)
{
	uint64_t z = get_v(r);

	return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

/* Measures one operation (statements, values, string bytes) without
 * building it; leaves r after it. */
static void measure_op(struct rd *r, uint32_t *nsteps, uint32_t *nvals,
		       size_t *strbytes)
{
	uint32_t i, j, nval, len;
	uint64_t v;

	*nvals = 0;
	*strbytes = 0;
	(void)get_v(r);
	v = get_v(r);
	/* each statement takes two bytes at least; an operation without
	 * one (a barrier) is never written */
	if (v == 0 || v > r->left / 2)
		r->bad = true;
	*nsteps = (uint32_t)v;
	for (i = 0; i < *nsteps && !r->bad; i++) {
		if (get_v(r) >= OPS__COUNT)
			r->bad = true;
		v = get_v(r);
		if (v > REPL_NVAL_MAX)
			r->bad = true;
		nval = (uint32_t)v;
		for (j = 0; j < nval && !r->bad; j++) {
			switch (get_u(r, 1)) {
			case 0:
				break;
			case 1:
				(void)get_v(r);
				break;
			case 2:
				v = get_v(r);
				len = v > REPL_TEXT_MAX ? REPL_TEXT_MAX + 1
							: (uint32_t)v;
				if (r->bad || len > REPL_TEXT_MAX ||
				    len > r->left || memchr(r->p, '\0', len)) {
					r->bad = true;
					break;
				}
				r->p += len;
				r->left -= len;
				*strbytes += (size_t)len + 1;
				break;
			default:
				r->bad = true;
			}
		}
		*nvals += nval;
	}
}

/* Builds one operation from the bytes measure_op accepted. */
static struct op *build_op(struct rd *r, uint32_t nsteps, uint32_t nvals,
			   size_t strbytes)
{
	struct op *op;
	uint32_t i, j, nval, len;
	char *text;

	op = store_op_new(get_v(r), 0, nsteps, nvals, strbytes);
	(void)get_v(r);
	for (i = 0; i < nsteps; i++) {
		store_op_step(op, (enum op_sql)get_v(r));
		nval = (uint32_t)get_v(r);
		for (j = 0; j < nval; j++) {
			switch (get_u(r, 1)) {
			case 1:
				store_op_int(op, get_int(r));
				break;
			case 2:
				len = (uint32_t)get_v(r);
				text = xmalloc((size_t)len + 1);
				memcpy(text, r->p, len);
				text[len] = '\0';
				r->p += len;
				r->left -= len;
				store_op_text(op, text);
				free(text);
				break;
			default:
				store_op_text(op, NULL);
			}
		}
	}
	return op;
}

int store_repl_decode(const void *data, size_t len, struct op **out)
{
	struct rd r = {.p = data, .left = len}, again;
	struct op *head = NULL, **tail = &head, *op, *next;
	uint32_t nops, i, nsteps, nvals;
	size_t strbytes;

	*out = NULL;
	/* flags: only the claim's bit */
	if (get_u(&r, 4) != REPL_MAGIC || get_u(&r, 1) > REPL_F_CLAIM)
		return -EINVAL;
	nops = (uint32_t)get_u(&r, 4);
	for (i = 0; i < nops && !r.bad; i++) {
		again = r;
		measure_op(&r, &nsteps, &nvals, &strbytes);
		if (r.bad)
			break;
		*tail = build_op(&again, nsteps, nvals, strbytes);
		tail = &(*tail)->next;
	}
	if (r.bad || r.left) {
		for (op = head; op; op = next) {
			next = op->next;
			free(op);
		}
		return -EINVAL;
	}
	*out = head;
	return 0;
}

int store_repl_apply(struct store *s, const char *key, uint64_t seq,
		     const void *data, size_t len)
{
	struct op *head, **tail, *op, *next;

	if (!key || !store_str_ok(key) || seq == 0 || seq >= STORE_TOKEN_LOST ||
	    store_repl_decode(data, len, &head) < 0)
		return -EINVAL;
	for (tail = &head; *tail; tail = &(*tail)->next)
		;
	/* the batch's row in repl_state, last: its token says all is in */
	op = store_op_new(0, seq, 1, 3, store_op_strsize(key));
	store_op_step(op, OPS_REPL_SEQ);
	store_op_text(op, key);
	store_op_int(op, (int64_t)seq);
	store_op_int(op, (int64_t)seq);
	*tail = op;
	store_group_begin(s);
	for (op = head; op; op = next) {
		next = op->next;
		store_push(s, op);
	}
	store_group_end(s);
	return 0;
}
