/* The client's locale and translations (i18n.h). */
#include "i18n.h"

#include <stdio.h>
#include <string.h>

#include "datadir.h"

/* The language the environment asks for (LC_ALL, LC_MESSAGES, then
 * LANG, as setlocale reads them), cut at its codeset: "zh_CN" of
 * "zh_CN.UTF-8". "" when none is set. */
static void wanted_language(char *out, size_t cap)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *v = NULL;
	size_t i, n;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]) && !v; i++) {
		v = getenv(vars[i]);
		if (v && !v[0])
			v = NULL;
	}
	out[0] = '\0';
	if (!v || cap == 0)
		return;
	n = strcspn(v, ".@");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, v, n);
	out[n] = '\0';
}

/* The user's locale is not installed: a UTF-8 locale that always exists
 * for the character set, the language kept for the messages. Returns 0,
 * or -1 when there is no UTF-8 locale at all. */
static int fall_back(void)
{
	static const char *const utf8[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};
	char lang[64];
	const char *had = getenv("LANGUAGE");
	size_t i;

	wanted_language(lang, sizeof(lang));
	for (i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++) {
		if (!setlocale(LC_ALL, utf8[i]))
			continue;
		/* gettext reads LANGUAGE under any locale but "C" */
		if (lang[0] && strcmp(lang, "C") != 0 &&
		    strcmp(lang, "POSIX") != 0 && !(had && had[0]))
			setenv("LANGUAGE", lang, 1);
		return 0;
	}
	setlocale(LC_ALL, "C");
	return -1;
}

void i18n_init(void)
{
	const char *dir = getenv("QUIZ_LOCALEDIR");
	char buf[4096];

	if (!setlocale(LC_ALL, "") && fall_back() != 0)
		fprintf(stderr,
			"quiz: no UTF-8 locale is installed on this "
			"machine, so Chinese text shows as '?' (install "
			"the locales package and generate zh_CN.UTF-8, "
			"or set LANG=C.UTF-8)\n");
	if (!dir || !dir[0])
		dir = datadir_get(DATADIR_LOCALE, NULL, buf, sizeof(buf));
	bindtextdomain("quiz", dir);
	textdomain("quiz");
	bind_textdomain_codeset("quiz", "UTF-8");
}
