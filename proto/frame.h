/* Length-prefixed framing: 4-byte big-endian length N (1..FRAME_MAX), then
 * N bytes of one serialized quiz.v1.Envelope. */
#ifndef QUIZ_FRAME_H
#define QUIZ_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER 4
#define FRAME_MAX    65536

/* Writes the 4-byte header for a payload of len bytes. Returns 0, or
 * -QE_BAD_FRAME if len is 0 or over FRAME_MAX. */
int frame_header(uint8_t out[FRAME_HEADER], size_t len);

/* Looks for one whole frame at the start of buf (len bytes available).
 * Returns 0 when more bytes are needed, the whole frame size (header +
 * payload) when one is complete (then *payload and *payload_len point into
 * buf), or -QE_BAD_FRAME when the length field is 0 or over FRAME_MAX; that
 * is known from the header alone, before any payload is buffered. */
int64_t frame_parse(const uint8_t *buf, size_t len, const uint8_t **payload,
		    size_t *payload_len);

#endif
