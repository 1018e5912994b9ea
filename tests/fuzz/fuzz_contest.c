/* libFuzzer target: the contest file reader (server/contest_file.c, libinih
 * and core/contest.c) on arbitrary bytes, as a host may send them in
 * CreateRoom.contest (docs/CONTEST.md). Checks that an accepted contest
 * is within every documented range (normalising it again changes
 * nothing) and that every problem has a line inside the text. */
#include <stdlib.h>
#include <string.h>

#include "contest_file.h"
#include "fuzz_util.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lines in the text: every reported line must be one of them. */
static unsigned count_lines(const uint8_t *data, size_t size)
{
	unsigned n = 1;
	size_t i;

	for (i = 0; i < size; i++)
		n += data[i] == '\n';
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct contest c, again;
	static struct contest_file_errors errs;
	char first[CONTEST_FILE_MSG_MAX + 32], err[CONTEST_FILE_MSG_MAX];
	unsigned i, lines = count_lines(data, size);
	int rc;

	memset(&errs, 0, sizeof(errs));
	rc = contest_file_parse((const char *)data, size, &c, &errs, NULL);
	FUZZ_CHECK(errs.n <= CONTEST_FILE_ERRORS_KEEP && errs.n <= errs.total,
		   "error list out of bounds");
	FUZZ_CHECK((rc == 0) == (errs.total == 0),
		   "status and errors disagree");
	for (i = 0; i < errs.n; i++) {
		FUZZ_CHECK(errs.v[i].line <= lines,
			   "error beyond the last line");
		FUZZ_CHECK(memchr(errs.v[i].msg, '\0', sizeof(errs.v[i].msg)),
			   "unterminated message");
	}
	contest_file_first_error(&errs, first, sizeof(first));
	if (rc != 0)
		return 0;
	FUZZ_CHECK(c.nrounds >= 1 && c.nrounds <= CONTEST_ROUNDS_MAX,
		   "accepted round count");
	FUZZ_CHECK(text_valid_name(c.title, QUIZ_TITLE_MAX), "accepted title");
	for (i = 0; i < c.nteams; i++)
		FUZZ_CHECK(text_valid_name(c.teams[i], QUIZ_TEAM_MAX),
			   "accepted team name");
	memcpy(&again, &c, sizeof(c));
	FUZZ_CHECK(contest_normalize(&again, err, sizeof(err)) == 0,
		   "accepted contest does not normalise");
	FUZZ_CHECK(memcmp(&again, &c, sizeof(c)) == 0,
		   "normalising an accepted contest changed it");
	return 0;
}
