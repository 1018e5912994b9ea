/* The SSH door's questions (client/door.c), from scripted input: what a
 * person types at `ssh -t quiz@HALL-PC` before the game starts. */
#define _POSIX_C_SOURCE 200809L

#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "door.h"

static char out[8192];

/* Runs door_ask on the lines in input; returns its result. */
static int ask(const char *input, struct door *d)
{
	FILE *in = fmemopen((void *)input, strlen(input), "r");
	FILE *o = fmemopen(out, sizeof(out), "w");
	int r;

	cr_assert_not_null(in);
	cr_assert_not_null(o);
	memset(out, 0, sizeof(out));
	r = door_ask(in, o, "10.0.0.1:7878", d);
	fclose(in);
	fclose(o);
	return r;
}

Test(door, code_name_team_make_a_join_command)
{
	struct door d;

	cr_assert_eq(ask("abcd efgh\n  张三 \n一支部\n", &d), 0);
	cr_expect_str_eq(d.code, "ABCD-EFGH", "any case, blanks taken away");
	cr_expect_str_eq(d.name, "张三", "blanks around the name trimmed");
	cr_expect_str_eq(d.team, "一支部");
	cr_assert_eq(d.argc, 8);
	cr_expect_str_eq(d.argv[0], "quiz");
	cr_expect_str_eq(d.argv[1], "join");
	cr_expect_str_eq(d.argv[2], "10.0.0.1:7878");
	cr_expect_str_eq(d.argv[3], "ABCD-EFGH");
	cr_expect_str_eq(d.argv[4], "--name");
	cr_expect_str_eq(d.argv[5], "张三");
	cr_expect_str_eq(d.argv[6], "--team");
	cr_expect_str_eq(d.argv[7], "一支部");
	cr_expect_null(d.argv[8]);
}

Test(door, no_team_and_crlf)
{
	struct door d;

	cr_assert_eq(ask("ABCDEFGH\r\nBob\r\n\r\n", &d), 0);
	cr_expect_str_eq(d.name, "Bob");
	cr_expect_str_eq(d.team, "");
	cr_assert_eq(d.argc, 6, "no --team without a team");
	cr_expect_null(d.argv[6]);
}

Test(door, bad_answers_are_asked_again)
{
	struct door d;

	/* a bad code, a name over 32 bytes (11 CJK characters), then good */
	cr_assert_eq(
	    ask("NOPE\nABCD-EFGH\n机关党委第一党支部张三\n张三\n\n", &d), 0);
	cr_expect_str_eq(d.name, "张三");
	cr_expect(strstr(out, "That is not a room code") != NULL, "%s", out);
	cr_expect(strstr(out, "A name is") != NULL, "%s", out);
}

Test(door, overlong_line_is_refused_whole)
{
	struct door d;
	char in[1024];

	/* a 600-byte answer is not cut into a name: refused, read to its end */
	memset(in, 'x', 600);
	snprintf(in + 600, sizeof(in) - 600, "\nABCD-EFGH\nBob\n\n");
	cr_assert_eq(ask(in, &d), 0);
	cr_expect_str_eq(d.code, "ABCD-EFGH");
	cr_expect_str_eq(d.name, "Bob");
}

Test(door, end_of_input_gives_up)
{
	struct door d;

	cr_expect_eq(ask("", &d), -1, "a closed terminal before the code");
	cr_expect_eq(ask("ABCD-EFGH\n", &d), -1, "closed before the name");
}

Test(door, too_many_tries_give_up)
{
	struct door d;
	char in[256] = "";
	int i;

	for (i = 0; i < DOOR_TRIES; i++)
		strcat(in, "bad\n");
	strcat(in, "ABCD-EFGH\nBob\n\n");
	cr_expect_eq(ask(in, &d), -1);
	cr_expect(strstr(out, "Too many tries") != NULL, "%s", out);
}
