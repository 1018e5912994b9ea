/* Tests for the bank: core/item.c, server/bank_csv.c and server/bank_cli.c
 * on the fixtures in tests/data/bank/, and the truth rules of docs/BANK.md
 * over the bundled bank data/bank/ against the seed it was derived from. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bank_cli.h"
#include "bank_csv.h"
#include "text.h"

#define FIXTURE(name) QUIZ_TEST_DATA "/bank/" name
#define SEED_ITEMS    125

/* ---- item.c ---------------------------------------------------------- */

/* Returns a heap copy of s (the bank frees item strings). */
static char *xdup(const char *s)
{
	char *p = strdup(s);

	cr_assert(p);
	return p;
}

Test(item, add_find_free)
{
	struct bank *b = bank_new();
	struct item it;
	char id[16];
	int i;

	cr_assert(b);
	for (i = 0; i < 200; i++) {
		memset(&it, 0, sizeof(it));
		snprintf(id, sizeof(id), "x%d", i);
		it.id = xdup(id);
		it.stem = xdup("题干");
		it.options[0] = xdup("甲");
		it.options[1] = xdup("乙");
		it.n_options = 2;
		it.category = xdup("党章党规");
		cr_assert_eq(bank_add(b, &it), 0);
		cr_expect_null(it.id, "bank_add must zero the moved item");
	}
	cr_expect_eq(b->n, 200);
	cr_assert_not_null(bank_find(b, "x150"));
	cr_expect_str_eq(bank_find(b, "x150")->id, "x150");
	cr_expect_null(bank_find(b, "x200"));
	cr_expect_null(bank_find(b, NULL));
	cr_expect_null(bank_find(NULL, "x1"));
	bank_free(b);
	bank_free(NULL);
	item_clear(NULL);
}

Test(item, clear_is_idempotent)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.id = xdup("a");
	it.fills[0] = xdup("b");
	it.basis = xdup("c");
	item_clear(&it);
	cr_expect_null(it.id);
	item_clear(&it);
}

Test(item, kind_names)
{
	cr_expect_str_eq(item_kind_name(ITEM_SINGLE), "single");
	cr_expect_str_eq(item_kind_name(ITEM_MULTI), "multi");
	cr_expect_str_eq(item_kind_name(ITEM_TRUE_FALSE), "truefalse");
	cr_expect_str_eq(item_kind_name(ITEM_FILL), "fill");
	cr_expect_null(item_kind_name((enum item_kind)7));
}

Test(item, kind_parse)
{
	int k;

	for (k = ITEM_SINGLE; k <= ITEM_FILL; k++)
		cr_expect_eq(item_kind_parse(item_kind_name((enum item_kind)k)),
			     k);
	cr_expect_eq(item_kind_parse("单选"), -EINVAL);
	cr_expect_eq(item_kind_parse("Single"), -EINVAL);
	cr_expect_eq(item_kind_parse(""), -EINVAL);
	cr_expect_eq(item_kind_parse(NULL), -EINVAL);
}

/* ---- bank_csv.c on fixtures ------------------------------------------ */

/* Loads one fixture into a new bank; returns the loader's result. */
static int load(const char *path, struct bank **b, struct bank_errors *e)
{
	memset(e, 0, sizeof(*e));
	*b = bank_new();
	cr_assert(*b);
	return bank_csv_load(path, *b, e);
}

/* Fails the test with every error of e (for loads expected to be clean). */
static void expect_no_errors(const struct bank_errors *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		cr_expect(0, "%s:%u: %s", e->v[i].file, e->v[i].line,
			  e->v[i].message);
	cr_expect_eq(e->total, 0);
}

/* Returns the item with that id or fails the test. */
static const struct item *must_find(const struct bank *b, const char *id)
{
	const struct item *it = bank_find(b, id);

	cr_assert_not_null(it, "item %s not loaded", id);
	return it;
}

Test(bank, good_file)
{
	struct bank_errors e;
	const struct item *it;
	struct bank *b;

	cr_assert_eq(load(FIXTURE("good.csv"), &b, &e), 0);
	expect_no_errors(&e);
	cr_assert_eq(b->n, 7);

	it = must_find(b, "g-single");
	cr_expect_eq(it->kind, ITEM_SINGLE);
	cr_assert_eq(it->n_options, 3);
	cr_expect_str_eq(it->options[0], "全心全意为人民服务");
	cr_expect_str_eq(it->options[1], "实事求是");
	cr_expect_str_eq(it->options[2], "民主集中制");
	cr_expect_eq(it->correct_mask, 0x2u);
	cr_expect_eq(it->n_sources, 1);
	cr_expect_eq(it->sources[0], 1);
	cr_expect_str_eq(it->category, "党章党规");
	cr_expect_eq(it->difficulty, 1);
	cr_expect_null(it->basis);
	cr_expect_str_eq(it->explanation, "党的根本宗旨：全心全意为人民服务。");

	it = must_find(b, "g-multi");
	cr_expect_eq(it->kind, ITEM_MULTI);
	cr_expect_eq(it->n_options, 4);
	cr_expect_eq(it->correct_mask, 0xbu);
	cr_expect_eq(it->difficulty, 2);

	it = must_find(b, "g-true");
	cr_expect_eq(it->kind, ITEM_TRUE_FALSE);
	cr_assert_eq(it->n_options, 2);
	cr_expect_str_eq(it->options[0], "正确");
	cr_expect_str_eq(it->options[1], "错误");
	cr_expect_eq(it->correct_mask, 0x1u);
	cr_expect_str_eq(it->basis, "党的组织原则：民主集中制");

	it = must_find(b, "g-false");
	cr_expect_eq(it->correct_mask, 0x2u);

	it = must_find(b, "g-fill");
	cr_expect_eq(it->kind, ITEM_FILL);
	cr_expect_eq(it->n_options, 0);
	cr_assert_eq(it->n_fills, 2);
	cr_expect_str_eq(it->fills[0], "《中国共产党章程》");
	cr_expect_str_eq(it->fills[1], "党章");
	cr_assert_eq(it->n_sources, 2);
	cr_expect_eq(it->sources[0], 100);
	cr_expect_eq(it->sources[1], 114);
	cr_expect(item_fill_matches(it, "中国共产党章程"));

	it = must_find(b, "g-quoted");
	cr_expect_str_eq(it->stem, "第一行，\"引号\"\n第二行");
	cr_expect_str_eq(it->options[0], "甲,乙");
	cr_expect_eq(it->correct_mask, 0x5u);
	cr_expect_str_eq(it->explanation, "解释, 含逗号");
	cr_expect_eq(it->difficulty, 3);

	it = must_find(b, "g_fill-2");
	cr_expect_eq(it->kind, ITEM_FILL);
	cr_expect_str_eq(it->category, "组织建设");
	cr_expect_str_eq(it->basis, "可选的依据");

	bank_errors_clear(&e);
	bank_free(b);
}

