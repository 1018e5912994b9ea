/* The event log's hash chain: SHA-256 (nettle, as tokenhash.c) over the
 * previous link and the event's canonical encoding (docs/STORAGE.md "The
 * hash chain"). The encoding never changes: a new one gets a new tag. */
#include "evhash.h"

#include <string.h>

#include <nettle/sha2.h>

#include "text.h"

static const uint8_t evhash_tag[] = "quizd-event-v1"; /* with its NUL */

/* Feeds v as n big-endian bytes. */
static void put_be(struct sha256_ctx *ctx, uint64_t v, size_t n)
{
	uint8_t b[8];
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	sha256_update(ctx, n, b);
}

/* Feeds a string as its u32 length and bytes (kind: NULL reads as ""). */
static void put_bytes(struct sha256_ctx *ctx, const char *str)
{
	size_t n = str ? strlen(str) : 0;

	put_be(ctx, (uint32_t)n, 4);
	if (n)
		sha256_update(ctx, n, (const uint8_t *)str);
}

/* Feeds an optional string: a u8 present flag, then its length and bytes
 * (NULL: the flag 0 and nothing else; "" is present with length 0). */
static void put_opt(struct sha256_ctx *ctx, const char *str)
{
	put_be(ctx, str ? 1 : 0, 1);
	if (str)
		put_bytes(ctx, str);
}

/* Value of one hex digit, or -1. */
static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads 64 hex digits (and nothing after them) into 32 bytes. */
static int read_prev(const char *hex, uint8_t out[SHA256_DIGEST_SIZE])
{
	size_t i;

	memset(out, 0, SHA256_DIGEST_SIZE);
	if (!hex || !hex[0])
		return 0;
	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		int hi = hex_val(hex[2 * i]);
		int lo = hi < 0 ? -1 : hex_val(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[EVHASH_HEX] == '\0' ? 0 : -1;
}

int evhash_hex(const char *prev_hex, const struct store_event *e,
	       char out[EVHASH_HEX + 1])
{
	uint8_t prev[SHA256_DIGEST_SIZE], digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	if (read_prev(prev_hex, prev) < 0)
		return -1;
	sha256_init(&ctx);
	sha256_update(&ctx, sizeof(prev), prev);
	sha256_update(&ctx, sizeof(evhash_tag), evhash_tag);
	put_be(&ctx, e->match, 8);
	put_be(&ctx, e->seq, 8);
	put_bytes(&ctx, e->kind);
	put_be(&ctx, (uint64_t)e->at_us, 8);
	put_be(&ctx, e->player, 4);
	put_be(&ctx, e->q, 4);
	put_be(&ctx, e->choice_mask, 4);
	put_be(&ctx, (uint64_t)e->one_way_us, 8);
	put_be(&ctx, (uint64_t)e->arg, 8);
	put_be(&ctx, (uint64_t)e->arg2, 8);
	put_opt(&ctx, e->nick);
	put_opt(&ctx, e->team);
	put_opt(&ctx, e->text);
	sha256_digest(&ctx, sizeof(digest), digest);
	text_bytes_hex(digest, sizeof(digest), out);
	return 0;
}
