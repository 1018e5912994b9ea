/* The client's state file (client/seatfile.c): path, save/find/replace/
 * forget, modes, escaping, bad lines, the line cap. Each test works in its
 * own temporary directory. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seatfile.h"

static char dir[256], path[512];

/* A fresh directory; the state file two levels below it. */
static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_seatfile.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state/quiz/seats", dir);
}

/* Removes what a test made (two levels, the file and its temp files). */
static void teardown(void)
{
	char d[600], f[1200];
	DIR *dh;
	struct dirent *e;

	snprintf(d, sizeof(d), "%s/state/quiz", dir);
	dh = opendir(d);
	while (dh && (e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(f, sizeof(f), "%s/%s", d, e->d_name);
		unlink(f);
	}
	if (dh)
		closedir(dh);
	rmdir(d);
	snprintf(d, sizeof(d), "%s/state", dir);
	rmdir(d);
	rmdir(dir);
}

/* Writes text as the whole state file (mode). */
static void write_file(const char *text, mode_t mode)
{
	char d[600];
	FILE *f;

	snprintf(d, sizeof(d), "%s/state", dir);
	mkdir(d, 0700);
	snprintf(d, sizeof(d), "%s/state/quiz", dir);
	mkdir(d, 0700);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* The file's text (static buffer). */
static const char *read_file(void)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Lines in the file. */
static int count_lines(void)
{
	const char *s = read_file();
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

static const struct seatfile_key ZS = {"127.0.0.1:7000", "ABCDEFGH", "join",
				       "张三", NULL};

Test(seatfile, path_from_xdg_or_home)
{
	char p[256];
	const char *oldx = getenv("XDG_STATE_HOME"), *oldh = getenv("HOME");
	char savex[256] = "", saveh[256] = "";

	if (oldx)
		snprintf(savex, sizeof(savex), "%s", oldx);
	if (oldh)
		snprintf(saveh, sizeof(saveh), "%s", oldh);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	setenv("HOME", "/home/u", 1);
	cr_assert_eq(seatfile_path(p, sizeof(p)), 0);
	cr_expect_str_eq(p, "/x/state/quiz/seats");
	setenv("XDG_STATE_HOME", "relative/is/ignored", 1);
	cr_assert_eq(seatfile_path(p, sizeof(p)), 0);
	cr_expect_str_eq(p, "/home/u/.local/state/quiz/seats");
	unsetenv("XDG_STATE_HOME");
	cr_assert_eq(seatfile_path(p, sizeof(p)), 0);
	cr_expect_str_eq(p, "/home/u/.local/state/quiz/seats");
	cr_expect_eq(seatfile_path(p, 10), -ENAMETOOLONG);
	unsetenv("HOME");
	cr_expect_eq(seatfile_path(p, sizeof(p)), -ENOENT);
	if (savex[0])
		setenv("XDG_STATE_HOME", savex, 1);
	if (saveh[0])
		setenv("HOME", saveh, 1);
}

Test(seatfile, missing_file_has_no_seat, .init = setup, .fini = teardown)
{
	char tok[80];

	cr_expect_eq(seatfile_find(path, &ZS, tok, sizeof(tok)), -ENOENT);
	cr_expect_eq(seatfile_forget(path, &ZS), 0);
	cr_expect_null(read_file());
}

Test(seatfile, save_find_modes, .init = setup, .fini = teardown)
{
	char tok[80], d[600];
	struct stat st;

	cr_assert_eq(seatfile_save(path, &ZS, "0123456789abcdef"), 0);
	cr_assert_eq(seatfile_find(path, &ZS, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "0123456789abcdef");
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "file mode %o",
		     st.st_mode & 0777);
	snprintf(d, sizeof(d), "%s/state/quiz", dir);
	cr_assert_eq(stat(d, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700, "dir mode %o", st.st_mode & 0777);
	snprintf(d, sizeof(d), "%s/state", dir);
	cr_assert_eq(stat(d, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700);
	/* the line as documented, the CJK name as it is */
	cr_expect_str_eq(
	    read_file(),
	    "127.0.0.1:7000 ABCDEFGH join 张三 0123456789abcdef\n");
	/* too small a buffer for the token */
	cr_expect_eq(seatfile_find(path, &ZS, tok, 4), -ENAMETOOLONG);
}

Test(seatfile, loose_dir_and_file_are_tightened, .init = setup,
     .fini = teardown)
{
	char tok[80], d[600];
	struct stat st;

	write_file("127.0.0.1:7000 ABCDEFGH join 张三 tok1\n", 0644);
	snprintf(d, sizeof(d), "%s/state/quiz", dir);
	chmod(d, 0755);
	cr_assert_eq(seatfile_find(path, &ZS, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "tok1");
	cr_assert_eq(stat(path, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600, "read fixed it: %o",
		     st.st_mode & 0777);
	cr_assert_eq(seatfile_save(path, &ZS, "tok2"), 0);
	cr_assert_eq(stat(d, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0700, "save fixed the dir: %o",
		     st.st_mode & 0777);
}

Test(seatfile, replace_and_forget, .init = setup, .fini = teardown)
{
	struct seatfile_key host = {"127.0.0.1:7000", "ABCDEFGH", "host", "-",
				    NULL};
	struct seatfile_key other = {"127.0.0.1:7000", "ABCDEFGH", "join",
				     "李四", NULL};
	struct seatfile_key other_code = {"127.0.0.1:7000", "ZZZZ0000", "join",
					  "张三", NULL};
	struct seatfile_key other_srv = {"127.0.0.1:7001", "ABCDEFGH", "join",
					 "张三", NULL};
	char tok[80];

	cr_assert_eq(seatfile_save(path, &ZS, "t1"), 0);
	cr_assert_eq(seatfile_save(path, &host, "h1"), 0);
	cr_assert_eq(seatfile_save(path, &other, "o1"), 0);
	cr_assert_eq(seatfile_save(path, &ZS, "t2"), 0);
	cr_expect_eq(count_lines(), 3, "replaced, not added:\n%s", read_file());
	cr_assert_eq(seatfile_find(path, &ZS, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "t2");
	cr_assert_eq(seatfile_find(path, &host, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "h1");
	cr_expect_eq(seatfile_find(path, &other_code, tok, sizeof(tok)),
		     -ENOENT);
	cr_expect_eq(seatfile_find(path, &other_srv, tok, sizeof(tok)),
		     -ENOENT);
	cr_assert_eq(seatfile_forget(path, &ZS), 0);
	cr_expect_eq(seatfile_find(path, &ZS, tok, sizeof(tok)), -ENOENT);
	cr_assert_eq(seatfile_find(path, &other, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "o1");
	cr_expect_eq(count_lines(), 2);
	/* forgetting what is not there leaves the file alone */
	cr_assert_eq(seatfile_forget(path, &ZS), 0);
	cr_expect_eq(count_lines(), 2);
}

Test(seatfile, names_with_spaces_and_percent, .init = setup, .fini = teardown)
{
	struct seatfile_key k = {"localhost:7000", "ABCDEFGH", "join",
				 "Mary Ann 100% 张 三", NULL};
	struct seatfile_key k2 = {"localhost:7000", "ABCDEFGH", "join", "Mary",
				  NULL};
	char tok[80];

	cr_assert_eq(seatfile_save(path, &k, "tk"), 0);
	cr_expect_str_eq(
	    read_file(),
	    "localhost:7000 ABCDEFGH join Mary%20Ann%20100%25%20张%20三 tk\n");
	cr_assert_eq(seatfile_find(path, &k, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "tk");
	cr_expect_eq(seatfile_find(path, &k2, tok, sizeof(tok)), -ENOENT);
}

Test(seatfile, bad_lines_ignored_and_dropped, .init = setup, .fini = teardown)
{
	char tok[80];
	char big[SEATFILE_LINE_MAX + 100];
	char text[4096];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(text, sizeof(text),
		 "garbage\n"
		 "\n"
		 "a b c d\n"		       /* four fields */
		 "a b join d e f\n"	       /* six */
		 "a b judge d e\n"	       /* unknown role */
		 "a  join d e\n"	       /* empty field */
		 "s ABCDEFGH join bad%%2 t\n"  /* cut escape */
		 "s ABCDEFGH join bad%%zz t\n" /* not hex */
		 "s ABCDEFGH join nul%%00 t\n" /* escaped NUL */
		 "s ABCDEFGH join tab\tx t\n"  /* raw control */
		 "%s\n"			       /* too long */
		 "127.0.0.1:7000 ABCDEFGH join 张三 good\n"
		 "s ABCDEFGH join last-no-newline t",
		 big);
	write_file(text, 0600);
	cr_assert_eq(seatfile_find(path, &ZS, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "good");
	{
		struct seatfile_key last = {"s", "ABCDEFGH", "join",
					    "last-no-newline", NULL};

		cr_assert_eq(seatfile_find(path, &last, tok, sizeof(tok)), 0);
		cr_expect_str_eq(tok, "t");
	}
	/* a save rewrites the file with the readable lines only */
	cr_assert_eq(seatfile_save(path, &ZS, "new"), 0);
	cr_expect_str_eq(read_file(),
			 "s ABCDEFGH join last-no-newline t\n"
			 "127.0.0.1:7000 ABCDEFGH join 张三 new\n");
}

Test(seatfile, invalid_keys_refused, .init = setup, .fini = teardown)
{
	struct seatfile_key empty = {"s", "ABCDEFGH", "join", "", NULL};
	struct seatfile_key role = {"s", "ABCDEFGH", "judge", "x", NULL};
	char tok[8];

	cr_expect_eq(seatfile_save(path, &empty, "t"), -EINVAL);
	cr_expect_eq(seatfile_save(path, &role, "t"), -EINVAL);
	cr_expect_eq(seatfile_save(path, &ZS, ""), -EINVAL);
	cr_expect_eq(seatfile_find(path, &role, tok, sizeof(tok)), -ENOENT);
	cr_expect_null(read_file(), "nothing written");
}

Test(seatfile, keeps_the_newest_lines, .init = setup, .fini = teardown)
{
	char name[16], tok[16];
	struct seatfile_key k = {"s", "ABCDEFGH", "join", name, NULL};
	int i;

	for (i = 0; i < SEATFILE_SEATS_MAX + 6; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(tok, sizeof(tok), "t%d", i);
		cr_assert_eq(seatfile_save(path, &k, tok), 0);
	}
	cr_expect_eq(count_lines(), SEATFILE_SEATS_MAX);
	snprintf(name, sizeof(name), "p%d", 5);
	cr_expect_eq(seatfile_find(path, &k, tok, sizeof(tok)), -ENOENT,
		     "the oldest went");
	snprintf(name, sizeof(name), "p%d", 6);
	cr_assert_eq(seatfile_find(path, &k, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "t6");
	snprintf(name, sizeof(name), "p%d", SEATFILE_SEATS_MAX + 5);
	cr_assert_eq(seatfile_find(path, &k, tok, sizeof(tok)), 0);
}

Test(seatfile, no_temp_file_left_and_symlink_refused, .init = setup,
     .fini = teardown)
{
	char d[600], target[600];
	DIR *dh;
	struct dirent *e;
	int n = 0;

	cr_assert_eq(seatfile_save(path, &ZS, "t"), 0);
	snprintf(d, sizeof(d), "%s/state/quiz", dir);
	dh = opendir(d);
	cr_assert_not_null(dh);
	while ((e = readdir(dh)) != NULL)
		n += e->d_name[0] != '.';
	closedir(dh);
	cr_expect_eq(n, 1, "only seats in the directory");
	/* a symlink in place of the file is not followed when read */
	snprintf(target, sizeof(target), "%s/state/quiz/other", dir);
	rename(path, target);
	cr_assert_eq(symlink(target, path), 0);
	{
		char tok[8];

		cr_expect_lt(seatfile_find(path, &ZS, tok, sizeof(tok)), 0);
	}
}

/* Practice tokens (quiz practice): keyed by server, nickname and team,
 * the team written after '~' in the CODE field ("~" alone: no team). */
Test(seatfile, practice_keyed_by_name_and_team, .init = setup, .fini = teardown)
{
	struct seatfile_key p = {"127.0.0.1:7000", NULL, "practice", "张三",
				 "机关党委第一党支部"};
	struct seatfile_key p_noteam = {"127.0.0.1:7000", NULL, "practice",
					"张三", NULL};
	struct seatfile_key p_empty = {"127.0.0.1:7000", NULL, "practice",
				       "张三", ""};
	struct seatfile_key p_other = {"127.0.0.1:7000", NULL, "practice",
				       "张三", "二支部"};
	struct seatfile_key p_srv = {"127.0.0.1:7001", NULL, "practice", "张三",
				     "机关党委第一党支部"};
	char tok[80];

	cr_assert_eq(seatfile_save(path, &p, "aa11"), 0);
	cr_assert_eq(seatfile_save(path, &p_noteam, "bb22"), 0);
	cr_assert_eq(seatfile_save(path, &ZS, "cc33"), 0);
	cr_expect_str_eq(
	    read_file(),
	    "127.0.0.1:7000 ~机关党委第一党支部 practice 张三 aa11\n"
	    "127.0.0.1:7000 ~ practice 张三 bb22\n"
	    "127.0.0.1:7000 ABCDEFGH join 张三 cc33\n");
	cr_assert_eq(seatfile_find(path, &p, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "aa11");
	/* NULL and "" are the same: no team */
	cr_assert_eq(seatfile_find(path, &p_empty, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "bb22");
	cr_expect_eq(seatfile_find(path, &p_other, tok, sizeof(tok)), -ENOENT);
	cr_expect_eq(seatfile_find(path, &p_srv, tok, sizeof(tok)), -ENOENT);
	/* a join seat of the same name is another line */
	cr_assert_eq(seatfile_find(path, &ZS, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "cc33");
	/* replaced in place, forgotten alone */
	cr_assert_eq(seatfile_save(path, &p, "dd44"), 0);
	cr_expect_eq(count_lines(), 3);
	cr_assert_eq(seatfile_forget(path, &p_empty), 0);
	cr_expect_eq(seatfile_find(path, &p_noteam, tok, sizeof(tok)), -ENOENT);
	cr_assert_eq(seatfile_find(path, &p, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "dd44");
	cr_expect_eq(count_lines(), 2);
}

Test(seatfile, practice_team_with_spaces_and_bad_lines, .init = setup,
     .fini = teardown)
{
	struct seatfile_key p = {"s", NULL, "practice", "Mary Ann",
				 "Team 100%"};
	char tok[80];

	cr_assert_eq(seatfile_save(path, &p, "tk"), 0);
	cr_expect_str_eq(read_file(),
			 "s ~Team%20100%25 practice Mary%20Ann tk\n");
	cr_assert_eq(seatfile_find(path, &p, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "tk");
	/* a practice line without the '~' is not one: ignored and dropped */
	write_file("s Team practice x t1\n"
		   "s ~ practice x t2\n",
		   0600);
	{
		struct seatfile_key x = {"s", NULL, "practice", "x", "Team"};
		struct seatfile_key x0 = {"s", NULL, "practice", "x", NULL};

		cr_expect_eq(seatfile_find(path, &x, tok, sizeof(tok)),
			     -ENOENT);
		cr_assert_eq(seatfile_find(path, &x0, tok, sizeof(tok)), 0);
		cr_expect_str_eq(tok, "t2");
		cr_assert_eq(seatfile_save(path, &x0, "t3"), 0);
		cr_expect_str_eq(read_file(), "s ~ practice x t3\n");
	}
	/* a practice key needs a nickname */
	{
		struct seatfile_key nn = {"s", NULL, "practice", "", NULL};

		cr_expect_eq(seatfile_save(path, &nn, "t"), -EINVAL);
	}
}

/* Many rooms joined never push a practice token out: the caps are apart. */
Test(seatfile, practice_lines_outlive_seats, .init = setup, .fini = teardown)
{
	char name[16], tok[16];
	struct seatfile_key k = {"s", "ABCDEFGH", "join", name, NULL};
	struct seatfile_key p = {"s", NULL, "practice", "张三", "一支部"};
	int i;

	cr_assert_eq(seatfile_save(path, &p, "keep"), 0);
	for (i = 0; i < SEATFILE_SEATS_MAX + 10; i++) {
		snprintf(name, sizeof(name), "p%d", i);
		snprintf(tok, sizeof(tok), "t%d", i);
		cr_assert_eq(seatfile_save(path, &k, tok), 0);
	}
	cr_expect_eq(count_lines(), SEATFILE_SEATS_MAX + 1);
	cr_assert_eq(seatfile_find(path, &p, tok, sizeof(tok)), 0);
	cr_expect_str_eq(tok, "keep");
	/* practice lines have their own cap: the oldest practice line goes */
	for (i = 0; i < SEATFILE_PRACTICE_MAX; i++) {
		struct seatfile_key q = {"s", NULL, "practice", name, NULL};

		snprintf(name, sizeof(name), "n%d", i);
		cr_assert_eq(seatfile_save(path, &q, "x"), 0);
	}
	cr_expect_eq(count_lines(), SEATFILE_SEATS_MAX + SEATFILE_PRACTICE_MAX);
	cr_expect_eq(seatfile_find(path, &p, tok, sizeof(tok)), -ENOENT);
	snprintf(name, sizeof(name), "p%d", SEATFILE_SEATS_MAX + 9);
	cr_assert_eq(seatfile_find(path, &k, tok, sizeof(tok)), 0);
}
