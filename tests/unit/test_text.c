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
	     "\xff"
	     "a"},
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
	    {" x ", 32, 1},
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
