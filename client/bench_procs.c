/* quiz-bench over several processes (--procs N > 1). One libuv loop
 * reading 10,000 sockets measures itself more than quizd, so the
 * contestants are spread over N worker processes forked before any loop
 * exists: worker k plays the contiguous slice [lo, hi) of them (nicknames
 * bench-<global index>) on the --code path, once the room code comes down
 * its socket. This process hosts (or, with --code, only watches), follows
 * the workers' progress over the same sockets, and when they have exited
 * reads the state each left in its dump file and merges it into one
 * struct bench, on which the usual checks and report run unchanged.
 *
 * The socket of worker k (a socketpair, one line per message):
 *   parent -> worker  "C CODE NQ"     the room to join and its question
 *                                    count, 0 unknown (then nothing)
 *   worker -> parent  "J JOINED FAILED"          its joining is over
 *                     "U UNSEATED"   some of its contestants dropped and
 *                                    are reconnecting (>0) or none is (0)
 *                     "E FINISHED DROPPED FAILED" it stopped
 * Either side closing its end stops the other: a worker whose parent is
 * gone (or has stopped the run) stops too; a worker gone without its "E"
 * fails the run. */
#include "bench_int.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "item.h"

#define PROCS_LINE_MAX	 96	     /* one progress line, newline included */
#define PROCS_DUMP_MAGIC 0x51425031u /* "QBP1" */
#define PROCS_EPS_MAX	 (1u << 20)  /* restart episodes of one worker */

struct bench_worker {
	struct bench *b;
	pid_t pid;
	int fd;		 /* parent: its end of the socketpair (-1 closed) */
	FILE *dump;	 /* where the worker leaves its state (tmpfile) */
	unsigned k;	 /* its number */
	unsigned lo, hi; /* its contestants: players[lo, hi) */
	uv_pipe_t pipe;
	int open;    /* pipe initialised on the loop (it owns fd) */
	int closing; /* uv_close called */
	char line[PROCS_LINE_MAX];
	size_t len;
	unsigned joined, failed, finished, dropped, unseated; /* as told */
	int ended;					      /* its "E" came */
	int exit_ok; /* reaped: it exited 0 */
};

struct bench_procs {
	unsigned n;		/* workers */
	struct bench_worker *w; /* n of them */
	/* in a worker */
	int worker; /* this process is worker k */
	unsigned k;
	int fd; /* its end of the socket */
	uv_pipe_t pipe;
	int open;
	char rbuf[64];
	char code[BENCH_CODE_MAX + 1];
	char *acks_path;
	int told_joined, told_end;
	unsigned told_unseated;
};

/* Writes all of s to a socket that may be non-blocking (libuv owns it):
 * a full buffer is waited out for up to 10 s. 0 or -1. */
static int write_all(int fd, const char *s, size_t n)
{
	unsigned waits = 0;

	while (n) {
		ssize_t r = write(fd, s, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    waits++ < 100) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};

			(void)poll(&pfd, 1, 100);
			continue;
		}
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Sends one line on a worker's socket (either side); a failure shows as
 * the reader's end-of-file. */
static void send_line(int fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void send_line(int fd, const char *fmt, ...)
{
	char line[PROCS_LINE_MAX];
	va_list ap;
	int n;

	if (fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(line))
		(void)write_all(fd, line, (size_t)n);
}

/* ---- worker side ---- */

/* Worker: whatever changed since the last line, to the parent. */
void bench_procs_note(struct bench *b)
{
	struct bench_procs *pr = b->procs;

	if (!pr || !pr->worker || pr->told_end)
		return;
	if (!pr->told_joined && b->joined + b->failed >= b->o.players) {
		pr->told_joined = 1;
		send_line(pr->fd, "J %u %u\n", b->joined, b->failed);
	}
	if (!b->unseated != !pr->told_unseated) {
		pr->told_unseated = b->unseated;
		send_line(pr->fd, "U %u\n", b->unseated);
	}
}

/* Worker: the parent closed its end (the run is over, or it died). */
static void worker_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct bench *b = s->data;

	(void)buf;
	if (nread >= 0)
		return; /* nothing comes after the code */
	uv_read_stop(s);
	if (!b->stopping && nread != UV_EOF)
		fprintf(stderr, "quiz-bench: worker %u: its socket: %s\n",
			b->procs->k, uv_strerror((int)nread));
	bench_stop(b);
}

