/* Tests for core/text.c: normalisation, fill matching, UTF-8 validation,
 * names and display width. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "text.h"

/* Parameters are copied into each test process, so they hold arrays, not
 * pointers. */
struct norm_case {
	char in[96];
	char out[96];
};

ParameterizedTestParameters(text, normalize)
{
	static struct norm_case cases[] = {
	    {"全心全意为人民服务", "全心全意为人民服务"},
	    {"《中国共产党章程》", "中国共产党章程"},
	    {"〈准则〉", "准则"},
	    {"“四个意识”", "四个意识"},
	    {"‘两个维护’", "两个维护"},
	    {"「注意」『重点』【要求】", "注意重点要求"},
	    {"创新、协调、绿色、开放、共享", "创新协调绿色开放共享"},
	    {"党的根本宗旨：全心全意为人民服务。",
	     "党的根本宗旨全心全意为人民服务"},
	    {"是不是？对！", "是不是对"},
	    {"（一）党委；（二）纪委", "一党委二纪委"},
	    {"预备期——一年……", "预备期一年"},
	    {"中国·梦", "中国梦"},
	    {"中国・梦", "中国梦"},
	    {"～约～", "约"},
	    {"2012 年 12 月 4 日", "2012年12月4日"},
	    {"  中国\xe3\x80\x80梦 ", "中国梦"},
	    {"\t中国\r\n梦\n", "中国梦"},
	    {"Ｐ Ｍ ２．５", "pm25"},
	    {"Ｈｅｌｌｏ，Ｗｏｒｌｄ！", "helloworld"},
	    {"ABC-def_GHI", "abcdefghi"},
	    {"a\"b'c(d)e[f]g{h}i", "abcdefghi"},
	    {"!#$%&*+,./:;<=>?@\\^`|~", ""},
	    {"0.5%", "05"},
	    {"二〇一二年", "二〇一二年"},
	    {"人々", "人々"},
	    {"É", "É"},
	    {"a\xc2\xa0"
	     "b",
	     "ab"},
	    {"a\xe2\x80\x8b"
	     "b",
	     "ab"},
	    {"", ""},
	    {"\xff"
	     "A",
	     "\xef\xbf\xbd"
	     "a"}, /* an invalid byte becomes U+FFFD */
	    {"B\xc2@\x8c", "b\xef\xbf\xbd\xef\xbf\xbd"},
	};

	return cr_make_param_array(struct norm_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct norm_case *c, text, normalize)
{
	char out[256];
	int n = text_normalize(c->in, out, sizeof(out));

	cr_assert_eq(n, (int)strlen(c->out),
		     "normalize(\"%s\") length %d, "
		     "expected %zu (\"%s\")",
		     c->in, n, strlen(c->out), c->out);
	cr_expect_str_eq(out, c->out,
			 "normalize(\"%s\") = \"%s\", expected "
			 "\"%s\"",
			 c->in, out, c->out);
}

/* The output is never longer than the input, so strlen + 1 is enough. */
Test(text, normalize_fits_in_input_size)
{
	const char *in = "《ＡＢＣ》　中国";
	char out[64];

	cr_assert_eq(text_normalize(in, out, strlen(in) + 1), 9);
	cr_expect_str_eq(out, "abc中国");
}

/* Fuzz finding: invalid bytes kept raw could pair up once the text between
 * them was dropped, so a second pass changed the result. */
Test(text, normalize_idempotent_on_invalid_utf8)
{
	const char *in = "B\xc2@\x8c";
	char once[64], twice[64];

	cr_assert_geq(text_normalize(in, once, sizeof(once)), 0);
	cr_assert_geq(text_normalize(once, twice, sizeof(twice)), 0);
	cr_expect_str_eq(twice, once);
	cr_expect(text_utf8_valid(once, strlen(once)));
}

/* A byte for the property test: biased towards what breaks UTF-8 decoders
 * and what the normaliser drops or folds. */
static unsigned char prop_byte(uint64_t *st)
{
	static const unsigned char pick[] = {
	    'a',  'B',	'@',  ' ',  '.',  '\t', 0x80, 0x8c, 0x9b, 0xa0,
	    0xbf, 0xc2, 0xc3, 0xe2, 0xe3, 0xe4, 0xef, 0xbc, 0xff, 0xf0,
	    0xf4, 0x9f, 0xed, 0xc0, 0x1b, 0x7f, 0xbd, 0x80, 0x81, 0x30};
	uint64_t x = *st;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*st = x;
	if (x & 1)
		return (unsigned char)(x >> 8);
	return pick[(x >> 8) % sizeof(pick)];
}

/* normalise(normalise(x)) == normalise(x) and the result is valid UTF-8,
 * over 100,000 seeded random byte strings of 0..23 bytes. */
Test(text, normalize_idempotent_property)
{
	uint64_t st = 0x9e3779b97f4a7c15ull;
	char in[24], once[3 * sizeof(in) + 1], twice[sizeof(once)];
	int i, bad = 0;

	for (i = 0; i < 100000 && bad < 5; i++) {
		size_t len = prop_byte(&st) % sizeof(in), j;
		int n1, n2;

		for (j = 0; j < len; j++) {
			in[j] = (char)prop_byte(&st);
			if (!in[j])
				in[j] = 'x';
		}
		in[len] = '\0';
		n1 = text_normalize(in, once, sizeof(once));
		cr_assert_geq(n1, 0, "3 * strlen + 1 is always enough");
		n2 = text_normalize(once, twice, sizeof(twice));
		if (n2 != n1 || strcmp(once, twice) != 0 ||
		    !text_utf8_valid(once, (size_t)n1)) {
			bad++;
			cr_expect_fail("string %d (%zu bytes) is not a fixed "
				       "point after one pass",
				       i, len);
		}
	}
}

Test(text, normalize_no_space)
{
	char out[4] = "xyz";

	cr_expect_eq(text_normalize("abcd", out, 4), -ENOSPC);
	cr_expect_str_eq(out, "");
	cr_expect_eq(text_normalize("abc", out, 4), 3);
	cr_expect_eq(text_normalize("中", out, 3), -ENOSPC);
	cr_expect_eq(text_normalize("a", out, 0), -ENOSPC);
	cr_expect_eq(text_normalize("", out, 1), 0);
}

/* A fill item whose fills point at string literals (never freed). */
static struct item fill_item(void)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.kind = ITEM_FILL;
	it.fills[0] = (char *)"《中国共产党章程》";
	it.fills[1] = (char *)"党章";
	it.n_fills = 2;
	return it;
}

