/* Private to `quiz practice` (practice.c: the screen and its loop;
 * practice_cli.c: --show-token, --stats and the refusals). */
#ifndef QUIZ_PRACTICE_INT_H
#define QUIZ_PRACTICE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <uv.h>

#include "model_practice.h"
#include "pstats.h"
#include "qconn.h"
#include "seatfile.h"
#include "shell.h"
#include "ui.h"

/* The whole state of one run of quiz practice. */
struct papp {
	uv_loop_t *loop;
	struct pmodel pm;
	struct ui_pview pv;
	struct sockaddr_storage addr;
	struct qconn *c;

	/* options */
	const char *server, *name, *team, *category;
	int kinds; /* bits 1 << QuestionKind (0: any) */
	uint32_t time_ms, max_new;
	int mode; /* the sitting's mode (PMODEL_*) */
	bool stats, team_board, show_token, forget_token;

	/* the personal token: given (--token), saved, or the server's */
	char token[QUIZ_TOKEN_INPUT_MAX + 1];
	bool token_given, token_saved;
	char seat_path[4096];

	uint32_t start_seq; /* the PracticeStart on its way */
	bool start_again;   /* refused for storage: send it again (retry) */
	bool refused;
	int exit_code;
	unsigned backoff_ms;
	uint64_t rng;

	/* the progress page */
	struct pstats *st;
	char *stats_text;

	struct shell sh; /* the loop, the terminal, the timers */
};

/* The state file's key of a person (this server, nick, team); false
 * without a state file or a nickname. */
bool practice_seat_key(const struct papp *a, const char *nick, const char *team,
		       struct seatfile_key *k);
/* "张三 (一支部)" or "张三" for messages. */
void practice_who(char *buf, size_t len, const char *nick, const char *team);
/* Sends PracticeStart for a sitting in mode (the token, else the names of
 * a new person); a->start_seq is its seq. */
void practice_send_start(struct papp *a, int mode);

/* Why the start was refused, on stderr: a saved token the server does not
 * know, a name that has history here, or the server's reason. */
void practice_print_refusal(const struct papp *a, int code, const char *msg);
/* Looks up the saved token of --name/--team into a->token. Returns 0 or a
 * negative errno (-ENOENT: none). */
int practice_find_token(struct papp *a);
/* --show-token: prints the saved token. Returns the exit status (2:
 * none saved). */
int practice_show_token(struct papp *a);
/* --stats: connects, asks, prints. Returns the exit status. */
int practice_run_stats(struct papp *a);

#endif