/* A small read buffer: nothing but an end-of-file is expected. */
static void worker_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	struct bench *b = h->data;

	(void)size;
	buf->base = b->procs->rbuf;
	buf->len = sizeof(b->procs->rbuf);
}

/* Reads "C CODE NQ\n" from the parent, blocking (before the loop
 * exists): the room and its question count (0: unknown). 0, or -1 when
 * the parent closed first or sent anything else. */
static int worker_read_code(int fd, char *code, size_t size, unsigned *nq)
{
	char line[BENCH_CODE_MAX + 16];
	size_t n = 0, i;
	ssize_t r;
	char *sp, *end;
	unsigned long v;

	for (;;) {
		r = read(fd, line + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (line[n] == '\n')
			break;
		if (++n == sizeof(line))
			return -1;
	}
	line[n] = '\0';
	sp = strrchr(line, ' ');
	if (n < 5 || line[0] != 'C' || line[1] != ' ' || sp == line + 1 ||
	    (size_t)(sp - line - 2) >= size || sp[1] < '0' || sp[1] > '9')
		return -1;
	errno = 0;
	v = strtoul(sp + 1, &end, 10);
	if (errno || *end || v > 1000)
		return -1;
	*sp = '\0';
	for (i = 2; line[i]; i++)
		if (line[i] <= ' ' || line[i] > '~')
			return -1;
	memcpy(code, line + 2, (size_t)(sp - line - 1));
	*nq = (unsigned)v;
	return 0;
}

/* fwrite of n items (none: nothing, p may be NULL); 1 on a short write. */
static int wr(FILE *f, const void *p, size_t size, size_t n)
{
	return n && fwrite(p, size, n, f) != n;
}

/* Worker: its state for the parent (the raw structs: the same program on
 * the same machine reads them back), then nothing else. The bank item of
 * a question goes as its index (the bank was loaded before the fork). */
static int worker_dump(const struct bench *b, FILE *f)
{
	uint32_t magic = PROCS_DUMP_MAGIC;
	unsigned i;
	int bad = 0;

	bad |= fwrite(&magic, sizeof(magic), 1, f) != 1;
	bad |= fwrite(b, sizeof(*b), 1, f) != 1;
	for (i = 0; b->q && i < b->nq; i++) {
		const struct bq *q = &b->q[i];
		int32_t item = q->item && b->bank
				   ? (int32_t)(q->item - b->bank->items)
				   : -1;

		bad |= fwrite(q, sizeof(*q), 1, f) != 1;
		bad |= fwrite(&item, sizeof(item), 1, f) != 1;
		bad |= wr(f, q->fan_q, sizeof(int64_t), q->n_fan_q);
		bad |= wr(f, q->fan_r, sizeof(int64_t), q->n_fan_r);
		bad |= wr(f, q->skew, sizeof(int64_t), q->n_skew);
	}
	for (i = 0; i < b->o.players; i++) {
		const struct player *p = &b->players[i];

		bad |= fwrite(p, sizeof(*p), 1, f) != 1;
		if (p->pq && b->nq)
			bad |= fwrite(p->pq, sizeof(*p->pq), b->nq, f) != b->nq;
	}
	if (b->neps)
		bad |= fwrite(b->eps, sizeof(*b->eps), b->neps, f) != b->neps;
	bad |= fwrite(&magic, sizeof(magic), 1, f) != 1;
	bad |= fflush(f) != 0;
	return bad ? -EIO : 0;
}

/* Worker k: its slice, its socket, the code, the run, the dump. Never
 * returns. */
static void worker_main(struct bench *b, struct bench_procs *pr, unsigned k,
			int fd)
{
	struct bench_worker *w = &pr->w[k];
	unsigned j, nq = 0;
	size_t len;

	for (j = 0; j < k; j++) /* the parent's ends of the others */
		close(pr->w[j].fd);
	pr->worker = 1;
	pr->k = k;
	pr->fd = fd;
	b->procs = pr;
	b->idx_base = w->lo;
	b->o.players = w->hi - w->lo;
	b->o.ramp = (b->o.ramp + pr->n - 1) / pr->n;
	b->rng = (b->o.seed ? b->o.seed : uv_hrtime()) + k;
	b->o.json_out = NULL;
	b->o.standings_out = NULL;
	b->acks_f = NULL; /* the parent's (nothing written to it yet) */
	if (b->o.acks_out) {
		len = strlen(b->o.acks_out) + 16;
		pr->acks_path = malloc(len);
		if (!pr->acks_path)
			_exit(1);
		snprintf(pr->acks_path, len, "%s.%u", b->o.acks_out, k);
		b->o.acks_out = pr->acks_path;
		if (bench_acks_open(b) < 0)
			_exit(1);
	}
	if (worker_read_code(fd, pr->code, sizeof(pr->code), &nq) < 0)
		_exit(0); /* the run ended before a room existed */
	b->o.code = pr->code;
	/* the host's count: a contestant would size its tables for a
	 * whole contest when Joined carries one (BENCH_CONTEST_Q) */
	if (nq && !(b->q = calloc(nq, sizeof(*b->q))))
		_exit(1);
	b->nq = nq;
	if (bench_run(b) != 0)
		_exit(1);
	if (worker_dump(b, w->dump) < 0) {
		fprintf(stderr,
			"quiz-bench: worker %u: cannot write its state\n", k);
		_exit(1);
	}
	_exit(0);
}

/* ---- parent side ---- */

/* Parent: the sums of what the workers told, into b. */
static void parent_sums(struct bench *b)
{
	struct bench_procs *pr = b->procs;
	unsigned k;

	b->joined = b->failed = b->finished = b->dropped = b->unseated = 0;
	for (k = 0; k < pr->n; k++) {
		const struct bench_worker *w = &pr->w[k];

		b->joined += w->joined;
		b->failed += w->failed;
		b->finished += w->finished;
		b->dropped += w->dropped;
		b->unseated += w->unseated;
	}
}

/* Parses exactly n unsigned numbers, each after one space and at most
 * max, to the end of s. 0 or -1. */
static int parse_counts(const char *s, unsigned n, unsigned max, unsigned *v)
{
	unsigned i;
	char *end;
	unsigned long x;

	for (i = 0; i < n; i++) {
		if (s[0] != ' ' || s[1] < '0' || s[1] > '9')
			return -1;
		errno = 0;
		x = strtoul(s + 1, &end, 10);
		if (errno || x > max)
			return -1;
		v[i] = (unsigned)x;
		s = end;
	}
	return *s ? -1 : 0;
}

/* Parent: one line from worker w. 0, or -1 when it makes no sense. */
static int parent_line(struct bench_worker *w, const char *line)
{
	unsigned v[3], slice = w->hi - w->lo;

	switch (line[0]) {
	case 'J':
		if (parse_counts(line + 1, 2, slice, v) < 0 ||
		    v[0] + v[1] != slice)
			return -1;
		w->joined = v[0];
		w->failed = v[1];
		return 0;
	case 'U':
		if (parse_counts(line + 1, 1, slice, v) < 0)
			return -1;
		w->unseated = v[0];
		return 0;
	case 'E':
		if (parse_counts(line + 1, 3, slice, v) < 0)
			return -1;
		w->finished = v[0];
		w->dropped = v[1];
		w->failed = v[2];
		w->unseated = 0;
		w->ended = 1;
		return 0;
	default:
		return -1;
	}
}

/* Parent: closes worker w's socket (the worker then stops). */
static void parent_close(struct bench_worker *w)
{
	if (w->open && !w->closing) {
		w->closing = 1;
		uv_read_stop((uv_stream_t *)&w->pipe);
		uv_close((uv_handle_t *)&w->pipe, NULL);
	} else if (!w->open && w->fd >= 0) {
		close(w->fd);
	}
	w->fd = -1; /* closed with the handle */
}

/* Parent: a worker's socket gave bytes (read after the partial line held
 * in w->line), or closed. */
static void parent_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct bench_worker *w = s->data;
	struct bench *b = w->b;
	size_t have, start = 0, i;

	(void)buf;
	if (nread < 0) {
		parent_close(w);
		if (!w->ended && !b->stopping) {
			fprintf(stderr,
				"quiz-bench: worker %u (bench-%u..%u) ended "
				"without reporting its end\n",
				w->k, w->lo, w->hi - 1);
			b->fatal = 1;
			bench_stop(b);
		}
		return;
	}
	have = w->len + (size_t)nread;
	for (i = w->len; i < have && !b->stopping; i++) {
		if (w->line[i] != '\n')
			continue;
		w->line[i] = '\0';
		if (parent_line(w, w->line + start) < 0) {
			fprintf(stderr,
				"quiz-bench: worker %u: bad progress line\n",
				w->k);
			b->fatal = 1;
			bench_stop(b);
			return;
		}
		start = i + 1;
		parent_sums(b);
		bench_progress(b);
	}
	if (b->stopping)
		return;
	memmove(w->line, w->line + start, have - start);
	w->len = have - start;
	if (w->len >= sizeof(w->line) - 1) {
		fprintf(stderr,
			"quiz-bench: worker %u: progress line too long\n",
			w->k);
		b->fatal = 1;
		bench_stop(b);
	}
}

