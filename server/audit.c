/* `quizd audit`: its command line, and what verify and show share (the
 * database opened as quizd opens it, a stored match made again from its
 * definition). The checks are in audit_verify.c, the listing in
 * audit_show.c; docs/AUDIT.md says what they prove. */
#include "audit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_int.h"
#include "errors.h"
#include "matchdef.h"
#include "xalloc.h"

/* Prints the usage text to out. */
static void audit_usage(FILE *out)
{
	fputs("usage: quizd audit verify --db PATH MATCH... | --all\n"
	      "       quizd audit show --db PATH MATCH\n"
	      "\n"
	      "verify: for each match (by id; --all: every match with a\n"
	      "definition) recomputes the SHA-256 chain of its events and\n"
	      "reports the first seq whose stored hash differs (or a gap in\n"
	      "seq), replays its events through the core and compares what\n"
	      "the replay books (bookings, answers, presses of the buzzer,\n"
	      "drawn questions, and results and team results once it ended)\n"
	      "with the database. One line per match: \"match N: ok: ...,\n"
	      "chain head HASH, ...\" or its differences.\n"
	      "\n"
	      "show: the events of a match, one a line: seq, ms since the\n"
	      "first event (since the first after a restart), kind, who, and\n"
	      "what (answers with response time and compensation, presses\n"
	      "with outcome, stakes, verdicts, pauses with the time left).\n"
	      "\n"
	      "  --db PATH   the quizd database (required; never created)\n"
	      "  --all       verify every match that has a definition\n"
	      "  --help      this text\n"
	      "\n"
	      "Exit status: 0 ok, 1 a difference (or nothing to verify),\n"
	      "2 usage error, no such database or match, I/O error.\n"
	      "See docs/AUDIT.md.\n",
	      out);
}

