/* Practice progress as plain text (pstats.h): `quiz practice --stats`
 * and the progress page of the practice screen. */
#define _POSIX_C_SOURCE 200809L
#include "pstats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "model_int.h"
#include "text.h"

#define COLS_MAX 10 /* columns of a table */
#define CELL_MAX 96 /* bytes of a cell */

/* Copies one CategoryProgress (NULL: zeros). */
static void copy_cat(struct pstats_cat *c, const Quiz__V1__CategoryProgress *p)
{
	memset(c, 0, sizeof(*c));
	if (!p)
		return;
	copy_text(c->name, sizeof(c->name), p->category);
	c->items = p->items;
	c->seen = p->seen;
	c->mastered = p->mastered;
	c->review = p->review;
	c->right = p->right;
	c->wrong = p->wrong;
	c->mastery_pm = p->mastery_permille > 1000 ? 1000 : p->mastery_permille;
	c->accuracy_pm =
	    p->accuracy_permille > 1000 ? 1000 : p->accuracy_permille;
}

/* Copies one PersonProgress (NULL: zeros). */
static void copy_person(struct pstats_person *d,
			const Quiz__V1__PersonProgress *p)
{
	memset(d, 0, sizeof(*d));
	if (!p)
		return;
	copy_text(d->nick, sizeof(d->nick), p->nickname);
	copy_text(d->team, sizeof(d->team), p->team);
	d->persons = p->persons;
	copy_cat(&d->all, p->all);
	d->time_us = p->time_us;
	d->streak = p->streak;
	d->best_streak = p->best_streak;
	d->days = p->days;
	d->best_days = p->best_days;
	d->last_unix_us = p->last_unix_us;
}

/* Copies a PracticeStats into st. */
void pstats_from_proto(struct pstats *st, const Quiz__V1__PracticeStats *ps,
		       bool team)
{
	size_t i;

	memset(st, 0, sizeof(*st));
	st->team = team;
	if (!ps)
		return;
	copy_person(&st->total, ps->total);
	for (i = 0; ps->total && ps->total->categories &&
		    i < ps->total->n_categories && st->n_cats < PSTATS_CATS_MAX;
	     i++)
		if (ps->total->categories[i])
			copy_cat(&st->cats[st->n_cats++],
				 ps->total->categories[i]);
	for (i = 0; ps->members && i < ps->n_members &&
		    st->n_members < PSTATS_MEMBERS_MAX;
	     i++)
		if (ps->members[i])
			copy_person(&st->members[st->n_members++],
				    ps->members[i]);
}

/* Writes a rate in thousandths as "33.3%". */
void pstats_rate(char *buf, size_t len, uint32_t permille)
{
	if (permille > 1000)
		permille = 1000;
	snprintf(buf, len, "%u.%u%%", permille / 10, permille % 10);
}

/* Writes a time practised. */
void pstats_duration(char *buf, size_t len, uint64_t us)
{
	uint64_t s = us / 1000000;

	if (s < 60)
		snprintf(buf, len, _("%u s"), (unsigned)s);
	else if (s < 3600)
		snprintf(buf, len, _("%u min"), (unsigned)(s / 60));
	else
		snprintf(buf, len, _("%llu h %02u min"),
			 (unsigned long long)(s / 3600),
			 (unsigned)(s % 3600 / 60));
}

