/* Tests of room codes (core/roomcode.c): the grouped format and the lenient
 * reading of typed codes. */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "roomcode.h"

Test(roomcode, format)
{
	char c[ROOMCODE_SIZE];

	roomcode_format(0, c);
	cr_expect_str_eq(c, "0000-0000");
	roomcode_format(0xFFFFFFFFFFull, c);
	cr_expect_str_eq(c, "ZZZZ-ZZZZ");
	roomcode_format(((uint64_t)10 << 35) | 31, c);
	cr_expect_str_eq(c, "A000-000Z");
	/* bits above the 40 are ignored */
	roomcode_format(0xFF00000000001ull, c);
	cr_expect_str_eq(c, "0000-0001");
}

Test(roomcode, formatted_codes_read_back)
{
	char c[ROOMCODE_SIZE], n[ROOMCODE_SIZE];
	uint64_t x = 0x9E3779B97F4A7C15ull;
	int i;

	for (i = 0; i < 1000; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		roomcode_format(x >> 20, c);
		cr_assert_eq(strlen(c), 9);
		cr_assert_eq(roomcode_normalize(c, n), 0, "%s", c);
		cr_assert_str_eq(n, c);
		cr_assert_null(strpbrk(c, "ILOU"), "%s", c);
	}
}

struct typed {
	const char *in, *want; /* want NULL: refused */
};

Test(roomcode, lenient_input)
{
	static const struct typed t[] = {
	    {"ABCD-EFGH", "ABCD-EFGH"},
	    {"abcdefgh", "ABCD-EFGH"},
	    {"abcd efgh", "ABCD-EFGH"},
	    {" ab-cd ef gh ", "ABCD-EFGH"},
	    {"oOiI-lL01", "0011-1101"},
	    {"7ZQ4-2XKM", "7ZQ4-2XKM"},
	    {"ABCD-EFG", NULL},
	    {"ABCD-EFGHJ", NULL},
	    {"ABCD-EFGU", NULL},
	    {"ABCD_EFGH", NULL},
	    {"", NULL},
	    {"123456", NULL},
	    {"ABCD-EF\xc3\xa9H", NULL},
	    {"A-B-C-D-E-F-G-H-J", NULL},
	};
	char n[ROOMCODE_SIZE];
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r = roomcode_normalize(t[i].in, n);

		if (!t[i].want) {
			cr_expect_eq(r, -EINVAL, "'%s' accepted", t[i].in);
			continue;
		}
		cr_expect_eq(r, 0, "'%s' refused", t[i].in);
		if (r == 0)
			cr_expect_str_eq(n, t[i].want, "'%s'", t[i].in);
	}
}

/* Judge tokens: n symbols from random bytes, read back leniently. */
Test(roomcode, symbols_of_any_length)
{
	const uint8_t raw[16] = {0,  1,	 2,  31, 32, 33, 255, 18,
				 19, 20, 21, 22, 23, 24, 25,  26};
	char tok[17], back[17];

	roomcode_symbols(raw, sizeof(raw), tok);
	cr_expect_str_eq(tok, "012Z01ZJKMNPQRST");
	cr_expect_eq(roomcode_read(tok, 16, back), 0);
	cr_expect_str_eq(back, tok);
	cr_expect_eq(roomcode_read("o12z-o1zj kmnp-qrst", 16, back), 0);
	cr_expect_str_eq(back, "012Z01ZJKMNPQRST");
	cr_expect_eq(roomcode_read("il", 2, back), 0);
	cr_expect_str_eq(back, "11");
	cr_expect_eq(roomcode_read("012Z01ZJKMNPQRS", 16, back), -EINVAL,
		     "one short");
	cr_expect_eq(roomcode_read("012Z01ZJKMNPQRSTV", 16, back), -EINVAL,
		     "one too many");
	cr_expect_eq(roomcode_read("012Z01ZJKMNPQRSU", 16, back), -EINVAL,
		     "U is not a symbol");
}
