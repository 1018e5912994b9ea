/* Translation of the terminal client's strings (gettext, text domain
 * "quiz"): source strings are English; po/LANG.po holds the catalogs that
 * the build turns into QUIZ_LOCALEDIR/LANG/LC_MESSAGES/quiz.mo. Wrap every
 * UI string in _() (or N_() where a constant initialiser needs the string
 * and _() is applied at use), and keep printf specifiers in the same order
 * in each translation. */
#ifndef QUIZ_I18N_H
#define QUIZ_I18N_H

#include <libintl.h>
#include <locale.h>
#include <stdlib.h>

#ifndef QUIZ_LOCALEDIR
#define QUIZ_LOCALEDIR "/usr/local/share/locale"
#endif

#define _(s)  gettext(s)
#define N_(s) (s)

/* Takes the user's locale (LANG, LC_ALL, LC_MESSAGES) and binds the "quiz"
 * catalogs, always delivered as UTF-8. The environment variable
 * QUIZ_LOCALEDIR, when set, overrides the built-in catalog directory. Call
 * once at start-up, before any _() and before curses starts. */
static inline void i18n_init(void)
{
	const char *dir = getenv("QUIZ_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain("quiz", dir && dir[0] ? dir : QUIZ_LOCALEDIR);
	textdomain("quiz");
	bind_textdomain_codeset("quiz", "UTF-8");
}

#endif
