/* Resume tokens are stored only as their hash: SHA-256 of the token's
 * bytes, as 64 lowercase hex digits (what store_seat takes). */
#ifndef QUIZ_TOKENHASH_H
#define QUIZ_TOKENHASH_H

#define TOKEN_HASH_HEX 64 /* hex digits of a token hash */

/* Writes the SHA-256 of the NUL-terminated token into out as 64 lowercase
 * hex digits and a NUL. */
void token_hash_hex(const char *token, char out[TOKEN_HASH_HEX + 1]);

#endif
