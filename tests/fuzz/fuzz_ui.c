/* A curses screen on /dev/null for the fuzz targets (fuzz_ui.h). */
#include "fuzz_ui.h"

#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "text.h"
#include "ui.h"

int isatty(int fd);

static bool pretend_tty;

/* Interposes the C library's isatty so ui_start takes /dev/null. */
int isatty(int fd)
{
	struct termios t;

	if (pretend_tty)
		return 1;
	return tcgetattr(fd, &t) == 0; /* as the C library does */
}

bool fuzz_ui_start(const char *target)
{
	static const int sigs[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
	struct sigaction old[5];
	bool have_ui;
	int fd, i;

	setlocale(LC_ALL, "C.UTF-8");
	setenv("TERM", "xterm-256color", 1);
	unsetenv("LINES");
	unsetenv("COLUMNS");
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		return false;
	close(fd);
	for (i = 0; i < 5; i++)
		sigaction(sigs[i], NULL, &old[i]);
	pretend_tty = true;
	have_ui = ui_start() == 0;
	pretend_tty = false;
	for (i = 0; i < 5; i++)
		sigaction(sigs[i], &old[i], NULL);
	if (!have_ui)
		fprintf(stderr, "%s: no curses screen: model only\n", target);
	return have_ui;
}

bool fuzz_has_control(const char *s, bool keep_lf)
{
	size_t len = strlen(s), i = 0;

	while (i < len) {
		uint32_t cp;
		int k = text_utf8_next(s + i, len - i, &cp);

		if (k > 0 && text_is_control(cp) && !(keep_lf && cp == '\n'))
			return true;
		i += k > 0 ? (size_t)k : 1;
	}
	return false;
}