/* Parent: reads go after the partial line held. */
static void parent_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
	struct bench_worker *w = h->data;

	(void)size;
	buf->base = w->line + w->len;
	buf->len = sizeof(w->line) - 1 - w->len;
}

/* ---- both ---- */

int bench_procs_loop_start(struct bench *b)
{
	struct bench_procs *pr = b->procs;
	unsigned k;
	int rc;

	if (pr->worker) {
		if ((rc = uv_pipe_init(b->loop, &pr->pipe, 0)) < 0)
			return rc;
		pr->pipe.data = b;
		if ((rc = uv_pipe_open(&pr->pipe, pr->fd)) < 0 ||
		    (rc = uv_read_start((uv_stream_t *)&pr->pipe, worker_alloc,
					worker_on_read)) < 0) {
			uv_close((uv_handle_t *)&pr->pipe, NULL);
			return rc;
		}
		pr->open = 1;
		return 0;
	}
	b->next = b->o.players; /* no contestant of its own */
	for (k = 0; k < pr->n; k++) {
		struct bench_worker *w = &pr->w[k];

		if (w->fd < 0)
			continue;
		if ((rc = uv_pipe_init(b->loop, &w->pipe, 0)) < 0)
			return rc;
		w->pipe.data = w;
		w->open = 1;
		if ((rc = uv_pipe_open(&w->pipe, w->fd)) < 0 ||
		    (rc = uv_read_start((uv_stream_t *)&w->pipe, parent_alloc,
					parent_on_read)) < 0) {
			parent_close(w);
			return rc;
		}
	}
	return 0;
}

