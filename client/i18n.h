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

#define _(s)  gettext(s)
#define N_(s) (s)

/* Takes the user's locale (LANG, LC_ALL, LC_MESSAGES) and binds the "quiz"
 * catalogs, always delivered as UTF-8. A locale that is not installed (a
 * fresh Debian has no zh_CN.UTF-8) falls back to C.UTF-8 with the language
 * kept for the messages, so Chinese still shows; with no UTF-8 locale at
 * all one line on stderr says so. The catalogs are found beside the
 * program (share/locale of its install, or the build tree); the
 * environment variable QUIZ_LOCALEDIR, when set, overrides that. Call
 * once at start-up, before any _() and before curses starts. */
void i18n_init(void);

#endif