Test(bank, bom_and_crlf)
{
	struct bank_errors e;
	const struct item *it;
	struct bank *b;

	cr_assert_eq(load(FIXTURE("good_bom_crlf.csv"), &b, &e), 0);
	expect_no_errors(&e);
	cr_assert_eq(b->n, 3);
	cr_expect_str_eq(b->items[0].id, "c1",
			 "the BOM must not stick to the "
			 "first id");
	it = must_find(b, "c2");
	cr_expect_str_eq(it->stem, "多行\n题干");
	cr_expect_str_eq(it->explanation, "说明\n第二行");
	it = must_find(b, "c3");
	cr_expect_str_eq(it->fills[0], "T");
	bank_errors_clear(&e);
	bank_free(b);
}

/* One broken fixture: the single error it must produce. */
struct error_case {
	char file[40];
	unsigned line; /* line the error is reported on */
	char want[64]; /* substring of the message */
	size_t items;  /* valid items still loaded */
};

ParameterizedTestParameters(bank, errors)
{
	static struct error_case cases[] = {
	    {"bad_header.csv", 1, "bad header: column 2 is \"type\"", 0},
	    {"bad_header_columns.csv", 1, "bad header: 9 columns", 0},
	    {"bad_columns.csv", 3, "wrong number of columns: 9", 1},
	    {"bad_kind.csv", 6, "unknown kind \"choice\"", 1},
	    {"bad_stem.csv", 3, "empty stem", 1},
	    {"bad_options_few.csv", 2, "too few options (1;", 0},
	    {"bad_options_many.csv", 3, "too many options (9;", 1},
	    {"bad_option_empty.csv", 3, "option B is empty", 1},
	    {"bad_option_dup.csv", 3,
	     "options A and B are the same after normalisation", 1},
	    {"bad_answer_range.csv", 3, "answer D is not among the options", 1},
	    {"bad_answer_letters.csv", 3, "malformed answer \"A,C\"", 1},
	    {"bad_multi_one.csv", 3, "needs at least 2 correct", 1},
	    {"bad_truefalse.csv", 3, "truefalse answer must be", 1},
	    {"bad_fill_none.csv", 3, "fill item without answers", 1},
	    {"bad_fill_options.csv", 3, "options must be empty for a fill", 1},
	    {"bad_explanation.csv", 3, "missing explanation", 1},
	    {"bad_category.csv", 3, "missing category", 1},
	    {"bad_difficulty.csv", 3, "bad difficulty \"5\"", 1},
	    {"bad_id.csv", 3, "bad id \"s001 1\"", 1},
	    {"dup_id.csv", 4, "duplicate id \"s1\" (first used on line 2)", 2},
	    {"bad_source.csv", 3, "bad source \"x\"", 1},
	    {"bad_basis.csv", 3, "truefalse item without basis", 1},
	    {"bad_too_long.csv", 3, "stem is too long (1002 bytes", 1},
	    {"bad_control.csv", 3, "stem contains a control character", 1},
	    {"bad_quote.csv", 3, "broken CSV quoting", 1},
	    {"bad_unclosed.csv", 3, "never closed", 1},
	    {"bad_crlf_bom.csv", 5, "unknown kind \"多项\"", 2},
	    {"bad_utf8.csv", 3, "invalid UTF-8 (byte 0xd5)", 0},
	    {"bad_utf16.csv", 1, "UTF-16", 0},
	    {"bad_empty.csv", 1, "empty file", 0},
	};

	return cr_make_param_array(struct error_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct error_case *c, bank, errors)
{
	char path[256];
	struct bank_errors e;
	struct bank *b;
	size_t i;
	int rc;

	snprintf(path, sizeof(path), "%s/bank/%s", QUIZ_TEST_DATA, c->file);
	rc = load(path, &b, &e);
	cr_expect_eq(rc, -EINVAL, "%s: loader returned %d", c->file, rc);
	for (i = 0; i < e.n; i++)
		cr_log_info("%s:%u: %s", c->file, e.v[i].line, e.v[i].message);
	cr_assert_eq(e.total, 1, "%s: %zu errors, expected exactly 1", c->file,
		     e.total);
	cr_expect_str_eq(e.v[0].file, path);
	cr_expect_eq(e.v[0].line, c->line,
		     "%s: error on line %u, expected "
		     "line %u",
		     c->file, e.v[0].line, c->line);
	cr_expect(strstr(e.v[0].message, c->want) != NULL,
		  "%s: message \"%s\" lacks \"%s\"", c->file, e.v[0].message,
		  c->want);
	cr_expect_eq(b->n, c->items, "%s: %zu items loaded, expected %zu",
		     c->file, b->n, c->items);
	bank_errors_clear(&e);
	bank_free(b);
}

/* Every problem of a record is reported, each on the record's line. */
Test(bank, every_error_of_a_record)
{
	static const char *const want[] = {
	    "unknown kind",
	    "missing explanation",
	    "bad source \"0\"",
	    "bad difficulty \"0\"",
	};
	struct bank_errors e;
	struct bank *b;
	size_t i;

	cr_assert_eq(load(FIXTURE("bad_many.csv"), &b, &e), -EINVAL);
	cr_assert_eq(e.total, 4);
	for (i = 0; i < 4; i++) {
		cr_expect_eq(e.v[i].line, 2);
		cr_expect(strstr(e.v[i].message, want[i]),
			  "error %zu: \"%s\" lacks \"%s\"", i, e.v[i].message,
			  want[i]);
	}
	cr_expect_eq(b->n, 1, "the valid record after the bad one is loaded");
	bank_errors_clear(&e);
	bank_free(b);
}

#define HEADER                                                                 \
	"id,kind,stem,options,answer,explanation,source,category,"             \
	"difficulty,basis"
#define ROW(id) id ",single,题干,甲|乙,A,解释,1,党章党规,1,"

/* Loads a buffer into a new bank. */
static int load_str(const char *text, struct bank **b, struct bank_errors *e)
{
	memset(e, 0, sizeof(*e));
	*b = bank_new();
	cr_assert(*b);
	return bank_csv_load_buf("buf", text, strlen(text), *b, e);
}

Test(bank, header_only_is_valid)
{
	struct bank_errors e;
	struct bank *b;

	cr_expect_eq(load_str(HEADER "\n", &b, &e), 0);
	cr_expect_eq(e.total, 0);
	cr_expect_eq(b->n, 0);
	bank_errors_clear(&e);
	bank_free(b);
}

Test(bank, blank_lines_and_no_final_newline)
{
	struct bank_errors e;
	struct bank *b;

	cr_expect_eq(load_str("\n  \n" HEADER
			      "\n\n" ROW("a") "\n \t\n"
					      "b,fill,题干,,答案,解释,,分类,2,",
			      &b, &e),
		     0);
	expect_no_errors(&e);
	cr_expect_eq(b->n, 2);
	cr_expect_eq(must_find(b, "b")->n_sources, 0,
		     "an empty source is allowed");
	bank_errors_clear(&e);
	bank_free(b);
}

/* Old Mac line ends (lone CR) count as line breaks too. */
Test(bank, lone_cr_line_numbers)
{
	struct bank_errors e;
	struct bank *b;

	cr_expect_eq(
	    load_str(HEADER "\r" ROW("a") "\r\r" ROW("a") "\r", &b, &e),
	    -EINVAL);
	cr_assert_eq(e.total, 1);
	cr_expect_eq(e.v[0].line, 4);
	cr_expect(strstr(e.v[0].message, "duplicate id \"a\" (first used on "
					 "line 2)"),
		  "%s", e.v[0].message);
	bank_errors_clear(&e);
	bank_free(b);
}

/* A record spanning lines is reported on its first line, and the next
 * record's line counts the lines inside the quotes. */
Test(bank, multiline_record_lines)
{
	struct bank_errors e;
	struct bank *b;

	cr_expect_eq(
	    load_str(HEADER
		     "\n"
		     "a,single,\"一\n二\n三\",甲|乙,A,解释,1,党章党规,9,\n"
		     "b,single,题干,甲|乙,A,解释,1,党章党规,9,\n",
		     &b, &e),
	    -EINVAL);
	cr_assert_eq(e.total, 2);
	cr_expect_eq(e.v[0].line, 2);
	cr_expect_eq(e.v[1].line, 5);
	bank_errors_clear(&e);
	bank_free(b);
}

Test(bank, kinds_and_answers_accepted)
{
	struct bank_errors e;
	struct bank *b;

	cr_expect_eq(load_str(HEADER
			      "\n"
			      "a,SINGLE,题干,甲|乙,b,解释,1,类,1,\n"
			      "b,多选,题干,甲|乙|丙,cA,解释,1,类,1,\n"
			      "c,判断,题干,,错,解释,1,类,1,依据\n"
			      "d,Truefalse,题干,,T,解释,1,类,1,依据\n"
			      "e,truefalse,题干,,错误,解释,1,类,1,依据\n"
			      "f,填空,题干,,答案|另一个答案,解释,1,类,1,\n",
			      &b, &e),
		     0);
	expect_no_errors(&e);
	cr_assert_eq(b->n, 6);
	cr_expect_eq(must_find(b, "a")->correct_mask, 0x2u);
	cr_expect_eq(must_find(b, "b")->correct_mask, 0x5u);
	cr_expect_eq(must_find(b, "c")->correct_mask, 0x2u);
	cr_expect_eq(must_find(b, "d")->correct_mask, 0x1u);
	cr_expect_eq(must_find(b, "e")->correct_mask, 0x2u);
	cr_expect_eq(must_find(b, "f")->n_fills, 2);
	bank_errors_clear(&e);
	bank_free(b);
}

/* Limits and answer forms that have no fixture of their own. */
struct buf_case {
	char row[160];
	char want[64];
};

ParameterizedTestParameters(bank, row_errors)
{
	static struct buf_case cases[] = {
	    {",single,题干,甲|乙,A,解释,1,类,1,", "missing id"},
	    {"abcdefghijklmnopqrstuvwxyz0123456,single,题干,甲|乙,A,解释,"
	     "1,类,1,",
	     "bad id"},
	    {"a,,题干,甲|乙,A,解释,1,类,1,", "missing kind"},
	    {"a,single,题干,甲|乙,,解释,1,类,1,", "missing answer"},
	    {"a,single,题干,甲|乙,AB,解释,1,类,1,", "exactly one correct"},
	    {"a,single,题干,甲|乙,I,解释,1,类,1,", "malformed answer \"I\""},
	    {"a,multi,题干,甲|乙|丙,AA,解释,1,类,1,", "letter A repeated"},
	    {"a,multi,题干,甲|乙|丙,AD,解释,1,类,1,", "answer D is not among"},
	    {"a,single,题干,甲|乙|,A,解释,1,类,1,", "option C is empty"},
	    {"a,single,题干,《甲》|“甲”,A,解释,1,类,1,", "same after normal"},
	    {"a,truefalse,题干,,,解释,1,类,1,依据", "missing answer"},
	    {"a,truefalse,题干,正确|错误,正确,解释,1,类,1,依据",
	     "options must be empty"},
	    {"a,fill,题干,,答案||别的,解释,1,类,1,", "fill answer 2 is empty"},
	    {"a,fill,题干,,《》,解释,1,类,1,", "only punctuation"},
	    {"a,fill,题干,,1|2|3|4|5|6|7|8|9,解释,1,类,1,",
	     "too many fill answers"},
	    {"a,single,题干,甲|乙,A,解释,1;1,类,1,", "source 1 listed twice"},
	    {"a,single,题干,甲|乙,A,解释,1;2;3;4;5;6;7;8;9,类,1,",
	     "too many source numbers"},
	    {"a,single,题干,甲|乙,A,解释,1000000,类,1,", "bad source"},
	    {"a,single,题干,甲|乙,A,解释,-1,类,1,", "bad source"},
	    {"a,single,题干,甲|乙,A,解释,1;,类,1,", "bad source \"\""},
	    {"a,single,题干,甲|乙,A,解释,1,类,,", "bad difficulty"},
	    {"a,single,题干,甲|乙,A,解释,1,类,12,", "bad difficulty"},
	    {"a,single,题干,甲|乙,A,解释,1,\xe2\x80\xae"
	     "x,1,",
	     "category contains a control character"},
	    {"a,single,题干,甲|乙,A,解释,1,\xe2\x80\x8b,1,", "bad category"},
	    {"a,single,\"题\t干\",甲|乙,A,解释,1,类,1,", "control character"},
	    {"a,single,题干,\"甲\n|乙\",A,解释,1,类,1,", "control character"},
	    {"a,single,题干,甲|乙,A,解释,1,类,1,,extra",
	     "wrong number of columns: 11"},
	};

	return cr_make_param_array(struct buf_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct buf_case *c, bank, row_errors)
{
	char text[512];
	struct bank_errors e;
	struct bank *b;

	snprintf(text, sizeof(text), "%s\n%s\n", HEADER, c->row);
	cr_expect_eq(load_str(text, &b, &e), -EINVAL, "row %s", c->row);
	cr_assert_geq(e.total, 1, "row %s: no error", c->row);
	cr_expect_eq(e.v[0].line, 2);
	cr_expect(strstr(e.v[0].message, c->want),
		  "row %s: \"%s\" lacks "
		  "\"%s\"",
		  c->row, e.v[0].message, c->want);
	cr_expect_eq(b->n, 0);
	bank_errors_clear(&e);
	bank_free(b);
}

/* Builds a row whose column col holds len bytes of 'x'. */
static char *long_field_text(int col, size_t len)
{
	const char *cols[10] = {"a",	"single", "题干", "甲|乙", "A",
				"解释", "1",	  "类",	  "1",	   ""};
	size_t cap = strlen(HEADER) + len + 200, n;
	char *text = malloc(cap), *p;
	int i;

	cr_assert(text);
	n = (size_t)snprintf(text, cap, "%s\n", HEADER);
	p = text + n;
	for (i = 0; i < 10; i++) {
		if (i)
			*p++ = ',';
		if (i == col) {
			memset(p, 'x', len);
			p += len;
		} else {
			p += sprintf(p, "%s", cols[i]);
		}
	}
	strcpy(p, "\n");
	return text;
}

Test(bank, field_limits)
{
	static const struct {
		int col;
		size_t len;
		const char *want;
	} cases[] = {
	    {2, BANK_STEM_MAX, NULL},
	    {2, BANK_STEM_MAX + 1, "stem is too long"},
	    {5, BANK_EXPLANATION_MAX, NULL},
	    {5, BANK_EXPLANATION_MAX + 1, "explanation is too long"},
	    {7, BANK_CATEGORY_MAX, NULL},
	    {7, BANK_CATEGORY_MAX + 1, "category is too long"},
	    {9, BANK_BASIS_MAX + 1, "basis is too long"},
	    {5, 100000, "explanation is too long (over"},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text = long_field_text(cases[i].col, cases[i].len);
		struct bank_errors e;
		struct bank *b;

		load_str(text, &b, &e);
		if (!cases[i].want) {
			cr_expect_eq(e.total, 0, "column %d, %zu bytes",
				     cases[i].col, cases[i].len);
		} else {
			cr_expect_eq(e.total, 1, "column %d, %zu bytes",
				     cases[i].col, cases[i].len);
			cr_expect(e.n && strstr(e.v[0].message, cases[i].want),
				  "column %d: %s", cases[i].col,
				  e.n ? e.v[0].message : "(none)");
		}
		bank_errors_clear(&e);
		bank_free(b);
		free(text);
	}
}

Test(bank, option_and_fill_limits)
{
	char text[2048], opt[BANK_OPTION_MAX + 2], fill[BANK_FILL_MAX + 2];
	struct bank_errors e;
	struct bank *b;

	memset(opt, 'o', sizeof(opt) - 1);
	opt[sizeof(opt) - 1] = '\0';
	snprintf(text, sizeof(text), "%s\na,single,题干,甲|%s,A,解释,1,类,1,\n",
		 HEADER, opt);
	load_str(text, &b, &e);
	cr_assert_eq(e.total, 1);
	cr_expect(strstr(e.v[0].message, "option B is too long"), "%s",
		  e.v[0].message);
	bank_errors_clear(&e);
	bank_free(b);

	memset(fill, 'f', sizeof(fill) - 1);
	fill[sizeof(fill) - 1] = '\0';
	snprintf(text, sizeof(text), "%s\na,fill,题干,,%s,解释,1,类,1,\n",
		 HEADER, fill);
	load_str(text, &b, &e);
	cr_assert_eq(e.total, 1);
	cr_expect(strstr(e.v[0].message, "fill answer 1 is too long"), "%s",
		  e.v[0].message);
	bank_errors_clear(&e);
	bank_free(b);
}

/* User text quoted back in a message never carries control characters. */
Test(bank, messages_are_sanitised)
{
	struct bank_errors e;
	struct bank *b;

	load_str(HEADER "\na,\"x\x1b]0;pwned\x07\",题干,甲|乙,A,解释,1,类,1,\n",
		 &b, &e);
	cr_assert_eq(e.total, 1);
	cr_expect_null(strchr(e.v[0].message, '\x1b'), "%s", e.v[0].message);
	bank_errors_clear(&e);
	bank_free(b);
}

Test(bank, errors_are_capped_but_counted)
{
	size_t rows = BANK_ERRORS_KEEP + 500, i, cap = rows * 64 + 256, n;
	char *text = malloc(cap);
	struct bank_errors e;
	struct bank *b;

	cr_assert(text);
	n = (size_t)snprintf(text, cap, "%s\n", HEADER);
	for (i = 0; i < rows; i++)
		n += (size_t)snprintf(text + n, cap - n,
				      "r%zu,nope,题干,甲|乙,A,解释,1,类,1,\n",
				      i);
	load_str(text, &b, &e);
	cr_expect_eq(e.n, BANK_ERRORS_KEEP);
	cr_expect_eq(e.total, rows);
	cr_expect_eq(e.v[e.n - 1].line, BANK_ERRORS_KEEP + 1);
	bank_errors_clear(&e);
	cr_expect_eq(e.n, 0);
	bank_errors_clear(NULL);
	bank_free(b);
	free(text);
}

Test(bank, missing_file)
{
	struct bank_errors e;
	struct bank *b;

	cr_expect_eq(load(FIXTURE("no_such_file.csv"), &b, &e), -ENOENT);
	cr_assert_eq(e.total, 1);
	cr_expect_eq(e.v[0].line, 0);
	cr_expect(strstr(e.v[0].message, "cannot open"));
	bank_errors_clear(&e);
	bank_free(b);
}

Test(bank, directory_is_not_a_file)
{
	struct bank_errors e;
	struct bank *b;

	cr_expect_eq(load(QUIZ_TEST_DATA "/bank", &b, &e), -EISDIR);
	cr_expect_eq(e.total, 1);
	bank_errors_clear(&e);
	bank_free(b);
}

/* Ids must be unique across the files loaded into one bank. */
Test(bank, duplicate_ids_across_files)
{
	struct bank_errors e;
	struct bank *b;

	cr_assert_eq(load(FIXTURE("good.csv"), &b, &e), 0);
	cr_expect_eq(bank_csv_load(FIXTURE("good.csv"), b, &e), -EINVAL);
	cr_expect_eq(e.total, 7);
	cr_expect(e.n && strstr(e.v[0].message, "duplicate id \"g-single\" "
						"(already in the bank"));
	cr_expect_eq(e.n ? e.v[0].line : 0, 2);
	cr_expect_eq(b->n, 7);
	bank_errors_clear(&e);
	bank_free(b);
}

/* Writes text to dir/name. */
static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	cr_assert(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

/* Removes the files the directory test created, then the directory. */
static void remove_tree(const char *dir)
{
	static const char *const names[] = {
	    "a.csv",	   "b.csv",	 "c.CSV",     "notes.txt",
	    ".hidden.csv", "~$lock.csv", "z-dup.csv",
	};
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/d.csv", dir);
	rmdir(path);
	rmdir(dir);
}

Test(bank, load_dir_sorted_and_filtered)
{
	char dir[] = "/tmp/quiz-bank-test-XXXXXX", sub[600];
	struct bank_errors e = {0};
	struct bank *b = bank_new();

	cr_assert(mkdtemp(dir));
	write_file(dir, "b.csv", HEADER "\n" ROW("b1") "\n");
	write_file(dir, "a.csv", HEADER "\n" ROW("a1") "\n" ROW("a2") "\n");
	write_file(dir, "c.CSV", HEADER "\n" ROW("c1") "\n");
	write_file(dir, "notes.txt", "not a bank\n");
	write_file(dir, ".hidden.csv", "not a bank\n");
	write_file(dir, "~$lock.csv", "not a bank\n");
	snprintf(sub, sizeof(sub), "%s/d.csv", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);

	cr_expect_eq(bank_csv_load_dir(dir, b, &e), 0);
	expect_no_errors(&e);
	cr_assert_eq(b->n, 4);
	cr_expect_str_eq(b->items[0].id, "a1");
	cr_expect_str_eq(b->items[1].id, "a2");
	cr_expect_str_eq(b->items[2].id, "b1");
	cr_expect_str_eq(b->items[3].id, "c1");
	bank_free(b);

	write_file(dir, "z-dup.csv", HEADER "\n" ROW("z1") "\n" ROW("b1") "\n");
	b = bank_new();
	cr_expect_eq(bank_csv_load_path(dir, b, &e), -EINVAL);
	cr_assert_eq(e.total, 1);
	cr_expect(strstr(e.v[0].file, "z-dup.csv"));
	cr_expect_eq(e.v[0].line, 3);
	cr_expect(strstr(e.v[0].message, "duplicate id \"b1\""));
	cr_expect_eq(b->n, 5);
	bank_errors_clear(&e);
	bank_free(b);
	remove_tree(dir);
}

Test(bank, load_dir_missing)
{
	struct bank_errors e = {0};
	struct bank *b = bank_new();

	cr_expect_eq(bank_csv_load_dir(QUIZ_TEST_DATA "/no-such-dir", b, &e),
		     -ENOENT);
	cr_expect_eq(e.total, 1);
	bank_errors_clear(&e);
	bank_free(b);
}

/* ---- bank_cli.c ------------------------------------------------------ */

/* Captures stdout and stderr so the tests can read them. */
static void redirect_all(void)
{
	cr_redirect_stdout();
	cr_redirect_stderr();
}

/* Reads a redirected stream whole (at most cap - 1 bytes). */
static void read_all(FILE *f, char *buf, size_t cap)
{
	size_t n = fread(buf, 1, cap - 1, f);

	buf[n] = '\0';
}

/* Runs `check` with the given operands. */
static int run_check(const char *a1, const char *a2)
{
	char *argv[4] = {(char *)"check", (char *)a1, (char *)a2, NULL};
	int argc = a1 ? (a2 ? 3 : 2) : 1;
	int rc = bank_cli_check(argc, argv);

	fflush(stdout);
	fflush(stderr);
	return rc;
}

Test(cli, valid_file, .init = redirect_all)
{
	char out[4096];

	cr_expect_eq(run_check(FIXTURE("good.csv"), NULL), 0);
	read_all(cr_get_redirected_stdout(), out, sizeof(out));
	cr_expect(strstr(out, "items: 7"), "%s", out);
	cr_expect(strstr(out, "valid: 0 errors"), "%s", out);
}

Test(cli, invalid_file, .init = redirect_all)
{
	char err[4096], out[4096];

	cr_expect_eq(run_check(FIXTURE("bad_kind.csv"), NULL), 1);
	read_all(cr_get_redirected_stderr(), err, sizeof(err));
	read_all(cr_get_redirected_stdout(), out, sizeof(out));
	cr_expect(strstr(err, FIXTURE("bad_kind.csv") ":6: unknown kind"), "%s",
		  err);
	cr_expect(strstr(out, "INVALID: 1 error"), "%s", out);
}

Test(cli, several_operands_form_one_bank, .init = redirect_all)
{
	char err[4096];

	cr_expect_eq(run_check(FIXTURE("good.csv"), FIXTURE("good.csv")), 1);
	read_all(cr_get_redirected_stderr(), err, sizeof(err));
	cr_expect(strstr(err, ":2: duplicate id \"g-single\""), "%s", err);
}

Test(cli, unreadable_and_empty, .init = redirect_all)
{
	char err[4096];

	cr_expect_eq(run_check(FIXTURE("no_such_file.csv"), NULL), 1);
	read_all(cr_get_redirected_stderr(), err, sizeof(err));
	cr_expect(strstr(err, "no_such_file.csv: cannot open"), "%s", err);
}

Test(cli, header_only_has_no_items, .init = redirect_all)
{
	char dir[] = "/tmp/quiz-bank-cli-XXXXXX", path[600];

	cr_assert(mkdtemp(dir));
	write_file(dir, "a.csv", HEADER "\n");
	snprintf(path, sizeof(path), "%s/a.csv", dir);
	cr_expect_eq(run_check(path, NULL), 1);
	unlink(path);
	rmdir(dir);
}

Test(cli, usage, .init = redirect_all)
{
	cr_expect_eq(run_check(NULL, NULL), 2);
	cr_expect_eq(run_check("--bogus", FIXTURE("good.csv")), 2);
	cr_expect_eq(run_check("--help", NULL), 0);
	cr_expect_eq(run_check("--", FIXTURE("good.csv")), 0);
}

Test(cli, summary)
{
	struct bank_errors e;
	struct bank *b;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(load(FIXTURE("good.csv"), &b, &e), 0);
	f = open_memstream(&text, &len);
	cr_assert(f);
	bank_cli_summary(f, b);
	fclose(f);
	cr_expect(strstr(text, "by kind: single 1, multi 2, truefalse 2, "
			       "fill 2"),
		  "%s", text);
	cr_expect(strstr(text, "by category: 党章党规 4, 党的理论 1, "
			       "治国理政 1, 组织建设 1"),
		  "%s", text);
	cr_expect(strstr(text, "by difficulty: 1 (easy) 4, 2 1, 3 (hard) 2"),
		  "%s", text);
	cr_expect(strstr(text,
			 "seed coverage: 7 of 125 seed items have an "
			 "item; none for 3-4, 6-9, 11-17, 19-99, 101-113, "
			 "115-125\n"),
		  "%s", text);
	free(text);
	bank_errors_clear(&e);
	bank_free(b);
}

/* ---- the bundled bank against the seed ------------------------------- */

static char *seed_raw[SEED_ITEMS + 1];	/* cleaned seed text per item */
static char *seed_norm[SEED_ITEMS + 1]; /* the same, normalised */
static struct bank *bundled;
static struct bank_errors bundled_errs;

/* Removes every occurrence of what from s (in place). */
static void remove_all(char *s, const char *what)
{
	size_t n = strlen(what);
	char *p;

	while ((p = strstr(s, what)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

/* Replaces every occurrence of from by to, of the same length. */
static void replace_all(char *s, const char *from, const char *to)
{
	size_t n = strlen(from);
	char *p = s;

	while ((p = strstr(p, from)) != NULL) {
		memcpy(p, to, n);
		p += n;
	}
}

/* Returns the seed number N if the trimmed line starts with "N、" and N is
 * the one expected next, else 0. */
static unsigned seed_item_start(const char *line, unsigned expect)
{
	unsigned n = 0;
	const char *p = line;

	while (*p >= '0' && *p <= '9' && n < 1000)
		n = n * 10 + (unsigned)(*p++ - '0');
	if (p == line || strncmp(p, "、", strlen("、")) != 0)
		return 0;
	return n == expect ? n : 0;
}

/* Reads the seed: item N runs from the line starting "N、" to the next
 * item; its lines are joined without blank lines, the page header
 * 社区工作者 9 removed and 严以律已 corrected (docs/BANK.md). */
static void seed_load(void)
{
	FILE *f = fopen(QUIZ_SEED_PATH, "rb");
	char line[8192];
	unsigned cur = 0, i;

	cr_assert(f, "cannot open the seed %s", QUIZ_SEED_PATH);
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *end;
		unsigned n;

		while (*s == ' ' || *s == '\t')
			s++;
		end = s + strlen(s);
		while (end > s && strchr(" \t\r\n", end[-1]))
			*--end = '\0';
		if (!*s)
			continue;
		n = cur < SEED_ITEMS ? seed_item_start(s, cur + 1) : 0;
		if (n) {
			cur = n;
			seed_raw[cur] = calloc(1, 1);
		}
		if (!cur)
			continue; /* the title */
		seed_raw[cur] = realloc(seed_raw[cur],
					strlen(seed_raw[cur]) + strlen(s) + 1);
		cr_assert(seed_raw[cur]);
		strcat(seed_raw[cur], s);
	}
	fclose(f);
	for (i = 1; i <= SEED_ITEMS; i++) {
		cr_assert_not_null(seed_raw[i], "seed item %u not found", i);
		remove_all(seed_raw[i], "社区工作者 9");
		remove_all(seed_raw[i], "社区工作者9");
		replace_all(seed_raw[i], "严以律已", "严以律己");
		seed_norm[i] = malloc(strlen(seed_raw[i]) + 1);
		cr_assert(seed_norm[i]);
		text_normalize(seed_raw[i], seed_norm[i],
			       strlen(seed_raw[i]) + 1);
	}
}

/* Loads the seed and the bundled bank data/bank/ (each test runs in its
 * own process, so every test gets a fresh copy). */
static void bundled_setup(void)
{
	seed_load();
	bundled = bank_new();
	cr_assert(bundled);
	bank_csv_load_dir(QUIZ_DATA_DIR "/bank", bundled, &bundled_errs);
}

/* Frees what bundled_setup loaded. */
static void bundled_teardown(void)
{
	unsigned i;

	for (i = 0; i <= SEED_ITEMS; i++) {
		free(seed_raw[i]);
		free(seed_norm[i]);
		seed_raw[i] = seed_norm[i] = NULL;
	}
	bank_errors_clear(&bundled_errs);
	bank_free(bundled);
	bundled = NULL;
}

/* Normalises s into a new heap string. */
static char *norm_dup(const char *s)
{
	char *out = malloc(strlen(s) + 1);

	cr_assert(out);
	text_normalize(s, out, strlen(s) + 1);
	return out;
}

/* Returns the first source of it whose normalised seed text contains the
 * normalised text, or 0 if none does (an empty text is never supported). */
static unsigned supported_by(const struct item *it, const char *text)
{
	char *n = norm_dup(text);
	unsigned i, found = 0;

	for (i = 0; i < it->n_sources && !found && *n; i++)
		if (it->sources[i] >= 1 && it->sources[i] <= SEED_ITEMS &&
		    strstr(seed_norm[it->sources[i]], n))
			found = it->sources[i];
	free(n);
	return found;
}

/* The source numbers of it, as "12;13" for messages. */
static const char *sources_str(const struct item *it, char *buf, size_t cap)
{
	size_t n = 0;
	unsigned i;

	buf[0] = '\0';
	for (i = 0; i < it->n_sources && n + 12 < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%u", i ? ";" : "",
				      it->sources[i]);
	return buf;
}

TestSuite(bundled, .init = bundled_setup, .fini = bundled_teardown);

Test(bundled, seed_is_read_as_documented)
{
	unsigned i;

	for (i = 1; i <= SEED_ITEMS; i++)
		cr_expect(seed_raw[i][0], "seed item %u is empty", i);
	cr_expect(strncmp(seed_raw[1], "1、党的根本宗旨",
			  strlen("1、党的根本宗旨")) == 0,
		  "%s", seed_raw[1]);
	cr_expect_null(strstr(seed_raw[117], "社区工作者"), "%s",
		       seed_raw[117]);
	cr_expect(strstr(seed_raw[117], "成立 100周年"), "%s", seed_raw[117]);
	cr_expect(strstr(seed_raw[35], "严以律己"), "%s", seed_raw[35]);
	cr_expect_null(strstr(seed_raw[35], "严以律已"));
	cr_expect(strstr(seed_raw[3], "中国特色社会主义事业的领导核心"),
		  "lines must be joined: %s", seed_raw[3]);
	cr_expect(strstr(seed_raw[125], "强国之魂"));
}

Test(bundled, loads_without_errors)
{
	size_t i;

	for (i = 0; i < bundled_errs.n; i++)
		cr_expect(0, "%s:%u: %s", bundled_errs.v[i].file,
			  bundled_errs.v[i].line, bundled_errs.v[i].message);
	cr_expect_eq(bundled_errs.total, 0, "%zu errors in data/bank",
		     bundled_errs.total);
}

/* Rule 1: every seed item is the source of an item; 300 items at least. */
Test(bundled, coverage)
{
	unsigned char covered[SEED_ITEMS + 1] = {0};
	size_t i;
	unsigned j;

	for (i = 0; i < bundled->n; i++)
		for (j = 0; j < bundled->items[i].n_sources; j++)
			if (bundled->items[i].sources[j] <= SEED_ITEMS)
				covered[bundled->items[i].sources[j]] = 1;
	for (j = 1; j <= SEED_ITEMS; j++)
		cr_expect(covered[j], "seed item %u is the source of no item",
			  j);
	cr_expect_geq(bundled->n, 300,
		      "only %zu items in data/bank (at least "
		      "300 wanted)",
		      bundled->n);
}

/* Every bundled item rests on seed items and uses a bundled category. */
Test(bundled, sources_and_categories)
{
	static const char *const cats[] = {
	    "党章党规", "党的理论", "治国理政", "组织建设",
	    "组织生活", "党员管理", "纪律廉政", "作风建设",
	};
	size_t i, k;
	unsigned j;

	for (i = 0; i < bundled->n; i++) {
		const struct item *it = &bundled->items[i];

		cr_expect(it->n_sources > 0, "item %s has no source", it->id);
		for (j = 0; j < it->n_sources; j++)
			cr_expect(it->sources[j] >= 1 &&
				      it->sources[j] <= SEED_ITEMS,
				  "item %s: source %u is not a seed item "
				  "(1..125)",
				  it->id, it->sources[j]);
		for (k = 0; k < sizeof(cats) / sizeof(cats[0]); k++)
			if (strcmp(it->category, cats[k]) == 0)
				break;
		cr_expect(k < sizeof(cats) / sizeof(cats[0]),
			  "item %s: category \"%s\" is not one of the bundled "
			  "bank's eight",
			  it->id, it->category);
	}
}

/* Explanations are the seed's answers cleaned of the PDF's artefacts. */
Test(bundled, explanations_clean)
{
	size_t i;

	for (i = 0; i < bundled->n; i++) {
		const struct item *it = &bundled->items[i];

		cr_expect_null(strstr(it->explanation, "严以律已"),
			       "item %s: explanation has 严以律已 (严以律己)",
			       it->id);
		cr_expect_null(strstr(it->explanation, "社区工作者"),
			       "item %s: explanation has the page header",
			       it->id);
	}
}

/* Rule 2: each correct option of a choice item is in its seed text.
 * Returns the number of violations, each reported if report is set. */
static unsigned rule2(const struct bank *b, int report)
{
	unsigned k, bad = 0;
	char src[64];
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		if (it->kind != ITEM_SINGLE && it->kind != ITEM_MULTI)
			continue;
		for (k = 0; k < it->n_options; k++) {
			if (!(it->correct_mask & (1u << k)) ||
			    supported_by(it, it->options[k]))
				continue;
			bad++;
			if (report)
				cr_expect(0,
					  "item %s: correct option %c \"%s\" "
					  "is not in the seed text of source "
					  "%s",
					  it->id, 'A' + k, it->options[k],
					  sources_str(it, src, sizeof(src)));
		}
	}
	return bad;
}

/* Rule 3: the canonical fill answer is in its seed text. */
static unsigned rule3(const struct bank *b, int report)
{
	unsigned bad = 0;
	char src[64];
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		if (it->kind != ITEM_FILL ||
		    (it->n_fills && supported_by(it, it->fills[0])))
			continue;
		bad++;
		if (report)
			cr_expect(0,
				  "item %s: fill answer \"%s\" is not in the "
				  "seed text of source %s",
				  it->id, it->n_fills ? it->fills[0] : "",
				  sources_str(it, src, sizeof(src)));
	}
	return bad;
}

/* Rule 4: a true/false item's basis is in its seed text. */
static unsigned rule4(const struct bank *b, int report)
{
	unsigned bad = 0;
	char src[64];
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		if (it->kind != ITEM_TRUE_FALSE ||
		    (it->basis && supported_by(it, it->basis)))
			continue;
		bad++;
		if (report)
			cr_expect(0,
				  "item %s: basis \"%s\" is not in the seed "
				  "text of source %s",
				  it->id, it->basis ? it->basis : "",
				  sources_str(it, src, sizeof(src)));
	}
	return bad;
}

/* Rule 5: no two options of an item are equal after normalisation. */
static unsigned rule5(const struct bank *b, int report)
{
	unsigned j, k, bad = 0;
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		for (j = 0; j < it->n_options; j++) {
			char *x = norm_dup(it->options[j]);

			for (k = j + 1; k < it->n_options; k++) {
				char *y = norm_dup(it->options[k]);

				if (strcmp(x, y) == 0) {
					bad++;
					if (report)
						cr_expect(0,
							  "item %s: options "
							  "%c and %c are equal "
							  "after normalisation",
							  it->id, 'A' + j,
							  'A' + k);
				}
				free(y);
			}
			free(x);
		}
	}
	return bad;
}

/* Delimiters the seed text is cut at for rule 6; list markers first, since
 * they contain the brackets. */
static size_t segment_delim(const char *p)
{
	static const char *const marks[] = {
	    "一是", "二是", "三是", "四是", "、", "，", ",", "；",
	    ";",    "。",   "：",   ":",    "（", "）", "(", ")",
	};
	static const char *const open[] = {"（", "("};
	static const char *const close[] = {"）", ")"};
	size_t i, j;

	for (i = 0; i < 2; i++) {
		size_t lo = strlen(open[i]);

		if (strncmp(p, open[i], lo) != 0 || p[lo] < '1' || p[lo] > '9')
			continue;
		for (j = 0; j < 2; j++)
			if (strncmp(p + lo + 1, close[j], strlen(close[j])) ==
			    0)
				return lo + 1 + strlen(close[j]);
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (strncmp(p, marks[i], strlen(marks[i])) == 0)
			return strlen(marks[i]);
	return 0;
}

/* Returns 1 if the normalised text equals, normalised, a whole segment of
 * the seed text of seed item n; stores that segment in seg. */
static int is_segment(unsigned n, const char *norm, char *seg, size_t cap)
{
	const char *s = seed_raw[n], *start = s, *p = s;
	int found = 0;

	while (!found) {
		size_t d = *p ? segment_delim(p) : 1;

		if (d == 0) {
			p++;
			continue;
		}
		if ((size_t)(p - start) < 1024) {
			char raw[1024], out[1024];

			memcpy(raw, start, (size_t)(p - start));
			raw[p - start] = '\0';
			text_normalize(raw, out, sizeof(out));
			if (out[0] && strcmp(out, norm) == 0) {
				snprintf(seg, cap, "%s", raw);
				found = 1;
			}
		}
		if (!*p)
			break;
		p += d;
		start = p;
	}
	return found;
}

/* Rule 6: no distractor of a choice item is itself stated as an answer of
 * its seed item (a whole segment of the seed text). */
static unsigned rule6(const struct bank *b, int report)
{
	unsigned j, k, bad = 0;
	char seg[1024];
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct item *it = &b->items[i];

		if (it->kind != ITEM_SINGLE && it->kind != ITEM_MULTI)
			continue;
		for (k = 0; k < it->n_options; k++) {
			char *n;

			if (it->correct_mask & (1u << k))
				continue;
			n = norm_dup(it->options[k]);
			for (j = 0; j < it->n_sources; j++) {
				unsigned src = it->sources[j];

				if (src < 1 || src > SEED_ITEMS ||
				    !is_segment(src, n, seg, sizeof(seg)))
					continue;
				bad++;
				if (report)
					cr_expect(
					    0,
					    "item %s: distractor %c "
					    "\"%s\" is stated in seed item "
					    "%u (\"%s\")",
					    it->id, 'A' + k, it->options[k],
					    src, seg);
			}
			free(n);
		}
	}
	return bad;
}

Test(bundled, rule2_correct_options_in_seed)
{
	cr_expect_eq(rule2(bundled, 1), 0);
}

Test(bundled, rule3_fill_answer_in_seed)
{
	cr_expect_eq(rule3(bundled, 1), 0);
}

Test(bundled, rule4_truefalse_basis_in_seed)
{
	cr_expect_eq(rule4(bundled, 1), 0);
}

Test(bundled, rule5_options_distinct)
{
	cr_expect_eq(rule5(bundled, 1), 0);
}

Test(bundled, rule6_distractors_not_seed_answers)
{
	cr_expect_eq(rule6(bundled, 1), 0);
}

/* The rules catch untrue items: a fixture with one violation of each. */
Test(bundled, rules_catch_untrue_items)
{
	struct bank_errors e = {0};
	struct bank *b = bank_new();
	struct item *it;

	cr_assert_eq(bank_csv_load(FIXTURE("truth_bad.csv"), b, &e), 0);
	cr_assert_eq(b->n, 6);
	cr_expect_eq(rule2(b, 0), 1, "t2: 政治意识 is not in seed item 19");
	cr_expect_eq(rule3(b, 0), 1, "t3: 实事求是 is not in seed item 1");
	cr_expect_eq(rule4(b, 0), 1, "t4: the basis is not in seed item 2");
	cr_expect_eq(rule6(b, 0), 1, "t6: 大局意识 is an answer of item 18");
	cr_expect_eq(rule5(b, 0), 0);
	/* The loader rejects equal options, so make some by hand. */
	it = &b->items[0];
	free(it->options[1]);
	it->options[1] = xdup("“政治　意识”");
	cr_expect_eq(rule5(b, 0), 1);
	bank_errors_clear(&e);
	bank_free(b);
}

/* The segment cutter itself, on a seed item with a list. */
Test(bundled, rule6_segments)
{
	char seg[1024], *n;

	n = norm_dup("看齐意识");
	cr_expect(is_segment(18, n, seg, sizeof(seg)));
	free(n);
	n = norm_dup("道路自信");
	cr_expect_not(is_segment(18, n, seg, sizeof(seg)));
	free(n);
	n = norm_dup("党委书记的主体责任");
	cr_expect(is_segment(103, n, seg, sizeof(seg)), "list marker (1)");
	free(n);
	n = norm_dup("增强学习意识");
	cr_expect(is_segment(121, n, seg, sizeof(seg)), "一是 marker");
	free(n);
}