Test(text, fill_matches)
{
	struct item it = fill_item();

	cr_expect(item_fill_matches(&it, "中国共产党章程"));
	cr_expect(item_fill_matches(&it, "《中国共产党章程》"));
	cr_expect(item_fill_matches(&it, " 中国 共产党 章程。"));
	cr_expect(item_fill_matches(&it, "党章"));
	cr_expect(item_fill_matches(&it, "“党　章”"));
	cr_expect_not(item_fill_matches(&it, "党章程"));
	cr_expect_not(item_fill_matches(&it, "中国共产党"));
	cr_expect_not(item_fill_matches(&it, ""));
	cr_expect_not(item_fill_matches(&it, "《》"));
	cr_expect_not(item_fill_matches(&it, NULL));
	cr_expect_not(item_fill_matches(NULL, "党章"));
}

Test(text, fill_matches_case_and_width)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.kind = ITEM_FILL;
	it.fills[0] = (char *)"GDP";
	it.n_fills = 1;
	cr_expect(item_fill_matches(&it, "gdp"));
	cr_expect(item_fill_matches(&it, "ＧＤＰ"));
	cr_expect(item_fill_matches(&it, "G.D.P."));
	cr_expect_not(item_fill_matches(&it, "GNP"));
}

Test(text, fill_matches_only_fill_items)
{
	struct item it = fill_item();

	it.kind = ITEM_SINGLE;
	cr_expect_not(item_fill_matches(&it, "党章"));
}

/* An accepted answer that normalises to nothing must not match empty
 * typed text. */
Test(text, fill_punctuation_only_never_matches)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.kind = ITEM_FILL;
	it.fills[0] = (char *)"……";
	it.n_fills = 1;
	cr_expect_not(item_fill_matches(&it, "……"));
	cr_expect_not(item_fill_matches(&it, " "));
}

Test(text, fill_overlong_typed_text_never_matches)
{
	struct item it = fill_item();
	char typed[3000];

	memset(typed, 'a', sizeof(typed) - 1);
	typed[sizeof(typed) - 1] = '\0';
	cr_expect_not(item_fill_matches(&it, typed));
}

struct utf8_case {
	char bytes[8];
	size_t len;
	int valid;
};

