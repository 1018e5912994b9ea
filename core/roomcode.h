/* Room codes: 8 symbols of Crockford's base32 (digits and upper-case
 * letters without I, L, O, U), 40 random bits, shown grouped "ABCD-EFGH".
 * Typed codes are read leniently: any case, with or without the hyphen or
 * a space, O read as 0 and I or L as 1. Pure: client and server share it. */
#ifndef QUIZ_ROOMCODE_H
#define QUIZ_ROOMCODE_H

#include <stddef.h>
#include <stdint.h>

#include "quiz_limits.h"

#define ROOMCODE_SYMBOLS 8
/* The grouped form with its NUL: "ABCD-EFGH". */
#define ROOMCODE_SIZE QUIZ_CODE_BUF
/* Longest typed form accepted before normalisation (spaces, hyphens). */
#define ROOMCODE_INPUT_MAX QUIZ_CODE_INPUT_MAX

/* Writes the grouped code for the low 40 bits of bits to out. */
void roomcode_format(uint64_t bits, char out[ROOMCODE_SIZE]);

/* n symbols of the alphabet from n random bytes (a byte's low 5 bits),
 * and a NUL: the other secrets people type (judge tokens). */
void roomcode_symbols(const uint8_t *raw, size_t n, char *out);

/* Reads exactly n symbols typed leniently (as below, no grouping) into
 * out (n + 1 bytes). Returns 0, or -EINVAL. */
int roomcode_read(const char *in, size_t n, char *out);

/* Reads a typed code into its grouped canonical form. Returns 0, or
 * -EINVAL when in is not 8 symbols of the alphabet once hyphens and
 * spaces are dropped, or is longer than ROOMCODE_INPUT_MAX. */
int roomcode_normalize(const char *in, char out[ROOMCODE_SIZE]);

#endif
