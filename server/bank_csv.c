/* Question bank CSV reader: libcsv does the RFC 4180 tokenising, this file
 * reads files and directories, tracks physical lines, finds duplicate ids
 * and hands each record to bank_row.c for its column checks. */
#include "bank_csv.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bank_row.h"
#include "text.h"
#include "xalloc.h"

/* .csv files read from one directory. */
#define BANK_DIR_MAX_FILES 1000

/* An id already used, and the line of this file that used it (0: an item
 * that was in the bank before this file). */
struct bank_id {
	char *id;
	unsigned line;
};

/* Open-addressing set of ids, so duplicate checks stay linear. */
struct bank_ids {
	struct bank_id *v;
	size_t cap; /* power of two */
	size_t n;
};

/* State of one file being loaded; libcsv's callbacks receive it. */
struct bank_load {
	const char *name;
	struct bank *into;
	struct bank_errors *errs;
	size_t file_errors;
	struct bank_ids ids;
	unsigned line;	   /* physical line being fed to libcsv (1-based) */
	unsigned rec_line; /* physical line the current record starts on */
	int in_record;
	int header_seen;
	int stop;	     /* bad header or bank full: ignore the rest */
	struct bank_row row; /* the record being read */
};

/* Frees the messages of an error list and empties it. */
void bank_errors_clear(struct bank_errors *e)
{
	size_t i;

	if (!e)
		return;
	for (i = 0; i < e->n; i++) {
		free(e->v[i].file);
		free(e->v[i].message);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
}

#if defined(__GNUC__)
#define BANK_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BANK_PRINTF(f, a)
#endif

/* Records one error for file:line (printf-style message). */
BANK_PRINTF(4, 5)
static void bank_err(struct bank_errors *e, const char *file, unsigned line,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!e)
		return;
	e->total++;
	if (e->n >= BANK_ERRORS_KEEP)
		return;
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 16;
		e->v = xrealloc(e->v, e->cap * sizeof(*e->v));
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->v[e->n].file = xstrdup(file);
	e->v[e->n].line = line;
	e->v[e->n].message = xstrdup(msg);
	e->n++;
}

/* Records an error on the record being checked. */
BANK_PRINTF(2, 3)
static void bank_rec_err(struct bank_load *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	ld->file_errors++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bank_err(ld->errs, ld->name, ld->rec_line, "%s", msg);
}

/* FNV-1a, enough to spread short ids. */
static size_t bank_ids_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return (size_t)h;
}

/* Returns the slot holding id, or the empty slot where it would go. */
static struct bank_id *bank_ids_slot(struct bank_ids *s, const char *id)
{
	size_t i = bank_ids_hash(id) & (s->cap - 1);

	while (s->v[i].id && strcmp(s->v[i].id, id) != 0)
		i = (i + 1) & (s->cap - 1);
	return &s->v[i];
}

/* Adds id (copied) seen on line; the caller has checked it is new. */
static void bank_ids_add(struct bank_ids *s, const char *id, unsigned line)
{
	struct bank_id *slot;

	if ((s->n + 1) * 2 > s->cap) {
		struct bank_ids bigger = {0};
		size_t i;

		bigger.cap = s->cap ? s->cap * 2 : 256;
		bigger.v = xcalloc(bigger.cap, sizeof(*bigger.v));
		for (i = 0; i < s->cap; i++)
			if (s->v[i].id)
				*bank_ids_slot(&bigger, s->v[i].id) = s->v[i];
		bigger.n = s->n;
		free(s->v);
		*s = bigger;
	}
	slot = bank_ids_slot(s, id);
	slot->id = xstrdup(id);
	slot->line = line;
	s->n++;
}

/* Returns the entry for id, or NULL if it was not seen. */
static const struct bank_id *bank_ids_find(struct bank_ids *s, const char *id)
{
	struct bank_id *slot;

	if (!s->cap)
		return NULL;
	slot = bank_ids_slot(s, id);
	return slot->id ? slot : NULL;
}