ParameterizedTestParameters(text, utf8_valid)
{
	static struct utf8_case cases[] = {
	    {"", 0, 1},
	    {"abc", 3, 1},
	    {"a\0b", 3, 1},		/* NUL is valid UTF-8 */
	    {"\xc2\x80", 2, 1},		/* U+0080 */
	    {"\xdf\xbf", 2, 1},		/* U+07FF */
	    {"\xe4\xb8\xad", 3, 1},	/* 中 */
	    {"\xef\xbf\xbf", 3, 1},	/* U+FFFF */
	    {"\xf0\x9f\x98\x80", 4, 1}, /* U+1F600 */
	    {"\xf4\x8f\xbf\xbf", 4, 1}, /* U+10FFFF */
	    {"\x80", 1, 0},		/* lone continuation */
	    {"\xbf", 1, 0},
	    {"\xc0\xaf", 2, 0},		/* overlong '/' */
	    {"\xc1\xbf", 2, 0},		/* overlong */
	    {"\xe0\x80\xaf", 3, 0},	/* overlong '/' */
	    {"\xe0\x9f\xbf", 3, 0},	/* overlong U+07FF */
	    {"\xf0\x80\x80\xaf", 4, 0}, /* overlong '/' */
	    {"\xf0\x8f\xbf\xbf", 4, 0}, /* overlong U+FFFF */
	    {"\xed\xa0\x80", 3, 0},	/* U+D800 */
	    {"\xed\xbf\xbf", 3, 0},	/* U+DFFF */
	    {"\xf4\x90\x80\x80", 4, 0}, /* U+110000 */
	    {"\xf5\x80\x80\x80", 4, 0},
	    {"\xff", 1, 0},
	    {"\xfe", 1, 0},
	    {"\xe4\xb8", 2, 0}, /* truncated */
	    {"\xe4\xb8"
	     "a",
	     3, 0},			 /* bad continuation */
	    {"\xf0\x9f\x98", 3, 0},	 /* truncated */
	    {"a\xe4\xb8\xad\xc3", 5, 0}, /* truncated at the end */
	};

	return cr_make_param_array(struct utf8_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct utf8_case *c, text, utf8_valid)
{
	cr_expect_eq(text_utf8_valid(c->bytes, c->len), c->valid,
		     "case %02x %02x %02x %02x (len %zu): expected %s",
		     (unsigned char)c->bytes[0], (unsigned char)c->bytes[1],
		     (unsigned char)c->bytes[2], (unsigned char)c->bytes[3],
		     c->len, c->valid ? "valid" : "invalid");
}

Test(text, utf8_next_decodes)
{
	uint32_t cp;

	cr_expect_eq(text_utf8_next("\xe4\xb8\xad", 3, &cp), 3);
	cr_expect_eq(cp, 0x4e2du);
	cr_expect_eq(text_utf8_next("\xf0\x9f\x98\x80", 4, &cp), 4);
	cr_expect_eq(cp, 0x1f600u);
	cr_expect_eq(text_utf8_next("\xe4\xb8\xad", 2, &cp), -EILSEQ);
	cr_expect_eq(text_utf8_next("A", 1, &cp), 1);
	cr_expect_eq(cp, 'A');
}

struct name_case {
	char s[48];
	size_t max;
	int valid;
};

ParameterizedTestParameters(text, valid_name)
{
	static struct name_case cases[] = {
	    {"张三", 32, 1},
	    {"Team A", 32, 1},
	    {"第一党支部", 32, 1},
	    {" x ", 32, 0}, /* leading and trailing space */
	    {"x ", 32, 0},
	    {" x", 32, 0},
	    {"\xc2\xa0x", 32, 0},     /* leading NBSP */
	    {"x\xe3\x80\x80", 32, 0}, /* trailing U+3000 */
	    {"a b", 32, 1},
	    {"a\xe3\x80\x80"
	     "b",
	     32, 1},
	    {"\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89", 32, 1}, /* ａｌｉ */
	    {"e\xcc\x81", 32, 1}, /* e + combining acute */
	    {"\xcc\x81"
	     "e",
	     32, 0}, /* starts with a combining mark */
	    {"\xe2\x9d\xa4\xef\xb8\x8f", 32, 1}, /* heart + VS16 */
	    {"a\xef\xb8\x8f", 32, 1},		 /* a + VS16: key drops it */
	    {"\xef\xb8\x8f", 32, 0},		 /* VS16 alone */
	    {"a \xef\xb8\x8f", 32, 0},		 /* VS16 after a space */
	    {"alice\xe2\x80\x8e", 32, 0},	 /* LRM */
	    {"alice\xe2\x80\x8f", 32, 0},	 /* RLM */
	    {"\xe2\x80\xaa"
	     "alice",
	     32, 0}, /* LRE */
	    {"a\xe2\x81\xa6"
	     "b",
	     32, 0},			  /* LRI */
	    {"alice\xe2\x80\x8b", 32, 0}, /* ZWSP */
	    {"ali\xe2\x80\x8c"
	     "ce",
	     32, 0}, /* ZWNJ */
	    {"ali\xe2\x80\x8d"
	     "ce",
	     32, 0}, /* ZWJ */
	    {"a\xe2\x81\xa0"
	     "b",
	     32, 0}, /* WORD JOINER */
	    {"\xef\xbb\xbf"
	     "alice",
	     32, 0}, /* BOM */
	    {"ali\xc2\xad"
	     "ce",
	     32, 0}, /* SOFT HYPHEN */
	    {"a\xcd\x8f"
	     "b",
	     32, 0},		     /* COMBINING GRAPHEME JOINER */
	    {"\xe3\x85\xa4", 32, 0}, /* HANGUL FILLER U+3164 */
	    {"a\xe3\x85\xa4", 32, 0},
	    {"\xe1\x85\x9f", 32, 0}, /* U+115F */
	    {"\xe1\x85\xa0", 32, 0}, /* U+1160 */
	    {"\xef\xbe\xa0", 32, 0}, /* U+FFA0 */
	    {"\xe2\xa0\x80", 32, 0}, /* BRAILLE BLANK */
	    {"a\xe1\xa0\x8e"
	     "b",
	     32, 0}, /* MONGOLIAN VOWEL SEPARATOR */
	    {"a\xd8\x9c"
	     "b",
	     32, 0},			  /* ARABIC LETTER MARK */
	    {"a\xee\x80\x80", 32, 0},	  /* private use */
	    {"a\xcd\xb8", 32, 0},	  /* unassigned U+0378 */
	    {"a\xf3\xa0\x81\x81", 32, 0}, /* TAG LATIN CAPITAL A */
	    {"😀", 32, 1},
	    {"abcdefghijklmnopqrstuvwxyz012345", 32, 1},  /* 32 bytes */
	    {"abcdefghijklmnopqrstuvwxyz0123456", 32, 0}, /* 33 bytes */
	    {"中文中文中文中文中文中", 32, 0},		  /* 33 bytes */
	    {"", 32, 0},
	    {" ", 32, 0},
	    {"   \t", 32, 0},
	    {"\xe3\x80\x80", 32, 0},	     /* U+3000 only */
	    {"\xc2\xa0\xe2\x80\x8b", 32, 0}, /* NBSP, ZWSP */
	    {"a\tb", 32, 0},
	    {"a\nb", 32, 0},
	    {"a\x1b[31mb", 32, 0},
	    {"a\x7f", 32, 0},
	    {"a\xc2\x85", 32, 0}, /* C1 NEL */
	    {"a\xc2\x9b"
	     "31m",
	     32, 0}, /* C1 CSI */
	    {"a\xe2\x80\xae"
	     "b",
	     32, 0}, /* RIGHT-TO-LEFT OVERRIDE */
	    {"a\xe2\x80\xa8"
	     "b",
	     32, 0}, /* LINE SEPARATOR */
	    {"a\xff", 32, 0},
	    {"\xc0\xaf", 32, 0},
	    {"abc", 2, 0},
	    {"ab", 2, 1},
	};

	return cr_make_param_array(struct name_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct name_case *c, text, valid_name)
{
	cr_expect_eq(text_valid_name(c->s, c->max), c->valid,
		     "name \"%s\" (max %zu): expected %s", c->s, c->max,
		     c->valid ? "valid" : "invalid");
}

Test(text, valid_name_null)
{
	cr_expect_not(text_valid_name(NULL, 32));
}

struct key_case {
	char a[48];
	char b[48];
	int same;
};

ParameterizedTestParameters(text, name_key)
{
	static struct key_case cases[] = {
	    {"alice", "ALICE", 1},
	    {"alice", "Alice", 1},
	    {"alice",
	     "\xef\xbd\x81\xef\xbd\x8c\xef\xbd\x89\xef\xbd\x83"
	     "\xef\xbd\x85",
	     1}, /* full-width ａｌｉｃｅ */
	    {"alice",
	     "\xef\xbc\xa1\xef\xbc\xac\xef\xbc\xa9\xef\xbc\xa3"
	     "\xef\xbc\xa5",
	     1}, /* full-width ＡＬＩＣＥ */
	    {"alice",
	     "\xf0\x9d\x90\x9a\xf0\x9d\x90\xa5\xf0\x9d\x90\xa2\xf0\x9d"
	     "\x90\x9c\xf0\x9d\x90\x9e",
	     1},			       /* mathematical bold */
	    {"alice", "alice\xef\xb8\x8f", 1}, /* trailing VS16 */
	    {"a b",
	     "a\xe3\x80\x80"
	     "b",
	     1}, /* ideographic space */
	    {"a b", "a  b", 1},
	    {"a b",
	     "a\xc2\xa0"
	     "b",
	     1},
	    {"\xc3\xa9", "e\xcc\x81", 1}, /* é precomposed / combining */
	    {"stra\xc3\x9f"
	     "e",
	     "STRASSE", 1},
	    {"\xef\xbd\xb1", "\xe3\x82\xa2", 1}, /* half-width ｱ, ア */
	    {"张三", "张三", 1},
	    {"alice", "bob", 0},
	    {"alice", "alice1", 0},
	    {"ab", "a b", 0},
	    {"\xc3\xa9", "e", 0},
	    {"张三", "张 三", 0},
	};

	return cr_make_param_array(struct key_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct key_case *c, text, name_key)
{
	char ka[TEXT_KEY_MAX + 1], kb[TEXT_KEY_MAX + 1];

	cr_assert_gt(text_name_key(c->a, ka, sizeof(ka)), 0);
	cr_assert_gt(text_name_key(c->b, kb, sizeof(kb)), 0);
	cr_expect_eq(strcmp(ka, kb) == 0, c->same,
		     "keys of \"%s\" (\"%s\") and \"%s\" (\"%s\") should %s",
		     c->a, ka, c->b, kb, c->same ? "be equal" : "differ");
}

Test(text, name_key_errors)
{
	char k[TEXT_KEY_MAX + 1], small[4];
	char big[64] = "";
	int i;

	cr_expect_eq(text_name_key("a\xff", k, sizeof(k)), -EILSEQ);
	cr_expect_eq(text_name_key("abcd", small, sizeof(small)), -ENOSPC);
	cr_expect_str_eq(small, "");
	cr_expect_eq(text_name_key("ABC", small, sizeof(small)), 3);
	cr_expect_str_eq(small, "abc");
	cr_expect_eq(text_name_key("", k, sizeof(k)), 0);
	/* U+FDFA folds to 18 code points: ten of them do not fit */
	for (i = 0; i < 10; i++)
		strcat(big, "\xef\xb7\xba");
	cr_expect(text_valid_name(big, 32));
	cr_expect_eq(text_name_key(big, k, sizeof(k)), -ENOSPC);
}

struct san_case {
	char in[48];
	char out[48];
	int keep_newline;
};

ParameterizedTestParameters(text, sanitize)
{
	static struct san_case cases[] = {
	    {"plain 中文", "plain 中文", 0},
	    {"\x1b]52;c;SGVsbG8=\x07", "]52;c;SGVsbG8=", 0}, /* OSC 52 */
	    {"\x1b]0;pwned\x1b\\", "]0;pwned\\", 0},	     /* OSC 0, ST */
	    {"\x1b[31mred\x1b[0m", "[31mred[0m", 0},
	    {"a\rb", "ab", 0},
	    {"a\nb", "ab", 0},
	    {"a\nb", "a\nb", 1},
	    {"a\r\nb", "a\nb", 1},
	    {"a\tb", "a b", 0},
	    {"a\x7f"
	     "b",
	     "ab", 0},
	    {"\xc2\x9b"
	     "31m",
	     "31m", 0}, /* C1 CSI */
	    {"\xc2\x9d"
	     "0;x\xc2\x9c",
	     "0;x", 0}, /* C1 OSC ... ST */
	    {"\x9b"
	     "31m",
	     "\xef\xbf\xbd"
	     "31m",
	     0}, /* a raw 8-bit CSI byte is invalid UTF-8 */
	    {"a\xe2\x80\xae"
	     "b",
	     "ab", 0}, /* RLO */
	    {"a\xe2\x80\xa8"
	     "b",
	     "ab", 1}, /* LINE SEPARATOR */
	    {"\xff\xfe ok", "\xef\xbf\xbd\xef\xbf\xbd ok", 0},
	    {"\x07\x08\x00", "", 0},
	};

	return cr_make_param_array(struct san_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct san_case *c, text, sanitize)
{
	char out[64];
	size_t n = text_sanitize(out, sizeof(out), c->in, c->keep_newline);

	cr_expect_str_eq(out, c->out, "sanitize(\"%s\")", c->in);
	cr_expect_eq(n, strlen(c->out));
}

Test(text, sanitize_cuts_at_a_character)
{
	char out[5] = "xxxx";

	cr_expect_eq(text_sanitize(out, sizeof(out), "ab中", 0), 2);
	cr_expect_str_eq(out, "ab");
	cr_expect_eq(text_sanitize(out, sizeof(out), "\xff\xff", 0), 3);
	cr_expect_str_eq(out, "\xef\xbf\xbd");
	cr_expect_eq(text_sanitize(out, sizeof(out), NULL, 0), 0);
	cr_expect_str_eq(out, "");
	cr_expect_eq(text_sanitize(out, 0, "abc", 0), 0);
}

struct width_case {
	char s[32];
	size_t width;
};

ParameterizedTestParameters(text, display_width)
{
	static struct width_case cases[] = {
	    {"", 0},
	    {"abc", 3},
	    {"中文", 4},
	    {"中a文b", 6},
	    {"第1题", 5},
	    {"，。", 4},	 /* CJK punctuation is wide */
	    {"\xe3\x80\x80", 2}, /* ideographic space */
	    {"ＡＢ", 4},	 /* full-width letters */
	    {"ｱ", 1},		 /* half-width katakana */
	    {"한국", 4},
	    {"e\xcc\x81", 1},	 /* e + combining acute */
	    {"\xe2\x80\x8b", 0}, /* zero width space */
	    {"😀", 2},
	    {"·", 1},
	    {"\x1b", 0},
	    {"\xff", 1},     /* invalid byte */
	    {"\xe4\xb8", 2}, /* truncated: two invalid bytes */
	    {"𠀀", 2},	     /* CJK extension B */
	};

	return cr_make_param_array(struct width_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct width_case *c, text, display_width)
{
	cr_expect_eq(text_display_width(c->s), c->width,
		     "width(\"%s\") = %zu, expected %zu", c->s,
		     text_display_width(c->s), c->width);
}

Test(text, display_width_null)
{
	cr_expect_eq(text_display_width(NULL), 0);
}

Test(text, cp_width)
{
	cr_expect_eq(text_cp_width('a'), 1);
	cr_expect_eq(text_cp_width(0x4e2d), 2);
	cr_expect_eq(text_cp_width(0x0301), 0);
	cr_expect_eq(text_cp_width(0x00ad), 1); /* soft hyphen, as glibc */
	cr_expect_eq(text_cp_width(0x1160), 0); /* Hangul medial jamo */
	cr_expect_eq(text_cp_width(0x0a), 0);
	cr_expect_eq(text_cp_width(0x10ffff), 1);
}

Test(text, hex_bytes)
{
	uint8_t out[4] = {0};

	cr_expect_eq(text_hex_bytes("00ff7a10", 8, out), 0);
	cr_expect_eq(out[0], 0x00);
	cr_expect_eq(out[1], 0xff);
	cr_expect_eq(out[2], 0x7a);
	cr_expect_eq(out[3], 0x10);
	cr_expect_eq(text_hex_bytes("00FF7a10", 8, out), -1);  /* upper case */
	cr_expect_eq(text_hex_bytes("00ff7a1", 8, out), -1);   /* short */
	cr_expect_eq(text_hex_bytes("00ff7a100", 8, out), -1); /* long */
	cr_expect_eq(text_hex_bytes("00ff7g10", 8, out), -1);  /* not hex */
	cr_expect_eq(text_hex_bytes("", 0, out), 0);
}

Test(text, bytes_hex_round_trip)
{
	const uint8_t b[4] = {0x00, 0xff, 0x7a, 0x10};
	uint8_t back[4];
	char hex[9];

	text_bytes_hex(b, sizeof(b), hex);
	cr_expect_str_eq(hex, "00ff7a10");
	cr_expect_eq(text_hex_bytes(hex, 8, back), 0);
	cr_expect_eq(memcmp(b, back, sizeof(b)), 0);
	text_bytes_hex(b, 0, hex);
	cr_expect_str_eq(hex, "");
}