void bench_procs_stop(struct bench *b)
{
	struct bench_procs *pr = b->procs;
	unsigned k;

	if (!pr)
		return;
	if (pr->worker) {
		if (!pr->told_end) {
			bench_procs_note(b);
			pr->told_end = 1;
			send_line(pr->fd, "E %u %u %u\n", b->finished,
				  b->dropped, b->failed);
		}
		if (pr->open) {
			pr->open = 0;
			uv_close((uv_handle_t *)&pr->pipe, NULL);
		}
		return;
	}
	for (k = 0; k < pr->n; k++)
		parent_close(&pr->w[k]);
}

int bench_procs_ended(const struct bench *b)
{
	const struct bench_procs *pr = b->procs;
	unsigned k;

	if (!pr || pr->worker)
		return -1;
	for (k = 0; k < pr->n; k++)
		if (!pr->w[k].ended)
			return 0;
	return 1;
}

void bench_procs_code(struct bench *b)
{
	struct bench_procs *pr = b->procs;
	unsigned k;

	if (!pr || pr->worker)
		return;
	for (k = 0; k < pr->n; k++)
		send_line(pr->w[k].fd, "C %s %u\n", b->code, b->q ? b->nq : 0);
}

/* ---- the merge ---- */

static int rd(FILE *f, void *p, size_t size, size_t n)
{
	return n == 0 || fread(p, size, n, f) == n ? 0 : -1;
}

