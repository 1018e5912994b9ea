/* UTF-8 text helpers shared by the server and the clients (pure, no I/O):
 * validation, the normalisation used to match typed fill-in answers, name
 * checks and terminal display width.
 *
 * text_normalize() and item_fill_matches() are declared in item.h (their
 * contract lives there); this header adds the rest. */
#ifndef QUIZ_TEXT_H
#define QUIZ_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "item.h"

/* Decodes the code point at s (len bytes available, len > 0) into *cp.
 * Returns the number of bytes it takes (1..4), or -EILSEQ for an invalid
 * sequence (truncated, overlong, surrogate, above U+10FFFF, stray
 * continuation byte); *cp is then set to the first byte's value. */
int text_utf8_next(const char *s, size_t len, uint32_t *cp);

/* Returns 1 if the len bytes at s are well-formed UTF-8 (no overlong forms,
 * no surrogates U+D800..U+DFFF, nothing above U+10FFFF), else 0. NUL bytes
 * are valid UTF-8; callers that take C strings reject them separately. */
int text_utf8_valid(const char *s, size_t len);

/* Returns 1 if cp is a control character: C0 (U+0000..U+001F), DEL, C1
 * (U+0080..U+009F), the line/paragraph separators U+2028/U+2029 or a
 * bidirectional override/isolate (U+202A..U+202E, U+2066..U+2069), which
 * would let a name reorder or break the text around it on screen. */
int text_is_control(uint32_t cp);

/* Returns 1 if s is an acceptable display name: 1..max_bytes bytes of valid
 * UTF-8, no control character (text_is_control), and not made only of
 * white space (ASCII space, U+00A0, U+3000, U+2000..U+200B and the like).
 * Returns 0 otherwise, including for s == NULL. */
int text_valid_name(const char *s, size_t max_bytes);

/* Returns the number of terminal columns s takes: East Asian wide and
 * full-width characters count 2, combining marks and format characters 0,
 * other printable characters 1, control characters 0. An invalid UTF-8 byte
 * counts 1 (a terminal shows it as one replacement character). */
size_t text_display_width(const char *s);

/* Returns the display width of one code point (0, 1 or 2), as above. */
int text_cp_width(uint32_t cp);

/* FNV-1a hash of a NUL-terminated string (hash tables keyed by names and
 * tokens). */
uint32_t text_hash(const char *s);

#endif
