/* Token hashes with nettle's SHA-256 (Debian's nettle-dev): a database
 * that leaks gives no one a seat. */
#include "tokenhash.h"

#include <string.h>

#include <nettle/sha2.h>

#include "text.h"

void token_hash_hex(const char *token, char out[TOKEN_HASH_HEX + 1])
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, strlen(token), (const uint8_t *)token);
	sha256_digest(&ctx, sizeof(digest), digest);
	text_bytes_hex(digest, sizeof(digest), out);
}
