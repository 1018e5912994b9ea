/* The shipped data's directories, relative to the running program
 * (datadir.h). */
/* realpath is XSI */
#define _XOPEN_SOURCE 700

#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set by the build (CMakeLists.txt): the path from the install's bindir to
 * each directory, and where each is in the source and build trees. */
#ifndef QUIZ_REL_DATA
#define QUIZ_REL_DATA "../share/quizd"
#endif
#ifndef QUIZ_REL_LOCALE
#define QUIZ_REL_LOCALE "../share/locale"
#endif
#ifndef QUIZ_TREE_DATA
#define QUIZ_TREE_DATA "data"
#endif
#ifndef QUIZ_TREE_LOCALE
#define QUIZ_TREE_LOCALE "/usr/local/share/locale"
#endif

/* The installed directory rel, beside the program, into out: 0 when it
 * exists. */
static int installed(const char *rel, char *out, size_t cap)
{
	char exe[4096], path[PATH_MAX + 64], canon[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;
	struct stat st;
	int w;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	w = snprintf(path, sizeof(path), "%s/%s", exe, rel);
	if (w < 0 || (size_t)w >= sizeof(path))
		return -1;
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    !realpath(path, canon))
		return -1;
	w = snprintf(out, cap, "%s", canon);
	if (w < 0 || (size_t)w >= cap)
		return -1;
	return 0;
}

const char *datadir_get(enum datadir_kind k, const char *sub, char *out,
			size_t cap)
{
	const char *rel = k == DATADIR_LOCALE ? QUIZ_REL_LOCALE : QUIZ_REL_DATA;
	const char *tree =
	    k == DATADIR_LOCALE ? QUIZ_TREE_LOCALE : QUIZ_TREE_DATA;
	size_t n;
	int w;

	if (cap == 0)
		return out;
	if (installed(rel, out, cap) != 0) {
		w = snprintf(out, cap, "%s", tree);
		if (w < 0 || (size_t)w >= cap)
			goto too_long;
	}
	if (sub && sub[0]) {
		n = strlen(out);
		w = snprintf(out + n, cap - n, "/%s", sub);
		if (w < 0 || (size_t)w >= cap - n)
			goto too_long;
	}
	return out;
too_long:
	out[0] = '\0';
	return out;
}