/* Adds one worker's question to the merged one. */
static void merge_q(struct bench *b, struct bq *d, const struct bq *s,
		    int32_t item)
{
	if (s->seen && !d->seen) {
		d->kind = s->kind;
		d->n_options = s->n_options;
		d->reveal_at = s->reveal_at;
		d->deadline_at = s->deadline_at;
		d->sent_at = s->sent_at;
		d->time_limit_ms = s->time_limit_ms;
		d->points = s->points;
		d->round = s->round;
		d->format = s->format;
		d->resolved = s->resolved;
		d->mask_known = s->mask_known;
		d->mask = s->mask;
		d->has_turn = s->has_turn;
		d->turn_team = s->turn_team;
		d->turn_player = s->turn_player;
		d->min_stake = s->min_stake;
		d->item = b->bank && item >= 0 && (size_t)item < b->bank->n
			      ? &b->bank->items[item]
			      : NULL;
	}
	d->seen |= s->seen;
	d->revealed |= s->revealed;
	d->voided |= s->voided;
	d->lb_checked |= s->lb_checked;
	d->sent += s->sent;
	d->acked += s->acked;
	if (s->first_send && (!d->first_send || s->first_send < d->first_send))
		d->first_send = s->first_send;
	if (s->last_ack > d->last_ack)
		d->last_ack = s->last_ack;
	if (!d->reveal_sent)
		d->reveal_sent = s->reveal_sent;
	if (s->reveal_last > d->reveal_last)
		d->reveal_last = s->reveal_last;
}

/* Appends n samples read from f to *v (o.players of room). */
static int merge_samples(struct bench *b, FILE *f, int64_t **v, unsigned *nv,
			 unsigned n)
{
	if (!n)
		return 0;
	if (!*v && !(*v = calloc(b->o.players, sizeof(**v))))
		return -ENOMEM;
	if (*nv + n > b->o.players)
		return -EINVAL;
	if (rd(f, *v + *nv, sizeof(**v), n) < 0)
		return -EIO;
	*nv += n;
	return 0;
}

/* The counters of one worker added to b's. */
static void merge_counts(struct bench *b, const struct bench *w)
{
	unsigned i;

	b->joined += w->joined;
	b->failed += w->failed;
	b->finished += w->finished;
	b->dropped += w->dropped;
	b->sent += w->sent;
	b->acked += w->acked;
	for (i = 0; i < BENCH_NCODES; i++) {
		b->refused[i] += w->refused[i];
		b->errors[i] += w->errors[i];
	}
	b->errors_total += w->errors_total;
	b->refused_total += w->refused_total;
	b->mm_score += w->mm_score;
	b->mm_rt += w->mm_rt;
	b->mm_ack += w->mm_ack;
	b->mm_correct += w->mm_correct;
	b->examples += w->examples;
	b->oot_sent += w->oot_sent;
	b->oot_refused += w->oot_refused;
	b->w_sent += w->w_sent;
	b->w_acked += w->w_acked;
	b->w_already += w->w_already;
	b->w_pushed += w->w_pushed;
	b->mm_team += w->mm_team;
	b->mm_wager += w->mm_wager;
	b->mm_turn += w->mm_turn;
	b->mm_delta += w->mm_delta;
	b->mm_rank += w->mm_rank;
	b->mm_member += w->mm_member;
	b->reconnects += w->reconnects;
	for (i = 0; i < BENCH_ADDRS_MAX; i++)
		b->addr_reconnects[i] += w->addr_reconnects[i];
	b->reconnect_attempts += w->reconnect_attempts;
	b->reseat_lost += w->reseat_lost;
	b->already += w->already;
	b->resent += w->resent;
	b->results_away += w->results_away;
	b->kicked += w->kicked;
	if (w->t_first_conn &&
	    (!b->t_first_conn || w->t_first_conn < b->t_first_conn))
		b->t_first_conn = w->t_first_conn;
	if (w->t_last_joined > b->t_last_joined)
		b->t_last_joined = w->t_last_joined;
	b->timed_out |= w->timed_out;
	b->fatal |= w->fatal;
	b->outage |= w->outage;
	if (!b->have_final && w->have_final) {
		b->have_final = 1;
		b->n_top = w->n_top < BENCH_TOP_MAX ? w->n_top : BENCH_TOP_MAX;
		memcpy(b->top, w->top, sizeof(b->top));
	}
}

