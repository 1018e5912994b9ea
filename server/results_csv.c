/* `quizd results export --format csv`: one table as RFC 4180 CSV in UTF-8
 * with a byte-order mark (Excel and WPS in a Chinese locale read a CSV
 * without one as GBK) and CRLF line ends. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "results_int.h"

/* Writes one text field: quoted when it holds a comma, a quote or a line
 * end (quotes doubled). A field that a spreadsheet would take for a formula
 * (starting with = + - @, a tab or a CR) gets a leading apostrophe: a
 * nickname is typed by a contestant, and must not run in the organiser's
 * spreadsheet (CSV injection). */
static void csv_text(const char *s, FILE *out)
{
	const char *p;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;

	if (quote)
		fputc('"', out);
	if (s[0] && strchr("=+-@\t\r", s[0]))
		fputc('\'', out);
	for (p = s; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	if (quote)
		fputc('"', out);
}

/* Writes one cell. */
static void csv_cell(const struct rcol *col, const struct rcell *c, FILE *out)
{
	switch (c->kind) {
	case RC_INT:
		fprintf(out, "%" PRId64, c->i);
		break;
	case RC_REAL:
		fprintf(out, "%.*f", col->decimals, c->d);
		break;
	case RC_TEXT:
		csv_text(c->s, out);
		break;
	case RC_NONE:
		break;
	}
}

/* Writes a table as CSV (results_int.h). */
int results_csv(const struct rtable *t, FILE *out)
{
	size_t r, c;
	bool first;

	fputs("\xEF\xBB\xBF", out);
	first = true;
	for (c = 0; c < t->ncols; c++) {
		if (!t->cols[c].export)
			continue;
		if (!first)
			fputc(',', out);
		csv_text(t->cols[c].zh, out);
		first = false;
	}
	fputs("\r\n", out);
	for (r = 0; r < t->nrows; r++) {
		first = true;
		for (c = 0; c < t->ncols; c++) {
			if (!t->cols[c].export)
				continue;
			if (!first)
				fputc(',', out);
			csv_cell(&t->cols[c], &t->cells[r * t->ncols + c], out);
			first = false;
		}
		fputs("\r\n", out);
	}
	return ferror(out) ? -EIO : 0;
}