/* Frees the set. */
static void bank_ids_free(struct bank_ids *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->v[i].id);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* libcsv field callback: keeps a copy of the field with CR LF and lone CR
 * turned into LF (spreadsheets write either inside quoted cells). */
static void bank_csv_field(void *field, size_t len, void *data)
{
	struct bank_load *ld = data;
	unsigned i = ld->row.nf++;
	const char *in = field;
	size_t k, n = 0;
	char *out;

	if (i >= BANK_CSV_COLUMNS)
		return;
	if (!in)
		len = 0;
	if (len > BANK_FIELD_MAX) {
		ld->row.huge |= 1u << i;
		len = 0;
	}
	out = xmalloc(len + 1);
	for (k = 0; k < len; k++) {
		if (in[k] == '\r') {
			out[n++] = '\n';
			if (k + 1 < len && in[k + 1] == '\n')
				k++;
		} else {
			out[n++] = in[k];
		}
	}
	out[n] = '\0';
	ld->row.f[i] = out;
}

/* Forgets the fields of the record just handled. */
static void bank_reset_record(struct bank_load *ld)
{
	unsigned i;

	for (i = 0; i < BANK_CSV_COLUMNS; i++) {
		free(ld->row.f[i]);
		ld->row.f[i] = NULL;
	}
	ld->row.nf = 0;
	ld->row.huge = 0;
	ld->row.n_msg = 0;
	ld->in_record = 0;
}

/* Checks a data record; a valid one with a new id joins the bank. */
static void bank_take_record(struct bank_load *ld)
{
	struct bank_row *r = &ld->row;
	const struct bank_id *prev;
	struct item it;
	unsigned i;
	int rc;

	rc = bank_row_check(r, &it);
	for (i = 0; i < r->n_msg && i < BANK_ROW_MAX_ERRORS; i++)
		bank_rec_err(ld, "%s", r->msg[i]);
	if (r->n_msg > BANK_ROW_MAX_ERRORS)
		bank_rec_err(ld, "%u more problems in this record",
			     r->n_msg - BANK_ROW_MAX_ERRORS);
	/* Even a rejected record claims its id, so that a later record with
	 * the same id is reported too. */
	if (!r->id) {
		item_clear(&it);
		return;
	}
	prev = bank_ids_find(&ld->ids, r->id);
	if (prev && prev->line)
		bank_rec_err(ld, "duplicate id \"%s\" (first used on line %u)",
			     r->id, prev->line);
	else if (prev)
		bank_rec_err(ld,
			     "duplicate id \"%s\" (already in the bank, "
			     "from an earlier file)",
			     r->id);
	else
		bank_ids_add(&ld->ids, r->id, ld->rec_line);
	if (rc < 0 || prev) {
		item_clear(&it);
		return;
	}
	if (ld->into->n >= BANK_CSV_MAX_ITEMS) {
		bank_rec_err(ld,
			     "too many items (at most %d in one bank); the "
			     "rest of the file is not loaded",
			     BANK_CSV_MAX_ITEMS);
		ld->stop = 1;
		item_clear(&it);
		return;
	}
	if (bank_add(ld->into, &it) < 0) {
		bank_rec_err(ld, "out of memory");
		item_clear(&it);
	}
}

/* libcsv record callback: the header first, then one item per record. */
static void bank_csv_record(int c, void *data)
{
	struct bank_load *ld = data;

	(void)c;
	if (ld->stop) {
		/* nothing: the file is being skipped */
	} else if (!ld->header_seen) {
		ld->header_seen = 1;
		if (bank_row_header(&ld->row) < 0) {
			bank_rec_err(ld, "%s", ld->row.msg[0]);
			ld->stop = 1;
		}
	} else {
		bank_take_record(ld);
	}
	bank_reset_record(ld);
}

/* Whether the line holds only spaces, tabs and its line break (libcsv skips
 * such lines without starting a record). */
static int bank_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]) || s[i] == '\0')
			return 0;
	return 1;
}