/* Appends n episodes read from f to *eps. */
static int merge_eps_read(FILE *f, struct bench_episode **eps, size_t *n,
			  size_t *cap, size_t more)
{
	if (*n + more > *cap) {
		size_t c = *n + more;
		struct bench_episode *e = realloc(*eps, c * sizeof(*e));

		if (!e)
			return -ENOMEM;
		*eps = e;
		*cap = c;
	}
	if (rd(f, *eps + *n, sizeof(**eps), more) < 0)
		return -EIO;
	*n += more;
	return 0;
}

/* Reads worker w's dump into b. 0, or a negative error (message
 * printed); what was merged before the error stays. */
static int merge_worker(struct bench *b, struct bench_worker *w,
			struct bench_episode **eps, size_t *neps, size_t *cap)
{
	FILE *f = w->dump;
	struct bench *wb = malloc(sizeof(*wb));
	struct player tp;
	struct bq q;
	uint32_t magic;
	unsigned i, nq, nm, slice = w->hi - w->lo;
	int32_t item;
	int rc = -EIO, buzz = 0;

	if (!wb)
		return -ENOMEM;
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) == 0) {
		free(wb);
		return 0; /* it never ran: the room was never created */
	}
	if (fseek(f, 0, SEEK_SET) != 0 || rd(f, &magic, sizeof(magic), 1) ||
	    magic != PROCS_DUMP_MAGIC || rd(f, wb, sizeof(*wb), 1))
		goto bad;
	nq = wb->q ? wb->nq : 0;
	if (wb->o.players != slice || wb->idx_base != w->lo || nq > 1000 ||
	    wb->neps > PROCS_EPS_MAX)
		goto bad;
	if (nq && !b->q) { /* --code: the host never said */
		if (!(b->q = calloc(nq, sizeof(*b->q))))
			goto oom;
		b->nq = nq;
	}
	/* a contestant sizes its tables for a whole contest when Joined
	 * carries the contest (BENCH_CONTEST_Q): the host's count rules */
	nm = nq < b->nq ? nq : b->nq;
	merge_counts(b, wb);
	for (i = 0; i < nq; i++) {
		struct bq *d = &b->q[i];

		if (rd(f, &q, sizeof(q), 1) || rd(f, &item, sizeof(item), 1) ||
		    q.n_fan_q > slice || q.n_fan_r > slice || q.n_skew > slice)
			goto bad;
		buzz |= q.bz != NULL;
		if (i >= nm) {
			if (q.seen) {
				fprintf(stderr,
					"quiz-bench: worker %u saw question "
					"%u, the host knows %u\n",
					w->k, i, b->nq);
				rc = -EINVAL;
				goto out;
			}
			if (fseek(f,
				  (long)(sizeof(int64_t) *
					 ((size_t)q.n_fan_q + q.n_fan_r +
					  q.n_skew)),
				  SEEK_CUR) != 0)
				goto bad;
			continue;
		}
		merge_q(b, d, &q, item);
		if ((rc = merge_samples(b, f, &d->fan_q, &d->n_fan_q,
					q.n_fan_q)) < 0 ||
		    (rc = merge_samples(b, f, &d->fan_r, &d->n_fan_r,
					q.n_fan_r)) < 0 ||
		    (rc = merge_samples(b, f, &d->skew, &d->n_skew, q.n_skew)) <
			0)
			goto bad;
	}
	for (i = 0; i < slice; i++) {
		struct player *p = &b->players[w->lo + i];
		struct pq *pq = NULL;
		unsigned k;

		/* read aside: its pointers are the worker's */
		if (rd(f, &tp, sizeof(tp), 1) || tp.idx != w->lo + i)
			goto bad;
		if (tp.pq && nq && b->nq) {
			if (!(pq = calloc(b->nq, sizeof(*pq))))
				goto oom;
			if (rd(f, pq, sizeof(*pq), nm) ||
			    fseek(f, (long)(sizeof(*pq) * (nq - nm)),
				  SEEK_CUR) != 0) {
				free(pq);
				goto bad;
			}
			for (k = 0; k < nm; k++)
				pq[k].z = NULL;
		} else if (tp.pq && nq &&
			   fseek(f, (long)(sizeof(*pq) * nq), SEEK_CUR) != 0) {
			goto bad;
		}
		*p = tp;
		p->b = b;
		p->c = NULL;
		p->pq = pq;
		p->timer_live = 0;
		memset(&p->timer, 0, sizeof(p->timer));
	}
	if ((rc = merge_eps_read(f, eps, neps, cap, wb->neps)) < 0 ||
	    rd(f, &magic, sizeof(magic), 1) || magic != PROCS_DUMP_MAGIC)
		goto bad;
	if (buzz) {
		fprintf(stderr,
			"quiz-bench: worker %u saw a buzz round: buzz "
			"rounds need --procs 1\n",
			w->k);
		rc = -EINVAL;
		goto out;
	}
	rc = 0;
	goto out;
