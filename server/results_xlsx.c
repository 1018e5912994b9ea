/* `quizd results export --format xlsx`: the four tables of a match as the
 * sheets 团体排名, 个人排名, 每题统计 and 答题明细 of one workbook, through
 * libxlsxwriter: a bold header row kept in view, numbers written as
 * numbers, column widths fitted to the text. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "results_int.h"
#include "text.h"

#define WIDTH_MAX 60 /* widest column, in characters */

/* Width in characters (a CJK character counts 2, as Excel shows it) the
 * column c needs. */
static double col_width(const struct rtable *t, size_t c)
{
	const struct rcol *col = &t->cols[c];
	size_t w = text_display_width(col->zh), r;

	for (r = 0; r < t->nrows && w < WIDTH_MAX; r++) {
		const struct rcell *x = &t->cells[r * t->ncols + c];
		size_t cw = 0;
		char num[32];

		if (x->kind == RC_TEXT)
			cw = text_display_width(x->s);
		else if (x->kind == RC_INT)
			cw = (size_t)snprintf(num, sizeof(num), "%lld",
					      (long long)x->i);
		else if (x->kind == RC_REAL)
			cw = (size_t)snprintf(num, sizeof(num), "%.*f",
					      col->decimals, x->d);
		if (cw > w)
			w = cw;
	}
	return (double)(w > WIDTH_MAX ? WIDTH_MAX : w) + 2;
}

/* Writes one table into a new sheet. Returns 0 or an lxw_error. */
static lxw_error xlsx_sheet(lxw_workbook *wb, const struct rtable *t,
			    lxw_format *bold, lxw_format *const *real)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, t->sheet);
	lxw_col_t xc = 0;
	lxw_error e;
	size_t r, c;

	if (!ws)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	if (t->nrows >= LXW_ROW_MAX)
		return LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE;
	for (c = 0; c < t->ncols; c++) {
		const struct rcol *col = &t->cols[c];

		if (!col->export)
			continue;
		e = worksheet_write_string(ws, 0, xc, col->zh, bold);
		if (e != LXW_NO_ERROR)
			return e;
		for (r = 0; r < t->nrows; r++) {
			const struct rcell *x = &t->cells[r * t->ncols + c];
			lxw_row_t xr = (lxw_row_t)(r + 1);

			e = LXW_NO_ERROR;
			if (x->kind == RC_INT)
				e = worksheet_write_number(ws, xr, xc,
							   (double)x->i, NULL);
			else if (x->kind == RC_REAL)
				e = worksheet_write_number(
				    ws, xr, xc, x->d,
				    real[col->decimals > 3 ? 3
							   : col->decimals]);
			else if (x->kind == RC_TEXT)
				e = worksheet_write_string(ws, xr, xc, x->s,
							   NULL);
			if (e != LXW_NO_ERROR)
				return e;
		}
		e = worksheet_set_column(ws, xc, xc, col_width(t, c), NULL);
		if (e != LXW_NO_ERROR)
			return e;
		xc++;
	}
	worksheet_freeze_panes(ws, 1, 0);
	return LXW_NO_ERROR;
}

/* Writes tables as the sheets of one workbook (results_int.h). */
int results_xlsx_tables(const struct rtable *const *v, size_t n,
			const char *path, char *err, size_t cap)
{
	static const char *const fmts[] = {"0", "0.0", "0.00", "0.000"};
	lxw_workbook *wb = workbook_new(path);
	lxw_format *bold, *real[4];
	lxw_error e = LXW_NO_ERROR;
	size_t i;

	if (!wb) {
		snprintf(err, cap, "cannot create the workbook");
		return -EIO;
	}
	bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (i = 0; i < 4; i++) {
		real[i] = workbook_add_format(wb);
		format_set_num_format(real[i], fmts[i]);
	}
	for (i = 0; i < n; i++) {
		e = xlsx_sheet(wb, v[i], bold, real);
		if (e != LXW_NO_ERROR) {
			snprintf(err, cap, "sheet %s: %s", v[i]->sheet,
				 lxw_strerror(e));
			break;
		}
	}
	/* close writes the file; it also frees a workbook that failed */
	if (e == LXW_NO_ERROR) {
		e = workbook_close(wb);
		if (e != LXW_NO_ERROR) {
			snprintf(err, cap, "%s", lxw_strerror(e));
			return -EIO;
		}
		return 0;
	}
	workbook_close(wb);
	return -EIO;
}