/* Line number (1-based) of byte offset off: counts LF, CR LF and lone CR. */
static unsigned bank_line_at(const char *buf, size_t off)
{
	unsigned line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n'))
			line++;
	return line;
}

/* Rejects text that is not UTF-8 (or holds NUL bytes) before any parsing:
 * a GBK file would otherwise give one error per record. */
static int bank_check_encoding(struct bank_load *ld, const char *buf,
			       size_t len)
{
	size_t i = 0;

	if (len >= 2 && (memcmp(buf, "\xff\xfe", 2) == 0 ||
			 memcmp(buf, "\xfe\xff", 2) == 0)) {
		ld->file_errors++;
		bank_err(ld->errs, ld->name, 1,
			 "the file is UTF-16: save it "
			 "as \"CSV UTF-8\"");
		return -1;
	}
	while (i < len) {
		uint32_t cp;
		int k = text_utf8_next(buf + i, len - i, &cp);

		if (k < 0 || cp == 0) {
			ld->file_errors++;
			bank_err(ld->errs, ld->name, bank_line_at(buf, i),
				 k < 0
				     ? "invalid UTF-8 (byte 0x%02x): save the "
				       "file as \"CSV UTF-8\" (GBK/ANSI files "
				       "are not "
				       "read); nothing loaded from this file"
				     : "NUL byte (0x%02x) in the file; nothing "
				       "loaded from this file",
				 (unsigned char)buf[i]);
			return -1;
		}
		i += (size_t)k;
	}
	return 0;
}

/* Feeds the text to libcsv one physical line at a time, so that each
 * record knows the line it starts on (libcsv itself counts no lines). */
static void bank_parse(struct bank_load *ld, const char *buf, size_t len)
{
	struct csv_parser p;
	size_t i = 0;

	/* Strict: a stray quote is an error rather than silently kept text.
	 * Fields are copied with their length, so no NUL appending is needed,
	 * and an empty field is simply an empty string. */
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		bank_rec_err(ld, "out of memory");
		return;
	}
	ld->line = 1;
	while (i < len && !ld->stop) {
		size_t j = i;

		while (j < len && buf[j] != '\n' && buf[j] != '\r')
			j++;
		if (j < len)
			j++;
		if (!ld->in_record && !bank_blank(buf + i, j - i)) {
			ld->in_record = 1;
			ld->rec_line = ld->line;
		}
		if (csv_parse(&p, buf + i, j - i, bank_csv_field,
			      bank_csv_record, ld) != j - i) {
			char where[64] = "";

			if (ld->line != ld->rec_line)
				snprintf(where, sizeof(where),
					 " (found on line %u)", ld->line);
			bank_rec_err(ld,
				     "broken CSV quoting in the record "
				     "starting here%s: a double quote inside "
				     "a field must be doubled (\"\") and the "
				     "field quoted; the rest of the file is "
				     "not checked",
				     where);
			goto out;
		}
		if (buf[j - 1] == '\n' ||
		    (buf[j - 1] == '\r' && (j == len || buf[j] != '\n')))
			ld->line++;
		i = j;
	}
	if (!ld->stop && csv_fini(&p, bank_csv_field, bank_csv_record, ld) != 0)
		bank_rec_err(ld,
			     "a quoted field opened in the record starting "
			     "here is never closed (unmatched double quote)");
	if (!ld->header_seen && !ld->file_errors) {
		ld->rec_line = 1;
		bank_rec_err(ld,
			     "empty file: the first line must be the "
			     "header id,kind,stem,options,answer,explanation,"
			     "source,category,difficulty,basis");
	}
out:
	bank_reset_record(ld);
	csv_free(&p);
}

/* Loads a bank from memory: the BOM is skipped, encoding checked, records
 * parsed. */
int bank_csv_load_buf(const char *name, const char *buf, size_t len,
		      struct bank *into, struct bank_errors *errs)
{
	struct bank_load ld = {0};
	size_t i;