/* Writes a wall-clock time (µs) as a local date (and time). */
static void date_text(char *buf, size_t len, uint64_t unix_us, bool with_time)
{
	time_t t = (time_t)(unix_us / 1000000);
	struct tm tm;

	if (!unix_us || !localtime_r(&t, &tm) ||
	    !strftime(buf, len, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d", &tm))
		snprintf(buf, len, "%s", _("never"));
}

/* A table: a header row and rows of cells; column 0 left-aligned, the
 * others right-aligned, widths in terminal columns. */
struct table {
	unsigned cols;
	const char *head[COLS_MAX];
	char (*cell)[COLS_MAX][CELL_MAX]; /* rows, allocated */
	unsigned rows, cap;
	int width[COLS_MAX];
};

/* Prints s padded to w columns (right-aligned when right). */
static void put_cell(FILE *f, const char *s, int w, bool right)
{
	int sw = (int)text_display_width(s);

	if (right)
		fprintf(f, "%*s%s", w > sw ? w - sw : 0, "", s);
	else
		fprintf(f, "%s%*s", s, w > sw ? w - sw : 0, "");
}

/* Prints the table: every column as wide as its widest cell, two spaces
 * apart, no trailing spaces. */
static void table_print(FILE *f, struct table *t)
{
	unsigned r, c;

	for (c = 0; c < t->cols; c++)
		t->width[c] = (int)text_display_width(t->head[c]);
	for (r = 0; r < t->rows; r++)
		for (c = 0; c < t->cols; c++) {
			int w = (int)text_display_width(t->cell[r][c]);

			if (w > t->width[c])
				t->width[c] = w;
		}
	for (r = 0; r <= t->rows; r++) {
		for (c = 0; c < t->cols; c++) {
			const char *s = r ? t->cell[r - 1][c] : t->head[c];

			if (c)
				fputs("  ", f);
			put_cell(f, s, t->width[c], c > 0);
		}
		fputc('\n', f);
	}
}

/* A new row of the table (NULL when out of memory or full). */
static char (*table_row(struct table *t))[CELL_MAX]
{
	if (t->rows == t->cap)
		return NULL;
	memset(t->cell[t->rows], 0, sizeof(t->cell[0]));
	return t->cell[t->rows++];
}

/* Formats a number into a cell. */
static void num_cell(char *cell, uint64_t v)
{
	snprintf(cell, CELL_MAX, "%llu", (unsigned long long)v);
}

/* The cells of one category row. */
static void cat_row(char (*row)[CELL_MAX], const struct pstats_cat *c,
		    const char *name)
{
	snprintf(row[0], CELL_MAX, "%s", name);
	num_cell(row[1], c->items);
	num_cell(row[2], c->seen);
	num_cell(row[3], c->mastered);
	pstats_rate(row[4], CELL_MAX, c->mastery_pm);
	pstats_rate(row[5], CELL_MAX, c->accuracy_pm);
	num_cell(row[6], c->review);
}

/* The categories and the whole bank. */
static void print_cats(FILE *f, const struct pstats *st)
{
	struct table t = {.cols = 7};
	char(*row)[CELL_MAX];
	unsigned i;

	t.head[0] = _("Category");
	t.head[1] = _("Items");
	t.head[2] = _("Seen");
	t.head[3] = _("Mastered");
	t.head[4] = _("Mastery");
	t.head[5] = _("Accuracy");
	t.head[6] = _("Review book");
	t.cap = st->n_cats + 1;
	t.cell = calloc(t.cap, sizeof(*t.cell));
	if (!t.cell)
		return;
	for (i = 0; i < st->n_cats; i++)
		if ((row = table_row(&t)) != NULL)
			cat_row(row, &st->cats[i],
				st->cats[i].name[0] ? st->cats[i].name
						    : _("(no category)"));
	if ((row = table_row(&t)) != NULL)
		cat_row(row, &st->total.all, _("All"));
	table_print(f, &t);
	free(t.cell);
}

/* The members of a team: who practised how much. */
static void print_members(FILE *f, const struct pstats *st)
{
	struct table t = {.cols = 9};
	char(*row)[CELL_MAX];
	unsigned i;

	t.head[0] = _("Member");
	t.head[1] = _("Answers");
	t.head[2] = _("Accuracy");
	t.head[3] = _("Seen");
	t.head[4] = _("Mastered");
	t.head[5] = _("Review");
	t.head[6] = _("Time");
	t.head[7] = _("Days");
	t.head[8] = _("Latest");
	t.cap = st->n_members;
	t.cell = calloc(t.cap ? t.cap : 1, sizeof(*t.cell));
	if (!t.cell)
		return;
	for (i = 0; i < st->n_members; i++) {
		const struct pstats_person *p = &st->members[i];

		if ((row = table_row(&t)) == NULL)
			break;
		snprintf(row[0], CELL_MAX, "%s", p->nick);
		num_cell(row[1], p->all.right + p->all.wrong);
		pstats_rate(row[2], CELL_MAX, p->all.accuracy_pm);
		num_cell(row[3], p->all.seen);
		num_cell(row[4], p->all.mastered);
		num_cell(row[5], p->all.review);
		pstats_duration(row[6], CELL_MAX, p->time_us);
		num_cell(row[7], p->days);
		date_text(row[8], CELL_MAX, p->last_unix_us, false);
	}
	table_print(f, &t);
	free(t.cell);
}

/* Prints st as plain text. */
void pstats_print(FILE *f, const struct pstats *st, const char *server)
{
	const struct pstats_person *p = &st->total;
	char d[64], last[64], acc[16];

	if (st->team) {
		fprintf(f, _("Team %s on %s: %u members"),
			p->team[0] ? p->team : _("(no team)"), server,
			p->persons);
	} else if (p->team[0]) {
		fprintf(f, _("%s (%s) on %s"), p->nick, p->team, server);
	} else {
		fprintf(f, _("%s on %s"), p->nick, server);
	}
	fputc('\n', f);
	pstats_duration(d, sizeof(d), p->time_us);
	date_text(last, sizeof(last), p->last_unix_us, true);
	pstats_rate(acc, sizeof(acc), p->all.accuracy_pm);
	fprintf(f, _("Time practised %s · last %s"), d, last);
	fputc('\n', f);
	fprintf(f, _("Answers %llu (right %llu, accuracy %s)"),
		(unsigned long long)(p->all.right + p->all.wrong),
		(unsigned long long)p->all.right, acc);
	fputc('\n', f);
	fprintf(f, _("Streak %u (best %u) · days in a row %u (best %u)"),
		p->streak, p->best_streak, p->days, p->best_days);
	fputs("\n\n", f);
	print_cats(f, st);
	if (st->team) {
		fputc('\n', f);
		if (st->n_members)
			print_members(f, st);
		else
			fprintf(f, "%s\n", _("No member has practised yet."));
	}
}
