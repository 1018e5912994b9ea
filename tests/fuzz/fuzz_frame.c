/* libFuzzer target: the frame reassembler and the envelope codec on
 * whatever bytes come (docs/FUZZING.md).
 *
 * The input is read twice: as a stream of frames (frame_parse, each payload
 * through wire_unpack), and as one payload. Every envelope that decodes is
 * packed again, and the property checked is that packing is a fixed point:
 * unpack(pack(env)) decodes and packs to the same bytes. A decoded envelope
 * holding an unknown field numbered 0 is skipped: protobuf-c 1.4.1 accepts
 * one but cannot encode it again (known finding, see FUZZING.md). With
 * FUZZ_STRICT=1 in the environment such envelopes are checked too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "fuzz_util.h"
#include "wire.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int strict;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *s = getenv("FUZZ_STRICT");

	(void)argc;
	(void)argv;
	strict = s && s[0] == '1';
	return 0;
}

/* Whether msg or any message inside it kept an unknown field numbered 0. */
static int has_field_zero(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	unsigned i, k;

	for (i = 0; i < msg->n_unknown_fields; i++)
		if (msg->unknown_fields[i].tag == 0)
			return 1;
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *base = (const char *)msg;

		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n =
			    *(const size_t *)(base + f->quantifier_offset);
			ProtobufCMessage *const *v = *(
			    ProtobufCMessage *const *const *)(base + f->offset);

			for (k = 0; k < n; k++)
				if (v[k] && has_field_zero(v[k]))
					return 1;
		} else {
			const ProtobufCMessage *sub =
			    *(ProtobufCMessage *const *)(base + f->offset);

			if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
				uint32_t which =
				    *(const uint32_t *)(base +
							f->quantifier_offset);

				if (which != f->id)
					continue;
			}
			if (sub && has_field_zero(sub))
				return 1;
		}
	}
	return 0;
}

/* Packs env, checks the frame, decodes it again and checks that packing
 * that gives the same bytes. */
static void round_trip(const Quiz__V1__Envelope *env)
{
	const uint8_t *payload;
	size_t len, plen, len2;
	uint8_t *buf, *buf2;
	Quiz__V1__Envelope *again;
	int64_t r;

	if (!strict && has_field_zero(&env->base))
		return; /* protobuf-c cannot encode it: known finding */
	if (quiz__v1__envelope__get_packed_size(env) == 0 ||
	    quiz__v1__envelope__get_packed_size(env) > FRAME_MAX)
		return; /* nothing to frame, or too large: wire_pack refuses */
	buf = wire_pack(env, &len);
	FUZZ_CHECK(buf != NULL, "wire_pack failed on a decoded envelope");
	r = frame_parse(buf, len, &payload, &plen);
	FUZZ_CHECK(r == (int64_t)len, "frame_parse did not take our frame");
	again = wire_unpack(payload, plen);
	FUZZ_CHECK(again != NULL, "our own packing does not decode");
	buf2 = wire_pack(again, &len2);
	FUZZ_CHECK(buf2 && len2 == len && memcmp(buf, buf2, len) == 0,
		   "pack(unpack(pack(x))) != pack(x)");
	free(buf2);
	wire_free(again);
	free(buf);
}

/* Decodes one payload; round-trips what decodes. */
static void payload(const uint8_t *p, size_t len)
{
	Quiz__V1__Envelope *env = wire_unpack(p, len);

	if (!env)
		return;
	round_trip(env);
	wire_free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	/* the input as a stream of frames */
	while (off < size) {
		const uint8_t *p = NULL;
		size_t plen = 0;
		int64_t r = frame_parse(data + off, size - off, &p, &plen);

		if (r <= 0)
			break;
		FUZZ_CHECK(plen >= 1 && plen <= FRAME_MAX &&
			       (size_t)r == plen + FRAME_HEADER &&
			       p == data + off + FRAME_HEADER,
			   "frame_parse returned a bad frame");
		payload(p, plen);
		off += (size_t)r;
	}
	/* the input as one payload */
	if (size <= FRAME_MAX)
		payload(data, size);
	return 0;
}
