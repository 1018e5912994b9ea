/* Envelope packing helpers shared by quizd and the clients. Wraps the
 * protobuf-c generated code so callers build frames in one call. */
#ifndef QUIZ_WIRE_H
#define QUIZ_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "quiz.pb-c.h"

#define QUIZ_PROTOCOL_VERSION 1

/* Packs env into a newly allocated frame (header + payload). Returns the
 * buffer (caller frees with free()) and sets *len, or NULL if the packed
 * size is 0 or over FRAME_MAX or allocation fails. */
uint8_t *wire_pack(const Quiz__V1__Envelope *env, size_t *len);

/* Packs env into a frame placed at out + offset, where out has room for
 * offset + the frame. Same limits as wire_pack; returns the frame length or
 * a negative error. Used for reference-counted broadcast buffers. */
int64_t wire_pack_at(const Quiz__V1__Envelope *env, uint8_t *out, size_t offset,
		     size_t cap);

/* Size of env's frame (header + payload). */
size_t wire_frame_size(const Quiz__V1__Envelope *env);

/* Decodes a payload into a newly allocated envelope, or NULL if it does not
 * decode. Free with wire_free(). Unknown fields are ignored (proto3). */
Quiz__V1__Envelope *wire_unpack(const uint8_t *payload, size_t len);
void wire_free(Quiz__V1__Envelope *env);

#endif
