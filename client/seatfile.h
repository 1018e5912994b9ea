/* The client's state file: the seats `quiz` holds, so that a closed
 * terminal (or a restarted client) takes its seat back.
 *
 * Where: $XDG_STATE_HOME/quiz/seats, else ~/.local/state/quiz/seats; the
 * directory is made 0700, the file 0600, and every change replaces the
 * file atomically (a temporary file in the same directory, then rename).
 *
 * Format: one line per seat, five fields separated by one space:
 *
 *     SERVER CODE ROLE NAME TOKEN
 *
 * SERVER is HOST:PORT as typed, CODE the room code normalised
 * (roomcode_normalize: "ABCD-EFGH"), ROLE "join" or "host", NAME the
 * nickname ("-" for the host), TOKEN the session resume token (join) or
 * the room's host token (host).
 *
 * ROLE "practice" keeps a person's practice token (`quiz practice`,
 * issue 11): there is no room, so CODE is the person's team after a '~'
 * ("~" alone: no team), which keeps an empty team one field and cannot be
 * taken for a room code; NAME is the nickname, TOKEN the personal token. In
 * every field each byte that is a space or a control character (0x00-0x20,
 * 0x7f) and each '%' is written as
 * "%XX" (two upper-case hex digits), so a nickname with spaces stays one
 * field; other bytes, UTF-8 (张三) included, are written as they are.
 * Reading ignores a line that does not have five fields, has an unknown
 * role, a bad escape, an escaped NUL or more than SEATFILE_LINE_MAX bytes;
 * a missing file holds no seat. A file readable or writable by group or
 * others is set back to 0600 when read. At most SEATFILE_SEATS_MAX seat
 * lines (join, host) are kept: saving one more drops the oldest seat.
 * Practice lines are counted apart (SEATFILE_PRACTICE_MAX), so that
 * joining many rooms never drops a person's practice history. */
#ifndef QUIZ_SEATFILE_H
#define QUIZ_SEATFILE_H

#include <stddef.h>

#define SEATFILE_LINE_MAX     1024	/* bytes of one line, '\n' included */
#define SEATFILE_SEATS_MAX    64	/* seat lines (join, host) kept */
#define SEATFILE_PRACTICE_MAX 32	/* practice lines kept */
#define SEATFILE_FILE_MAX     (1 << 17) /* bytes read of the file */

/* One seat, the key (server, code, role, name) and its token. */
struct seatfile_key {
	const char *server; /* HOST:PORT as typed */
	const char *code;   /* normalised room code (not used by practice) */
	const char *role;   /* "join", "host" or "practice" */
	const char *name;   /* nickname, "-" for the host */
	const char *team;   /* practice: the team (NULL or "": none) */
};

/* Writes the state file's path into out (len bytes): $XDG_STATE_HOME
 * (when set and absolute) or $HOME/.local/state, then "/quiz/seats".
 * Returns 0, or -ENOENT (neither variable usable) or -ENAMETOOLONG. */
int seatfile_path(char *out, size_t len);

/* Looks the seat k up in the file at path and copies its token into
 * token (len bytes). Returns 0, -ENOENT when the file or the line is
 * missing, -ENAMETOOLONG when the token does not fit, or another negative
 * errno when the file cannot be read. */
int seatfile_find(const char *path, const struct seatfile_key *k, char *token,
		  size_t len);

/* Saves the seat k with token in the file at path, replacing the line of
 * the same key (and dropping unreadable lines and the oldest beyond
 * SEATFILE_SEATS_MAX or SEATFILE_PRACTICE_MAX); makes the directories
 * (0700) and the file (0600). Returns 0, -EINVAL for an empty field or a
 * role other than join/host/practice, or a negative errno (nothing changed
 * then). */
int seatfile_save(const char *path, const struct seatfile_key *k,
		  const char *token);

/* Removes the line of the seat k. Returns 0 (also when there was none),
 * or a negative errno. */
int seatfile_forget(const char *path, const struct seatfile_key *k);

#endif
