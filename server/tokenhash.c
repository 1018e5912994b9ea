/* Token hashes with nettle's SHA-256 (Debian's nettle-dev): a database
 * that leaks gives no one a seat. */
#include "tokenhash.h"

#include <string.h>

#include <nettle/sha2.h>

void token_hash_hex(const char *token, char out[TOKEN_HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;
	size_t i;

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(token), (const uint8_t *)token);
	sha256_digest(&ctx, sizeof(digest), digest);
	for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 0xf];
	}
	out[TOKEN_HASH_HEX] = '\0';
}