oom:
	rc = -ENOMEM;
bad:
	fprintf(stderr, "quiz-bench: worker %u: its state is unreadable (%s)\n",
		w->k, rc == -ENOMEM ? "out of memory" : "short or malformed");
	if (rc >= 0 || rc == -EINVAL)
		rc = -EIO;
out:
	free(wb);
	return rc;
}

/* Sorts episodes by their start. */
static int ep_cmp(const void *a, const void *b)
{
	const struct bench_episode *x = a, *y = b;

	return x->start_us < y->start_us ? -1 : x->start_us > y->start_us;
}

/* One restart as the whole bench lived it: the workers' episodes that
 * overlap become one, from the first attempt to the last seat. */
static void merge_eps(struct bench *b, struct bench_episode *e, size_t n)
{
	size_t i, m = 0;

	if (n)
		qsort(e, n, sizeof(*e), ep_cmp);
	for (i = 0; i < n; i++) {
		struct bench_episode *last = m ? &e[m - 1] : NULL;
		uint64_t end = e[i].start_us + e[i].us;

		if (last && e[i].start_us <= last->start_us + last->us) {
			if (end > last->start_us + last->us)
				last->us = end - last->start_us;
			if (e[i].seated_wall_ms > last->seated_wall_ms)
				last->seated_wall_ms = e[i].seated_wall_ms;
			continue;
		}
		e[m++] = e[i];
	}
	free(b->eps);
	b->eps = e;
	b->neps = m;
	b->cap_eps = n;
}

/* Appends worker k's --acks file to the run's, then removes it. */
static int merge_acks(struct bench *b, struct bench_procs *pr)
{
	FILE *out, *in;
	char path[4096], buf[65536];
	size_t n;
	unsigned k;
	int rc = 0;

	if (!b->o.acks_out)
		return 0;
	out = fopen(b->o.acks_out, "a");
	if (!out) {
		fprintf(stderr, "quiz-bench: cannot write %s: %s\n",
			b->o.acks_out, strerror(errno));
		return -errno;
	}
	for (k = 0; k < pr->n; k++) {
		snprintf(path, sizeof(path), "%s.%u", b->o.acks_out, k);
		in = fopen(path, "r");
		if (!in) {
			fprintf(stderr, "quiz-bench: cannot read %s: %s\n",
				path, strerror(errno));
			rc = -EIO;
			continue;
		}
		while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
			if (fwrite(buf, 1, n, out) != n)
				rc = -EIO;
		if (ferror(in))
			rc = -EIO;
		fclose(in);
		(void)unlink(path);
	}
	if (fclose(out) != 0)
		rc = -EIO;
	if (rc < 0)
		fprintf(stderr, "quiz-bench: cannot write %s\n", b->o.acks_out);
	return rc;
}

/* Reaps worker w: 0 when it exited 0, else -1 (named on stderr). */
static int reap(struct bench_worker *w)
{
	int st;
	pid_t r;

	do
		r = waitpid(w->pid, &st, 0);
	while (r < 0 && errno == EINTR);
	w->pid = 0;
	if (r < 0) {
		fprintf(stderr, "quiz-bench: worker %u: waitpid: %s\n", w->k,
			strerror(errno));
		return -1;
	}
	if (WIFSIGNALED(st)) {
		fprintf(stderr,
			"quiz-bench: worker %u (bench-%u..%u) killed by "
			"signal %d (%s)\n",
			w->k, w->lo, w->hi - 1, WTERMSIG(st),
			strsignal(WTERMSIG(st)));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr,
			"quiz-bench: worker %u (bench-%u..%u) failed (exit "
			"%d)\n",
			w->k, w->lo, w->hi - 1,
			WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return -1;
	}
	return 0;
}

