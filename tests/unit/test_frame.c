/* Tests of the frame codec (proto/frame.c) and the envelope packing helpers
 * (proto/wire.c): golden bytes, partial input, hostile lengths refused from
 * the header alone, and garbage payloads that must not decode. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "frame.h"
#include "wire.h"

/* ---- frame_header: golden bytes ----------------------------------------- */

struct hdr_case {
	size_t len;
	uint8_t want[FRAME_HEADER];
};

ParameterizedTestParameters(frame, header_golden)
{
	static struct hdr_case cases[] = {
	    {1, {0x00, 0x00, 0x00, 0x01}},
	    {300, {0x00, 0x00, 0x01, 0x2c}},
	    {65535, {0x00, 0x00, 0xff, 0xff}},
	    {65536, {0x00, 0x01, 0x00, 0x00}},
	};

	return cr_make_param_array(struct hdr_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct hdr_case *c, frame, header_golden)
{
	uint8_t out[FRAME_HEADER];

	memset(out, 0xaa, sizeof(out));
	cr_assert_eq(frame_header(out, c->len), 0, "len %zu", c->len);
	cr_expect_arr_eq(out, c->want, FRAME_HEADER,
			 "len %zu: got %02x %02x %02x %02x", c->len, out[0],
			 out[1], out[2], out[3]);
}

ParameterizedTestParameters(frame, header_rejects)
{
	static size_t cases[] = {0, FRAME_MAX + 1, 0xffffffffu,
				 (size_t)1 << 40};

	return cr_make_param_array(size_t, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(size_t *len, frame, header_rejects)
{
	uint8_t out[FRAME_HEADER];

	cr_expect_eq(frame_header(out, *len), -QE_BAD_FRAME, "len %zu", *len);
}

/* ---- frame_parse ----------------------------------------------------------
 */

Test(frame, parse_complete)
{
	static const uint8_t buf[] = {0, 0, 0, 3, 'a', 'b', 'c'};
	const uint8_t *p = NULL;
	size_t plen = 0;

	cr_assert_eq(frame_parse(buf, sizeof(buf), &p, &plen), 7);
	cr_expect_eq(p, buf + 4);
	cr_expect_eq(plen, 3);
}

Test(frame, parse_ignores_bytes_after_the_frame)
{
	static const uint8_t buf[] = {0, 0, 0, 1, 'x', 0, 0, 0};
	const uint8_t *p = NULL;
	size_t plen = 0;

	cr_assert_eq(frame_parse(buf, sizeof(buf), &p, &plen), 5);
	cr_expect_eq(p, buf + 4);
	cr_expect_eq(plen, 1);
	cr_expect_eq(p[0], 'x');
}

Test(frame, parse_partial_header_needs_more)
{
	/* even a header that will turn out to be hostile: not known yet */
	static const uint8_t good[] = {0, 0, 0, 2, 'h', 'i'};
	static const uint8_t bad[] = {0xff, 0xff, 0xff, 0xff};
	const uint8_t *p = NULL;
	size_t plen = 0, n;

	for (n = 0; n < FRAME_HEADER; n++) {
		cr_expect_eq(frame_parse(good, n, &p, &plen), 0, "good %zu", n);
		cr_expect_eq(frame_parse(bad, n, &p, &plen), 0, "bad %zu", n);
	}
	cr_expect_null(p);
}

Test(frame, parse_partial_payload_needs_more)
{
	uint8_t buf[FRAME_HEADER + 300];
	const uint8_t *p = NULL;
	size_t plen = 0, n;

	cr_assert_eq(frame_header(buf, 300), 0);
	memset(buf + FRAME_HEADER, 'z', 300);
	for (n = FRAME_HEADER; n < sizeof(buf); n++)
		cr_assert_eq(frame_parse(buf, n, &p, &plen), 0, "have %zu", n);
	cr_expect_null(p);
	cr_assert_eq(frame_parse(buf, sizeof(buf), &p, &plen), 304);
	cr_expect_eq(plen, 300);
}

Test(frame, parse_two_frames_back_to_back)
{
	static const uint8_t buf[] = {0, 0, 0, 2,   'h', 'i', 0,
				      0, 0, 3, 'y', 'o', '!'};
	const uint8_t *p = NULL;
	size_t plen = 0;
	int64_t n1, n2;

	n1 = frame_parse(buf, sizeof(buf), &p, &plen);
	cr_assert_eq(n1, 6);
	cr_expect_eq(plen, 2);
	cr_expect_eq(memcmp(p, "hi", 2), 0);
	n2 = frame_parse(buf + n1, sizeof(buf) - (size_t)n1, &p, &plen);
	cr_assert_eq(n2, 7);
	cr_expect_eq(plen, 3);
	cr_expect_eq(memcmp(p, "yo!", 3), 0);
	cr_expect_eq((size_t)(n1 + n2), sizeof(buf));
}

Test(frame, parse_largest_frame)
{
	size_t total = FRAME_HEADER + FRAME_MAX;
	uint8_t *buf = calloc(1, total);
	const uint8_t *p = NULL;
	size_t plen = 0;

	cr_assert_not_null(buf);
	cr_assert_eq(frame_header(buf, FRAME_MAX), 0);
	cr_expect_eq(frame_parse(buf, FRAME_HEADER, &p, &plen), 0);
	cr_expect_eq(frame_parse(buf, total - 1, &p, &plen), 0);
	cr_expect_eq(frame_parse(buf, total, &p, &plen), (int64_t)total);
	cr_expect_eq(plen, FRAME_MAX);
	free(buf);
}

struct bad_len_case {
	uint8_t hdr[FRAME_HEADER];
};

ParameterizedTestParameters(frame, parse_rejects_length_from_header_alone)
{
	static struct bad_len_case cases[] = {
	    {{0x00, 0x00, 0x00, 0x00}}, /* 0 */
	    {{0x00, 0x01, 0x00, 0x01}}, /* 65537 */
	    {{0x00, 0x02, 0x00, 0x00}}, /* 131072 */
	    {{0x7f, 0xff, 0xff, 0xff}},
	    {{0x80, 0x00, 0x00, 0x00}}, /* would be negative as int32 */
	    {{0xff, 0xff, 0xff, 0xff}},
	};

	return cr_make_param_array(struct bad_len_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_len_case *c, frame,
		  parse_rejects_length_from_header_alone)
{
	uint8_t buf[FRAME_HEADER + 8];
	const uint8_t *p = NULL;
	size_t plen = 0;

	memcpy(buf, c->hdr, FRAME_HEADER);
	memset(buf + FRAME_HEADER, 0, 8);
	/* exactly the 4 header bytes, no payload at all */
	cr_expect_eq(frame_parse(buf, FRAME_HEADER, &p, &plen), -QE_BAD_FRAME);
	/* and the same with some bytes after it */
	cr_expect_eq(frame_parse(buf, sizeof(buf), &p, &plen), -QE_BAD_FRAME);
}

/* ---- wire: golden bytes of a packed envelope ------------------------------
 */

/* Envelope{seq=1, hello={protocol_version=1, client="t"}}:
 *   08 01           field 1 (seq) varint 1
 *   12 05           field 2 (hello) length-delimited, 5 bytes:
 *     08 01         field 1 (protocol_version) varint 1
 *     12 01 74      field 2 (client) length 1, "t"
 * (resume_token is empty: proto3 leaves it out). Framed: length 9. */
static const uint8_t hello_golden[] = {0x00, 0x00, 0x00, 0x09, 0x08, 0x01, 0x12,
				       0x05, 0x08, 0x01, 0x12, 0x01, 0x74};

/* Fills env/hello with the golden message (strings are borrowed). */
static void golden_hello(Quiz__V1__Envelope *env, Quiz__V1__Hello *hello)
{
	quiz__v1__envelope__init(env);
	quiz__v1__hello__init(hello);
	hello->protocol_version = 1;
	hello->client = "t";
	env->seq = 1;
	env->body_case = QUIZ__V1__ENVELOPE__BODY_HELLO;
	env->hello = hello;
}

Test(wire, pack_hello_golden)
{
	Quiz__V1__Envelope env;
	Quiz__V1__Hello hello;
	uint8_t *buf;
	size_t len = 0;

	golden_hello(&env, &hello);
	cr_expect_eq(wire_frame_size(&env), sizeof(hello_golden));
	buf = wire_pack(&env, &len);
	cr_assert_not_null(buf);
	cr_assert_eq(len, sizeof(hello_golden));
	cr_expect_arr_eq(buf, hello_golden, sizeof(hello_golden));
	free(buf);
}

Test(wire, pack_at_offset_golden)
{
	Quiz__V1__Envelope env;
	Quiz__V1__Hello hello;
	uint8_t buf[8 + sizeof(hello_golden)];

	golden_hello(&env, &hello);
	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(wire_pack_at(&env, buf, 8, sizeof(buf)),
		     (int64_t)sizeof(hello_golden));
	cr_expect_arr_eq(buf + 8, hello_golden, sizeof(hello_golden));
	cr_expect_eq(buf[7], 0xee, "bytes before offset untouched");
	/* one byte too small: refused, not overrun */
	cr_expect_lt(wire_pack_at(&env, buf, 8, sizeof(buf) - 1), 0);
}

Test(wire, golden_round_trip)
{
	const uint8_t *p = NULL;
	size_t plen = 0;
	Quiz__V1__Envelope *env;

	cr_assert_eq(frame_parse(hello_golden, sizeof(hello_golden), &p, &plen),
		     (int64_t)sizeof(hello_golden));
	env = wire_unpack(p, plen);
	cr_assert_not_null(env);
	cr_expect_eq(env->seq, 1);
	cr_assert_eq(env->body_case, QUIZ__V1__ENVELOPE__BODY_HELLO);
	cr_expect_eq(env->hello->protocol_version, 1);
	cr_expect_str_eq(env->hello->client, "t");
	cr_expect_str_eq(env->hello->resume_token, "");
	wire_free(env);
	wire_free(NULL);
}

Test(wire, pack_refuses_empty_and_oversized)
{
	Quiz__V1__Envelope env;
	Quiz__V1__Hello hello;
	char *big;
	size_t len = 12345;

	/* seq 0 and no body packs to 0 bytes: not a valid frame */
	quiz__v1__envelope__init(&env);
	cr_expect_null(wire_pack(&env, &len));

	big = malloc(FRAME_MAX + 1);
	cr_assert_not_null(big);
	memset(big, 'a', FRAME_MAX);
	big[FRAME_MAX] = '\0';
	golden_hello(&env, &hello);
	hello.client = big;
	cr_expect_null(wire_pack(&env, &len));
	free(big);
}

/* ---- wire_unpack on garbage ---------------------------------------------- */

Test(wire, unpack_truncated_golden_fails)
{
	const uint8_t *pl = hello_golden + FRAME_HEADER;
	size_t plen = sizeof(hello_golden) - FRAME_HEADER, n;

	/* every strict prefix cuts a varint or a length-delimited field,
	 * except 08 01 (a whole Envelope{seq=1}) and the empty message */
	for (n = 1; n < plen; n++) {
		Quiz__V1__Envelope *env = wire_unpack(pl, n);

		if (n == 2) {
			cr_expect_not_null(env, "prefix 2 is Envelope{seq=1}");
			wire_free(env);
			continue;
		}
		cr_expect_null(env, "prefix of %zu bytes decoded", n);
		wire_free(env);
	}
}

Test(wire, unpack_inner_truncation_fails)
{
	/* outer length consistent, but the Hello inside ends mid-string */
	static const uint8_t pl[] = {0x08, 0x01, 0x12, 0x04,
				     0x08, 0x01, 0x12, 0x01};

	cr_expect_null(wire_unpack(pl, sizeof(pl)));
}

struct garbage_case {
	size_t len;
	uint8_t b[12];
};

ParameterizedTestParameters(wire, unpack_garbage_fails)
{
	static struct garbage_case cases[] = {
	    /* varint that never ends */
	    {11,
	     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	      0xff}},
	    /* tag with field number 0 */
	    {2, {0x00, 0x01}},
	    /* wire types 6 and 7 do not exist */
	    {2, {0x0e, 0x01}},
	    {2, {0x0f, 0x01}},
	    /* group start (wire type 3) without end */
	    {1, {0x0b}},
	    /* length-delimited field claiming more bytes than there are */
	    {3, {0x12, 0x7f, 0x00}},
	    /* length 2^32-1 */
	    {6, {0x12, 0xff, 0xff, 0xff, 0xff, 0x0f}},
	    /* hello body that is itself garbage */
	    {4, {0x12, 0x02, 0xff, 0xff}},
	    /* fixed64 cut short */
	    {4, {0x09, 0x01, 0x02, 0x03}},
	};

	return cr_make_param_array(struct garbage_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct garbage_case *c, wire, unpack_garbage_fails)
{
	Quiz__V1__Envelope *env = wire_unpack(c->b, c->len);

	cr_expect_null(env, "garbage of %zu bytes decoded (first %02x)", c->len,
		       c->b[0]);
	wire_free(env);
}

/* xorshift32 so the "random" bytes are the same on every run. */
static uint32_t xs32(uint32_t *s)
{
	uint32_t x = *s;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return *s = x;
}

Test(wire, unpack_random_bytes_never_crash)
{
	uint8_t buf[256];
	uint32_t seed = 0x9e3779b9u;
	unsigned i, rejected = 0, runs = 2000;

	for (i = 0; i < runs; i++) {
		size_t n = 1 + xs32(&seed) % sizeof(buf), k;
		Quiz__V1__Envelope *env;

		for (k = 0; k < n; k++)
			buf[k] = (uint8_t)xs32(&seed);
		env = wire_unpack(buf, n);
		if (!env) {
			rejected++;
			continue;
		}
		/* whatever decoded must be a well-formed envelope */
		cr_assert(env->body_case == QUIZ__V1__ENVELOPE__BODY__NOT_SET ||
			  (env->body_case >= QUIZ__V1__ENVELOPE__BODY_HELLO &&
			   env->body_case <= QUIZ__V1__ENVELOPE__BODY_KICKED));
		wire_free(env);
	}
	/* random bytes are almost never a valid message */
	cr_expect_gt(rejected, runs * 9 / 10, "only %u of %u rejected",
		     rejected, runs);
}