/* Opens the database and loads the bank (audit_int.h). */
int audit_db_open(struct audit_db *d, const char *path, const char *cmd)
{
	char *err = NULL;

	memset(d, 0, sizeof(*d));
	d->path = path;
	/* store_open would create a missing database */
	if (access(path, R_OK) != 0) {
		fprintf(stderr, "%s: %s: %s\n", cmd, path, strerror(errno));
		return -1;
	}
	d->store = store_open(path, NULL, NULL, &err);
	if (!d->store) {
		fprintf(stderr, "%s: %s: %s\n", cmd, path,
			err ? err : "cannot open");
		free(err);
		return -1;
	}
	d->bank = bank_new();
	if (!d->bank || store_load_bank(d->store, d->bank) < 0) {
		fprintf(stderr, "%s: %s: cannot read the questions\n", cmd,
			path);
		goto fail;
	}
	if (sqlite3_open_v2(path, &d->ro, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		fprintf(stderr, "%s: %s: %s\n", cmd, path,
			d->ro ? sqlite3_errmsg(d->ro) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(d->ro, 2000);
	return 0;
fail:
	audit_db_close(d);
	return -1;
}

/* Closes what audit_db_open opened. */
void audit_db_close(struct audit_db *d)
{
	sqlite3_close(d->ro);
	d->ro = NULL;
	bank_free(d->bank);
	d->bank = NULL;
	store_close(d->store);
	d->store = NULL;
}

/* Reads one match's log (audit_int.h). */
int audit_match_load(struct audit_db *d, uint64_t id, struct audit_match *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	rc = store_load_match(d->store, id, &m->log);
	if (rc < 0)
		return rc;
	m->loaded = true;
	return 0;
}

/* Makes the room the match started with (audit_int.h). */
int audit_room(struct audit_db *d, struct audit_match *m, char *err, size_t cap)
{
	char msg[200];

	if (!m->log.definition) {
		snprintf(err, cap,
			 "no definition (stored before schema v3): cannot "
			 "be replayed");
		return -1;
	}
	if (!m->c)
		m->c = xcalloc(1, sizeof(*m->c));
	if (matchdef_read(m->log.definition, &m->s, m->c, msg, sizeof(msg)) <
	    0) {
		snprintf(err, cap, "definition does not read: %s", msg);
		return -1;
	}
	/* host commands in the log were accepted with the host's token; the
	 * replay applies them as logged and needs no token of its own */
	m->r = room_new(&m->s, m->c, d->bank, "audit");
	if (!m->r) {
		snprintf(err, cap, "definition refused by the core (teams)");
		return -1;
	}
	return 0;
}

/* Frees a match (audit_int.h). */
void audit_match_free(struct audit_match *m)
{
	room_free(m->r);
	m->r = NULL;
	free(m->c);
	m->c = NULL;
	if (m->loaded)
		store_match_log_free(&m->log);
	m->loaded = false;
}

/* The room's event of a stored row (audit_int.h). */
void audit_event_in(const struct store_event *se, struct room_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = se->seq;
	ev->kind = room_event_kind_parse(se->kind ? se->kind : "");
	ev->at_us = se->at_us;
	ev->player = se->player;
	ev->q = se->q;
	ev->choice_mask = se->choice_mask;
	ev->one_way_us = se->one_way_us;
	ev->arg = se->arg;
	ev->arg2 = se->arg2;
	ev->nick = se->nick;
	ev->team = se->team;
	ev->text = se->text;
}

/* Outcome names as the presses table has them (audit_int.h). */
const char *audit_outcome_name(enum press_outcome o)
{
	static const char *const names[] = {"pending", "won",  "slower",
					    "late",    "foul", "ignored"};

	return (unsigned)o < sizeof(names) / sizeof(names[0]) ? names[o] : "?";
}

/* Reads a match id operand. Returns 0 or -1. */
static int audit_parse_id(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v == 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* `quizd audit verify|show [--db PATH] [--all] MATCH...`. */
static int audit_run(int argc, char **argv)
{
	const char *cmd = strcmp(argv[0], "verify") == 0 ? "quizd audit verify"
							 : "quizd audit show";
	bool show = argv[0][0] == 's', all = false, options_done = false;
	const char *db = NULL;
	uint64_t *ids = xcalloc((size_t)argc, sizeof(*ids));
	size_t n = 0;
	struct audit_db d;
	int i, rc = 2;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!options_done && strcmp(a, "--") == 0) {
			options_done = true;
		} else if (!options_done &&
			   (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			audit_usage(stdout);
			rc = 0;
			goto out;
		} else if (!options_done && strcmp(a, "--db") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: --db needs a value\n",
					cmd);
				goto out;
			}
			db = argv[++i];
		} else if (!options_done && !show && strcmp(a, "--all") == 0) {
			all = true;
		} else if (!options_done && a[0] == '-' && a[1]) {
			fprintf(stderr, "%s: unknown option %s\n", cmd, a);
			goto usage;
		} else if (audit_parse_id(a, &ids[n]) < 0) {
			fprintf(stderr, "%s: %s: not a match id (1, 2, ...)\n",
				cmd, a);
			goto out;
		} else {
			n++;
		}
	}
	if (!db) {
		fprintf(stderr, "%s: --db PATH is required\n", cmd);
		goto usage;
	}
	if (show ? n != 1 : (all ? n != 0 : n == 0)) {
		fprintf(stderr, "%s: %s\n", cmd,
			show  ? "one MATCH"
			: all ? "--all or MATCH ids, not both"
			      : "MATCH ids or --all");
		goto usage;
	}
	if (audit_db_open(&d, db, cmd) < 0)
		goto out;
	if (show)
		rc = audit_show(&d, ids[0]);
	else if (all)
		rc = audit_verify_all(&d);
	else
		rc = audit_verify(&d, ids, n);
	audit_db_close(&d);
	goto out;
usage:
	audit_usage(stderr);
out:
	free(ids);
	return rc;
}

/* `quizd audit SUBCOMMAND ...` (audit.h). */
int audit_cli(int argc, char **argv)
{
	if (argc >= 1 &&
	    (strcmp(argv[0], "verify") == 0 || strcmp(argv[0], "show") == 0))
		return audit_run(argc, argv);
	if (argc >= 1 &&
	    (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
		audit_usage(stdout);
		return 0;
	}
	if (argc >= 1)
		fprintf(stderr, "quizd audit: unknown command %s\n", argv[0]);
	audit_usage(stderr);
	return 2;
}
