/* What the targets that draw the client's screens share (fuzz_model,
 * fuzz_pmodel): a curses screen on /dev/null, and the check that no
 * control character from the server reaches it. */
#ifndef QUIZ_FUZZ_UI_H
#define QUIZ_FUZZ_UI_H

#include <stdbool.h>

/* curses needs a terminal: sets a UTF-8 locale and TERM, puts fd 1 on
 * /dev/null and calls ui_start() with isatty() answering yes (interposed
 * in fuzz_ui.c); the signal handlers ui_start installs are put back to
 * libFuzzer's and ASan's. Returns whether there is a screen (when not, a
 * line on stderr names the target: model only). */
bool fuzz_ui_start(const char *target);

/* Whether s holds a control character (invalid bytes aside), a line feed
 * too unless keep_lf. */
bool fuzz_has_control(const char *s, bool keep_lf);

#endif