	ld.name = name;
	ld.into = into;
	ld.errs = errs;
	for (i = 0; i < into->n; i++)
		if (into->items[i].id &&
		    !bank_ids_find(&ld.ids, into->items[i].id))
			bank_ids_add(&ld.ids, into->items[i].id, 0);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	if (bank_check_encoding(&ld, buf, len) == 0)
		bank_parse(&ld, buf, len);
	bank_ids_free(&ld.ids);
	return ld.file_errors ? -EINVAL : 0;
}

/* Reads a whole bank file (bounded by BANK_CSV_MAX_FILE) and loads it. */
int bank_csv_load(const char *path, struct bank *into, struct bank_errors *errs)
{
	char *buf = NULL;
	size_t len = 0, got;
	struct stat st;
	FILE *fp;
	int rc;

	fp = fopen(path, "rb");
	if (!fp) {
		rc = -errno;
		bank_err(errs, path, 0, "cannot open: %s", strerror(-rc));
		return rc;
	}
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = -EISDIR;
		bank_err(errs, path, 0, "is a directory");
		goto out;
	}
	buf = xmalloc(BANK_CSV_MAX_FILE + 1);
	while ((got = fread(buf + len, 1, BANK_CSV_MAX_FILE + 1 - len, fp)) > 0)
		len += got;
	if (ferror(fp)) {
		rc = -EIO;
		bank_err(errs, path, 0, "read error");
		goto out;
	}
	if (len > BANK_CSV_MAX_FILE) {
		rc = -EFBIG;
		bank_err(errs, path, 0, "file too large (more than %u bytes)",
			 BANK_CSV_MAX_FILE);
		goto out;
	}
	rc = bank_csv_load_buf(path, buf, len, into, errs);
out:
	free(buf);
	fclose(fp);
	return rc;
}

/* qsort comparator for file names: byte order. */
static int bank_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a directory entry name is a bank file to read: *.csv (any case),
 * not hidden, not a spreadsheet's lock file (~$name.csv). */
static int bank_is_csv_name(const char *name)
{
	size_t len = strlen(name);

	if (name[0] == '.' || name[0] == '~' || len < 5)
		return 0;
	name += len - 4;
	return name[0] == '.' && (name[1] | 0x20) == 'c' &&
	       (name[2] | 0x20) == 's' && (name[3] | 0x20) == 'v';
}

/* Loads the *.csv files of a directory in name order. */
int bank_csv_load_dir(const char *dir, struct bank *into,
		      struct bank_errors *errs)
{
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	int rc = 0;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		rc = -errno;
		bank_err(errs, dir, 0, "cannot open directory: %s",
			 strerror(-rc));
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		if (!bank_is_csv_name(de->d_name))
			continue;
		if (n == BANK_DIR_MAX_FILES) {
			bank_err(errs, dir, 0,
				 "more than %d .csv files; the "
				 "rest are not read",
				 BANK_DIR_MAX_FILES);
			rc = -EINVAL;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), bank_name_cmp);
	for (i = 0; i < n; i++) {
		size_t plen = strlen(dir) + strlen(names[i]) + 2;
		char *path = xmalloc(plen);
		struct stat st;
		int r;

		snprintf(path, plen, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		r = bank_csv_load(path, into, errs);
		if (r < 0 && rc == 0)
			rc = -EINVAL;
		free(path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

/* Loads a file or a directory, whichever path is. */
int bank_csv_load_path(const char *path, struct bank *into,
		       struct bank_errors *errs)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return bank_csv_load_dir(path, into, errs);
	return bank_csv_load(path, into, errs);
}

void bank_errors_print(const struct bank_errors *e, FILE *out)
{
	size_t k;

	for (k = 0; k < e->n; k++) {
		if (e->v[k].line)
			fprintf(out, "%s:%u: %s\n", e->v[k].file, e->v[k].line,
				e->v[k].message);
		else
			fprintf(out, "%s: %s\n", e->v[k].file, e->v[k].message);
	}
	if (e->total > e->n)
		fprintf(out, "... and %zu more errors\n", e->total - e->n);
}
