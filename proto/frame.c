/* Length-prefixed framing. */
#include "frame.h"

#include "errors.h"

/* Writes the big-endian length header of a payload of len bytes. */
int frame_header(uint8_t out[FRAME_HEADER], size_t len)
{
	if (len == 0 || len > FRAME_MAX)
		return -QE_BAD_FRAME;
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
	return 0;
}

/* Finds one complete frame at the start of buf, rejecting bad lengths from
 * the header alone so nothing is buffered for a hostile length. */
int64_t frame_parse(const uint8_t *buf, size_t len, const uint8_t **payload,
		    size_t *payload_len)
{
	uint32_t n;

	if (len < FRAME_HEADER)
		return 0;
	n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | (uint32_t)buf[3];
	if (n == 0 || n > FRAME_MAX)
		return -QE_BAD_FRAME;
	if (len - FRAME_HEADER < n)
		return 0;
	*payload = buf + FRAME_HEADER;
	*payload_len = n;
	return (int64_t)n + FRAME_HEADER;
}
