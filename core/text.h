/* UTF-8 text helpers shared by the server and the clients (pure, no I/O):
 * validation, the normalisation used to match typed fill-in answers, name
 * checks and keys (libunistring), sanitising server text for display and
 * terminal display width.
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
/* Compares a presented secret (token, key) with a stored one in time that
 * depends only on the stored one's length, so timing reveals nothing of
 * how much of a guess matched. Returns 1 when equal, else 0. */
int text_secret_eq(const char *given, const char *stored);

/* Returns 1 if s is an acceptable display name (nickname, team name, room
 * title), else 0 (also for s == NULL). The rule (docs/PROTOCOL.md,
 * JoinRoom):
 *  - 1..max_bytes bytes of valid UTF-8;
 *  - no control character (text_is_control), no format character (general
 *    category Cf: bidi marks, zero-width space/joiners, word joiner, BOM,
 *    soft hyphen, tags...), no surrogate, private-use or unassigned code
 *    point, no line/paragraph separator, no other default-ignorable code
 *    point (Hangul fillers U+115F, U+1160, U+3164, U+FFA0...), no U+2800;
 *  - a variation selector only right after a visible character;
 *  - neither starts nor ends with white space (Zs), does not start with a
 *    combining mark;
 *  - at least one visible character (not white space, not a mark). */
int text_valid_name(const char *s, size_t max_bytes);

/* Longest name key (bytes, without the NUL) a room keeps. */
#define TEXT_KEY_MAX 128

/* Writes to out (cap bytes, NUL terminated) the key under which two names
 * count as the same: NFKC (full-width and other compatibility forms to
 * their plain letters), full case folding, variation selectors and other
 * default-ignorable code points removed, every run of white space one
 * ASCII space. "alice", "ALICE" and "ａｌｉｃｅ" have the same key.
 * Returns the key's length, -EILSEQ if s is not valid UTF-8, -ENOSPC if the
 * key does not fit, -ENOMEM. */
int text_name_key(const char *s, char *out, size_t cap);

/* Copies src (NULL is taken as "") to dst for display on a terminal, cut at
 * a character boundary to fit cap bytes with the NUL: control characters
 * (text_is_control: C0 including ESC, BEL and CR, DEL, C1, U+2028/U+2029,
 * bidi overrides and isolates) are dropped, except LF when keep_newline;
 * a tab becomes a space; each byte that is not valid UTF-8 becomes U+FFFD.
 * So no escape sequence (CSI, OSC, DCS, 8-bit C1) survives. Returns the
 * bytes written without the NUL; writes nothing when cap is 0. */
size_t text_sanitize(char *dst, size_t cap, const char *src, int keep_newline);

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
/* Reads exactly digits lowercase hex digits, then the string's end, into
 * digits / 2 bytes of out (the tokens and hashes we hand out); -1 if s is
 * anything else. */
int text_hex_bytes(const char *s, size_t digits, uint8_t *out);
/* Writes n bytes as 2n lowercase hex digits and a NUL into out (2n + 1
 * bytes); the reverse of text_hex_bytes. */
void text_bytes_hex(const uint8_t *b, size_t n, char *out);

#endif
