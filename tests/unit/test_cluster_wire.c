/* The cluster's messages (server/cluster_wire.c) and the id map behind
 * both ends (server/idmap.c): what is written reads back the same, and a
 * reader never reads past a message, whatever its bytes. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_wire.h"
#include "idmap.h"

Test(cluster_wire, every_record_reads_back)
{
	static const uint8_t frame[] = {0, 0, 0, 3, 'a', 'b', 'c'};
	static const uint64_t eids[] = {7, 9, 1ULL << 40};
	static const uint8_t token[CW_TOKEN_RAW] = {
	    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct cw_buf b = {0};
	struct cw_reader r;
	struct cw_header h;
	struct cw_rec rec;

	cw_begin(&b, CW_TO_EDGE, "owner-1", 0x1122334455667788ULL);
	cw_open(&b, 42, "10.0.0.7", NULL);
	cw_open(&b, 43, "?", token);
	cw_frame(&b, 42, 123456789, -1, "xyz", 3);
	cw_gone(&b, 42);
	cw_beat(&b, 1, -2, 3);
	cw_send(&b, frame, sizeof(frame), eids, 3);
	cw_close(&b, 9, true);
	cw_who(&b, 77, CW_WHO_CODE, "ABCD-EFGH");
	cw_own(&b, 77);
	cr_assert_eq(b.records, 9);

	cr_assert_eq(cw_read_header(&r, b.data, b.len, &h), 0);
	cr_expect_eq(h.dir, CW_TO_EDGE);
	cr_expect_str_eq(h.name, "owner-1");
	cr_expect_eq(h.epoch, 0x1122334455667788ULL);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_OPEN);
	cr_expect_eq(rec.eid, 42);
	cr_expect_str_eq(rec.ip, "10.0.0.7");
	cr_expect_not(rec.has_token);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_OPEN);
	cr_expect_eq(rec.eid, 43);
	cr_expect(rec.has_token);
	cr_expect_eq(memcmp(rec.token, token, CW_TOKEN_RAW), 0);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_FRAME);
	cr_expect_eq(rec.recv_us, 123456789);
	cr_expect_eq(rec.one_way_us, -1);
	cr_expect_eq(rec.len, 3);
	cr_expect_eq(memcmp(rec.bytes, "xyz", 3), 0);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_GONE);
	cr_expect_eq(rec.eid, 42);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_BEAT);
	cr_expect_eq(rec.t0, 1);
	cr_expect_eq(rec.t1, -2);
	cr_expect_eq(rec.t2, 3);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_SEND);
	cr_expect_eq(rec.len, sizeof(frame));
	cr_expect_eq(memcmp(rec.bytes, frame, sizeof(frame)), 0);
	cr_assert_eq(rec.n, 3);
	cr_expect_eq(cw_eid(&rec, 0), 7);
	cr_expect_eq(cw_eid(&rec, 2), 1ULL << 40);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_CLOSE);
	cr_expect_eq(rec.eid, 9);
	cr_expect(rec.graceful);

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_WHO);
	cr_expect_eq(rec.qid, 77);
	cr_expect_eq(rec.kind, CW_WHO_CODE);
	cr_expect_str_eq(rec.key, "ABCD-EFGH");

	cr_assert_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(rec.type, CW_OWN);
	cr_expect_eq(rec.qid, 77);

	cr_expect_eq(cw_next(&r, &rec), 0, "the end");
	cw_buf_free(&b);
}

/* Every truncation of a valid message is refused at the record it cuts,
 * never read past; a forged length or count is refused. */
Test(cluster_wire, truncated_and_forged_messages_are_refused)
{
	static const uint64_t eids[] = {5, 6};
	struct cw_buf b = {0};
	struct cw_reader r;
	struct cw_header h;
	struct cw_rec rec;
	size_t cut, hdr;
	uint8_t *copy;
	int k, n;

	cw_begin(&b, CW_TO_OWNER, "e1", 1);
	hdr = b.len;
	cw_frame(&b, 3, 10, 20, "payload", 7);
	cw_send(&b, "abcdefgh", 8, eids, 2);
	for (cut = 0; cut < b.len; cut++) {
		copy = malloc(cut ? cut : 1);
		memcpy(copy, b.data, cut);
		if (cw_read_header(&r, copy, cut, &h) < 0) {
			cr_expect_lt(cut, hdr, "header refused at %zu", cut);
			free(copy);
			continue;
		}
		n = 0;
		while ((k = cw_next(&r, &rec)) > 0)
			n++;
		cr_expect(cut == hdr ? k == 0 : k < 0 || n < 2,
			  "cut at %zu: %d records, last %d", cut, n, k);
		free(copy);
	}
	/* a SEND whose count claims more eids than the message holds */
	copy = malloc(b.len);
	memcpy(copy, b.data, b.len);
	copy[b.len - 2 * 8 - 4] = 0xff;
	cr_assert_eq(cw_read_header(&r, copy, b.len, &h), 0);
	cr_expect_eq(cw_next(&r, &rec), 1);
	cr_expect_eq(cw_next(&r, &rec), -1);
	free(copy);
	/* wrong magic, direction, empty or unprintable name */
	copy = malloc(b.len);
	memcpy(copy, b.data, b.len);
	copy[0] = 'X';
	cr_expect_eq(cw_read_header(&r, copy, b.len, &h), -1);
	memcpy(copy, b.data, b.len);
	copy[4] = 3;
	cr_expect_eq(cw_read_header(&r, copy, b.len, &h), -1);
	memcpy(copy, b.data, b.len);
	copy[5] = 0;
	cr_expect_eq(cw_read_header(&r, copy, b.len, &h), -1);
	memcpy(copy, b.data, b.len);
	copy[6] = '\n';
	cr_expect_eq(cw_read_header(&r, copy, b.len, &h), -1);
	free(copy);
	cw_buf_free(&b);
}

Test(idmap, put_get_del_through_growth)
{
	struct idmap m = {0};
	uint64_t i;

	for (i = 1; i <= 5000; i++)
		idmap_put(&m, i * 3, (void *)(uintptr_t)i);
	cr_assert_eq(m.n, 5000);
	for (i = 1; i <= 5000; i += 2)
		cr_assert_eq(idmap_del(&m, i * 3), (void *)(uintptr_t)i);
	cr_expect_eq(m.n, 2500);
	for (i = 1; i <= 5000; i++)
		cr_assert_eq(idmap_get(&m, i * 3),
			     i % 2 ? NULL : (void *)(uintptr_t)i, "id %lu",
			     (unsigned long)(i * 3));
	cr_expect_null(idmap_get(&m, 1));
	cr_expect_null(idmap_del(&m, 1));
	idmap_put(&m, 6, (void *)(uintptr_t)77);
	cr_expect_eq(idmap_get(&m, 6), (void *)(uintptr_t)77, "replaced");
	cr_expect_eq(m.n, 2500);
	idmap_free(&m);
}
