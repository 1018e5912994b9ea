/* libFuzzer target: the messages quizd nodes exchange over NATS
 * (server/cluster_wire.c; docs/CLUSTER.md). An owner reads what any
 * publisher on quizd.node.* or quizd.who sends it, an edge what comes on
 * its subject: the reader must never read past a message.
 *
 * Property: a message that reads whole (its header and every record, to
 * its last byte) is written again, record by record, by the writer to the
 * same bytes: the reader accepts nothing the writer could not have said,
 * and reads every field it was given. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes rec again into b. */
static void write_again(struct cw_buf *b, const struct cw_rec *rec)
{
	uint64_t *eids;
	uint32_t i;

	switch (rec->type) {
	case CW_OPEN:
		cw_open(b, rec->eid, rec->ip,
			rec->has_token ? rec->token : NULL);
		break;
	case CW_FRAME:
		cw_frame(b, rec->eid, rec->recv_us, rec->one_way_us, rec->bytes,
			 rec->len);
		break;
	case CW_GONE:
		cw_gone(b, rec->eid);
		break;
	case CW_BEAT:
		cw_beat(b, rec->t0, rec->t1, rec->t2);
		break;
	case CW_SEND:
		eids = malloc((rec->n ? rec->n : 1) * sizeof(*eids));
		if (!eids)
			abort();
		for (i = 0; i < rec->n; i++)
			eids[i] = cw_eid(rec, i);
		cw_send(b, rec->bytes, rec->len, eids, rec->n);
		free(eids);
		break;
	case CW_CLOSE:
		cw_close(b, rec->eid, rec->graceful);
		break;
	case CW_WHO:
		cw_who(b, rec->qid, rec->kind, rec->key);
		break;
	case CW_OWN:
		cw_own(b, rec->qid);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cw_buf b = {0};
	struct cw_reader r;
	struct cw_header h;
	struct cw_rec rec;
	int k;

	if (cw_read_header(&r, data, size, &h) < 0)
		return 0;
	if (r.p < data || r.p > data + size)
		abort();
	cw_begin(&b, h.dir, h.name, h.epoch);
	while ((k = cw_next(&r, &rec)) > 0) {
		if (r.p > data + size)
			abort(); /* read past the message */
		if (rec.bytes &&
		    (rec.bytes < data || rec.bytes + rec.len > data + size))
			abort();
		write_again(&b, &rec);
	}
	/* a message that read whole is written to the same bytes (a
	 * graceful flag other than 0 or 1 reads as 1: normalise it) */
	if (k == 0 && (b.len != size || memcmp(b.data, data, size) != 0)) {
		size_t i;
		int same = b.len == size;

		for (i = 0; same && i < size; i++)
			if (b.data[i] != data[i] &&
			    !(b.data[i] == 1 && data[i] > 1))
				same = 0;
		if (!same) {
			fprintf(stderr,
				"written again differently (%zu vs %zu "
				"bytes)\n",
				b.len, size);
			abort();
		}
	}
	cw_buf_free(&b);
	return 0;
}
