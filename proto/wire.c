/* Envelope packing helpers. */
#include "wire.h"

#include <stdlib.h>

#include "errors.h"
#include "frame.h"

/* Size of env's whole frame, header included. */
size_t wire_frame_size(const Quiz__V1__Envelope *env)
{
	return FRAME_HEADER + quiz__v1__envelope__get_packed_size(env);
}

/* Packs env as a frame at out + offset. */
int64_t wire_pack_at(const Quiz__V1__Envelope *env, uint8_t *out, size_t offset,
		     size_t cap)
{
	size_t n = quiz__v1__envelope__get_packed_size(env);

	if (frame_header(out + offset, n) < 0)
		return -QE_BAD_FRAME;
	if (offset + FRAME_HEADER + n > cap)
		return -QE_INTERNAL;
	quiz__v1__envelope__pack(env, out + offset + FRAME_HEADER);
	return (int64_t)(FRAME_HEADER + n);
}

/* Packs env into a fresh heap frame. */
uint8_t *wire_pack(const Quiz__V1__Envelope *env, size_t *len)
{
	size_t n = wire_frame_size(env);
	uint8_t *buf = malloc(n);

	if (!buf)
		return NULL;
	if (wire_pack_at(env, buf, 0, n) < 0) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Decodes one payload; NULL when it is not a valid Envelope. */
Quiz__V1__Envelope *wire_unpack(const uint8_t *payload, size_t len)
{
	return quiz__v1__envelope__unpack(NULL, len, payload);
}

/* Frees an envelope from wire_unpack. Accepts NULL. */
void wire_free(Quiz__V1__Envelope *env)
{
	if (env)
		quiz__v1__envelope__free_unpacked(env, NULL);
}
