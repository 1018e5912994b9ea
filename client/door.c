/* The SSH door's questions (door.h). */
#include "door.h"

#include <stdbool.h>
#include <string.h>

#include "i18n.h"
#include "text.h"

#define DOOR_LINE_MAX 256 /* bytes of an answer read; longer ones refused */

/* Reads one answer line into buf, without its newline and the blanks
 * around it. Returns its length, -1 at the end of input, or -2 for a line
 * longer than the buffer (the rest of it is read and dropped). */
static int read_answer(FILE *in, char *buf, size_t cap)
{
	size_t n, a = 0;
	int c;

	if (!fgets(buf, (int)cap, in))
		return -1;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n') {
		buf[--n] = '\0';
	} else if (n == cap - 1) {
		while ((c = fgetc(in)) != EOF && c != '\n')
			;
		return -2;
	}
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = '\0';
	while (buf[a] == ' ' || buf[a] == '\t')
		a++;
	memmove(buf, buf + a, n - a + 1);
	return (int)(n - a);
}

/* Asks one question until check() takes the answer. optional: an empty
 * answer is taken as none. Returns 0, or -1 (end of input, or too many
 * bad answers). */
static int ask(FILE *in, FILE *out, const char *question, bool optional,
	       int (*check)(const char *answer, char *dst, size_t cap),
	       const char *bad, char *dst, size_t cap)
{
	char line[DOOR_LINE_MAX];
	int i, n;

	for (i = 0; i < DOOR_TRIES; i++) {
		fprintf(out, "%s", question);
		fflush(out);
		n = read_answer(in, line, sizeof(line));
		if (n == -1) {
			fputc('\n', out);
			return -1;
		}
		if (n == 0 && optional) {
			dst[0] = '\0';
			return 0;
		}
		if (n > 0 && check(line, dst, cap) == 0)
			return 0;
		fprintf(out, "  %s\n", bad);
	}
	fprintf(out, "%s\n", _("Too many tries: goodbye."));
	return -1;
}

/* A room code, normalised. */
static int check_code(const char *answer, char *dst, size_t cap)
{
	char code[ROOMCODE_SIZE];

	if (cap < sizeof(code) || roomcode_normalize(answer, code) < 0)
		return -1;
	memcpy(dst, code, sizeof(code));
	return 0;
}

/* A nickname or team name of at most cap - 1 bytes, printable. */
static int check_name(const char *answer, char *dst, size_t cap)
{
	size_t n = strlen(answer);

	if (n >= cap || !text_valid_name(answer, cap - 1))
		return -1;
	memcpy(dst, answer, n + 1);
	return 0;
}

int door_ask(FILE *in, FILE *out, const char *server, struct door *d)
{
	memset(d, 0, sizeof(*d));
	fprintf(out, "\n  quiz · %s\n\n", server);
	if (ask(in, out, _("Room code (like ABCD-EFGH): "), false, check_code,
		_("That is not a room code: 8 letters and digits, like "
		  "ABCD-EFGH."),
		d->code, sizeof(d->code)) < 0 ||
	    ask(in, out, _("Your name: "), false, check_name,
		_("A name is printable text of at most 10 Chinese characters "
		  "or 32 letters (32 bytes)."),
		d->name, sizeof(d->name)) < 0 ||
	    ask(in, out, _("Your team (Enter for none): "), true, check_name,
		_("A team is printable text of at most 21 Chinese characters "
		  "or 64 letters (64 bytes)."),
		d->team, sizeof(d->team)) < 0)
		return -1;
	d->argv[d->argc++] = "quiz";
	d->argv[d->argc++] = "join";
	d->argv[d->argc++] = (char *)server;
	d->argv[d->argc++] = d->code;
	d->argv[d->argc++] = "--name";
	d->argv[d->argc++] = d->name;
	if (d->team[0]) {
		d->argv[d->argc++] = "--team";
		d->argv[d->argc++] = d->team;
	}
	d->argv[d->argc] = NULL;
	return 0;
}
