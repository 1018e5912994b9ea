/* The client's state file (seatfile.h): parsing, escaping and the atomic
 * replacement of ~/.local/state/quiz/seats. Plain POSIX I/O, no libuv: it
 * runs before the loop starts and at a handful of moments (Joined,
 * RoomCreated, a stale seat). */
#define _POSIX_C_SOURCE 200809L
#include "seatfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIELDS 5

#define LINES_MAX (SEATFILE_SEATS_MAX + SEATFILE_PRACTICE_MAX)

/* The lines of a file, each one valid, in file order. */
struct seat_lines {
	char *line[LINES_MAX + 1];    /* without '\n', owned */
	bool practice[LINES_MAX + 1]; /* a practice line (counted apart) */
	unsigned n;
};

/* Writes $XDG_STATE_HOME/quiz/seats or $HOME/.local/state/quiz/seats. */
int seatfile_path(char *out, size_t len)
{
	const char *x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	int n;

	if (x && x[0] == '/')
		n = snprintf(out, len, "%s/quiz/seats", x);
	else if (h && h[0] == '/')
		n = snprintf(out, len, "%s/.local/state/quiz/seats", h);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Whether a byte is written as %XX. */
static bool must_escape(unsigned char c)
{
	return c <= 0x20 || c == 0x7f || c == '%';
}

/* Appends field s escaped to out (at o, cap bytes). Returns the new
 * offset, or cap when it does not fit. */
static size_t put_field(char *out, size_t o, size_t cap, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s && o < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (!must_escape(c)) {
			out[o++] = (char)c;
			continue;
		}
		if (o + 3 > cap)
			return cap;
		out[o++] = '%';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	return *s ? cap : o;
}

/* Value of a hex digit, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decodes the escaped field in[0..n) into out (cap bytes, NUL added).
 * Returns 0, or -EINVAL (bad escape, NUL, a byte that should have been
 * escaped, empty) or -ENAMETOOLONG. */
static int get_field(const char *in, size_t n, char *out, size_t cap)
{
	size_t i, o = 0;

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int c = (unsigned char)in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return -EINVAL;
			hi = hexval(in[i + 1]);
			lo = hexval(in[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = hi * 16 + lo;
			if (c == 0)
				return -EINVAL;
			i += 2;
		} else if (must_escape((unsigned char)c)) {
			return -EINVAL;
		}
		if (o + 1 >= cap)
			return -ENAMETOOLONG;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* Splits line (no '\n') into its five decoded fields, each into
 * f[i] (SEATFILE_LINE_MAX bytes). Returns 0, or -EINVAL. */
static int split_line(const char *line, char f[FIELDS][SEATFILE_LINE_MAX])
{
	const char *p = line;
	int i;

	for (i = 0; i < FIELDS; i++) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if ((i < FIELDS - 1) != (e != NULL))
			return -EINVAL; /* too few or too many fields */
		if (get_field(p, n, f[i], SEATFILE_LINE_MAX) < 0)
			return -EINVAL;
		p = e ? e + 1 : p + n;
	}
	if (strcmp(f[2], "practice") == 0)
		return f[1][0] == '~' ? 0 : -EINVAL; /* "~TEAM" */
	if (strcmp(f[2], "join") != 0 && strcmp(f[2], "host") != 0)
		return -EINVAL;
	return 0;
}

/* Whether the key is a practice token's. */
static bool is_practice(const struct seatfile_key *k)
{
	return strcmp(k->role, "practice") == 0;
}

/* The CODE field of k: the room code, or for practice '~' and the team.
 * Returns 0, or -ENAMETOOLONG. */
static int key_code(const struct seatfile_key *k, char *out, size_t len)
{
	int n;

	if (!is_practice(k))
		n = snprintf(out, len, "%s", k->code);
	else
		n = snprintf(out, len, "~%s", k->team ? k->team : "");
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Whether the decoded fields f name the seat k. */
static bool same_key(char f[FIELDS][SEATFILE_LINE_MAX],
		     const struct seatfile_key *k)
{
	char code[SEATFILE_LINE_MAX];

	return key_code(k, code, sizeof(code)) == 0 &&
	       strcmp(f[0], k->server) == 0 && strcmp(f[1], code) == 0 &&
	       strcmp(f[2], k->role) == 0 && strcmp(f[3], k->name) == 0;
}

/* Whether every field of k is usable. */
static bool key_ok(const struct seatfile_key *k)
{
	if (!k || !k->server || !k->server[0] || !k->role || !k->name ||
	    !k->name[0])
		return false;
	if (strcmp(k->role, "practice") == 0)
		return !k->team || strlen(k->team) < SEATFILE_LINE_MAX / 4;
	return k->code && k->code[0] &&
	       (strcmp(k->role, "join") == 0 || strcmp(k->role, "host") == 0);
}

/* Makes room for one more line of the kind practice: drops the oldest
 * line of that kind when its cap is reached. */
static void make_room(struct seat_lines *l, bool practice)
{
	unsigned i, n = 0, first = l->n;
	unsigned cap = practice ? SEATFILE_PRACTICE_MAX : SEATFILE_SEATS_MAX;

	for (i = 0; i < l->n; i++) {
		if (l->practice[i] != practice)
			continue;
		if (first == l->n)
			first = i;
		n++;
	}
	if (n < cap || first == l->n)
		return;
	free(l->line[first]);
	memmove(l->line + first, l->line + first + 1,
		(l->n - first - 1) * sizeof(l->line[0]));
	memmove(l->practice + first, l->practice + first + 1,
		(l->n - first - 1) * sizeof(l->practice[0]));
	l->n--;
}

/* Frees the lines. */
static void lines_free(struct seat_lines *l)
{
	unsigned i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	l->n = 0;
}

/* Reads the file at path (at most SEATFILE_FILE_MAX bytes) into a
 * NUL-terminated buffer *out; a file open to group or others is set back
 * to 0600. Returns 0, or a negative errno (-ENOENT: no file). */
static int read_all(const char *path, char **out)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	ssize_t r;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto fail;
	}
	if ((st.st_mode & 077) && fchmod(fd, 0600) < 0) {
		rc = -errno;
		goto fail;
	}
	buf = malloc(SEATFILE_FILE_MAX + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto fail;
	}
	while (n < SEATFILE_FILE_MAX &&
	       (r = read(fd, buf + n, SEATFILE_FILE_MAX - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto fail;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	close(fd);
	*out = buf;
	return 0;
fail:
	free(buf);
	close(fd);
	return rc;
}

/* Loads the valid lines of the file, leaving out the seat skip (NULL:
 * none); when found is not NULL, copies skip's decoded token into it.
 * A missing file gives no line. Returns 0, or a negative errno. */
static int load(const char *path, const struct seatfile_key *skip,
		struct seat_lines *l, char *found, size_t found_len,
		int *found_rc)
{
	char f[FIELDS][SEATFILE_LINE_MAX];
	char *buf, *p, *nl;
	int rc;

	l->n = 0;
	rc = read_all(path, &buf);
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	for (p = buf; *p; p = nl ? nl + 1 : p + strlen(p)) {
		size_t len;

		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len + 1 > SEATFILE_LINE_MAX || memchr(p, '\0', len))
			continue;
		if (nl)
			*nl = '\0';
		if (split_line(p, f) < 0)
			continue;
		if (skip && same_key(f, skip)) {
			if (found) {
				*found_rc = strlen(f[4]) < found_len
						? 0
						: -ENAMETOOLONG;
				if (!*found_rc)
					memcpy(found, f[4], strlen(f[4]) + 1);
			}
			continue;
		}
		/* keep the newest: drop the oldest of the kind */
		make_room(l, strcmp(f[2], "practice") == 0);
		l->practice[l->n] = strcmp(f[2], "practice") == 0;
		l->line[l->n] = strdup(p);
		if (!l->line[l->n]) {
			rc = -ENOMEM;
			lines_free(l);
			break;
		}
		l->n++;
	}
	free(buf);
	return rc;
}

/* Makes the directories above path (each missing one 0700) and sets the
 * last one, ours, to 0700. Returns 0 or a negative errno. */
static int make_dirs(const char *path)
{
	char dir[4096];
	struct stat st;
	char *s;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	s = strrchr(dir, '/');
	if (!s || s == dir)
		return 0;
	*s = '\0';
	for (s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (stat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((st.st_mode & 077) && st.st_uid == getuid() && chmod(dir, 0700) < 0)
		return -errno;
	return 0;
}

/* Writes the lines (and extra, when not NULL) to a temporary file next to
 * path, 0600, synced, then renames it over path. Returns 0 or a negative
 * errno (the old file stays). */
static int write_all(const char *path, const struct seat_lines *l,
		     const char *extra)
{
	char tmp[4200];
	unsigned i;
	FILE *f = NULL;
	int fd, rc = 0;

	rc = make_dirs(path);
	if (rc < 0)
		return rc;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp); /* a leftover of a crashed run with our pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		goto fail;
	}
	for (i = 0; i < l->n; i++)
		fprintf(f, "%s\n", l->line[i]);
	if (extra)
		fprintf(f, "%s\n", extra);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
		rc = -errno;
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0) {
		rc = -errno;
		goto fail;
	}
	if (rename(tmp, path) < 0) {
		rc = -errno;
		goto fail;
	}
	return 0;
fail:
	unlink(tmp);
	return rc ? rc : -EIO;
}

/* Looks the seat k up and copies its token. */
int seatfile_find(const char *path, const struct seatfile_key *k, char *token,
		  size_t len)
{
	struct seat_lines l;
	int found = -ENOENT, rc;

	if (!key_ok(k) || !len)
		return -ENOENT;
	rc = load(path, k, &l, token, len, &found);
	lines_free(&l);
	return rc < 0 ? rc : found;
}

/* Saves the seat k with token, replacing its line. */
int seatfile_save(const char *path, const struct seatfile_key *k,
		  const char *token)
{
	char line[SEATFILE_LINE_MAX], code[SEATFILE_LINE_MAX];
	const char *field[FIELDS];
	struct seat_lines l;
	size_t o = 0;
	int i, rc;

	if (!key_ok(k) || !token || !token[0])
		return -EINVAL;
	if (key_code(k, code, sizeof(code)) < 0)
		return -ENAMETOOLONG;
	field[0] = k->server;
	field[1] = code;
	field[2] = k->role;
	field[3] = k->name;
	field[4] = token;
	for (i = 0; i < FIELDS; i++) {
		if (i)
			line[o++] = ' ';
		o = put_field(line, o, sizeof(line) - 2, field[i]);
		if (o >= sizeof(line) - 2)
			return -ENAMETOOLONG;
	}
	line[o] = '\0';
	rc = load(path, k, &l, NULL, 0, NULL);
	if (rc < 0)
		return rc;
	make_room(&l, is_practice(k));
	rc = write_all(path, &l, line);
	lines_free(&l);
	return rc;
}

/* Removes the line of the seat k. */
int seatfile_forget(const char *path, const struct seatfile_key *k)
{
	struct seat_lines l;
	char tok[SEATFILE_LINE_MAX];
	int found = -ENOENT, rc;

	if (!key_ok(k))
		return 0;
	rc = load(path, k, &l, tok, sizeof(tok), &found);
	if (rc == 0 && found == 0)
		rc = write_all(path, &l, NULL);
	lines_free(&l);
	return rc;
}