/* Frees the workers' bookkeeping (their sockets are closed). */
static void procs_free(struct bench_procs *pr)
{
	unsigned k;

	for (k = 0; k < pr->n; k++)
		if (pr->w[k].dump)
			fclose(pr->w[k].dump);
	free(pr->w);
	free(pr);
}

/* Forks the workers; each one runs worker_main. 0 or -1 (the ones
 * already forked are told to go: their sockets closed, then reaped). */
static int procs_fork(struct bench *b, struct bench_procs *pr)
{
	unsigned n = pr->n, per = b->o.players / n, extra = b->o.players % n;
	unsigned k, j;
	int sv[2];

	fflush(stdout);
	fflush(stderr);
	for (k = 0; k < n; k++) {
		struct bench_worker *w = &pr->w[k];

		w->b = b;
		w->k = k;
		w->fd = -1;
		w->lo = k * per + (k < extra ? k : extra);
		w->hi = w->lo + per + (k < extra);
	}
	for (k = 0; k < n; k++) {
		struct bench_worker *w = &pr->w[k];

		if (!(w->dump = tmpfile()) ||
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
			fprintf(stderr, "quiz-bench: --procs: %s\n",
				strerror(errno));
			goto fail;
		}
		w->pid = fork();
		if (w->pid < 0) {
			fprintf(stderr, "quiz-bench: --procs: fork: %s\n",
				strerror(errno));
			w->pid = 0;
			close(sv[0]);
			close(sv[1]);
			goto fail;
		}
		if (w->pid == 0) {
			close(sv[0]);
			worker_main(b, pr, k, sv[1]);
		}
		close(sv[1]);
		w->fd = sv[0];
	}
	return 0;
fail:
	for (j = 0; j < k; j++) {
		parent_close(&pr->w[j]);
		(void)reap(&pr->w[j]);
	}
	return -1;
}

int bench_procs_main(struct bench *b)
{
	struct bench_procs *pr = calloc(1, sizeof(*pr));
	struct bench_episode *eps = NULL;
	size_t neps = 0, cap = 0;
	unsigned k;
	int rc, failed = 0;

	if (!pr || !(pr->w = calloc(b->o.procs, sizeof(*pr->w)))) {
		fprintf(stderr, "quiz-bench: cannot allocate\n");
		free(pr);
		return 1;
	}
	pr->n = b->o.procs;
	if (procs_fork(b, pr) < 0) {
		procs_free(pr);
		return 1;
	}
	b->procs = pr;
	b->rng = b->o.seed ? b->o.seed : uv_hrtime();
	if (b->o.code) { /* the workers may join at once */
		snprintf(b->code, sizeof(b->code), "%s", b->o.code);
		bench_procs_code(b);
	}
	rc = bench_run(b);
	for (k = 0; k < pr->n; k++) {
		struct bench_worker *w = &pr->w[k];

		if (rc && w->pid > 0)
			kill(w->pid, SIGTERM); /* its loop may be running */
		parent_close(w);
	}
	for (k = 0; k < pr->n; k++) {
		pr->w[k].exit_ok = reap(&pr->w[k]) == 0;
		failed |= !pr->w[k].exit_ok;
	}
	if (rc) {
		procs_free(pr);
		b->procs = NULL;
		return rc;
	}
	/* the sums told over the sockets give way to the dumps' */
	b->joined = b->failed = b->finished = b->dropped = 0;
	for (k = 0; k < pr->n; k++)
		if (pr->w[k].exit_ok &&
		    merge_worker(b, &pr->w[k], &eps, &neps, &cap) < 0)
			failed = 1;
	merge_eps(b, eps, neps);
	if (merge_acks(b, pr) < 0)
		failed = 1;
	if (failed)
		b->fatal = 1;
	procs_free(pr);
	b->procs = NULL;
	return bench_finish(b);
}
