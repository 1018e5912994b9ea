/* Private to quiz-floor (bench/floor*.c): its limits, its state and the
 * functions its files share. bench/floor_net.c owns the sockets (listen,
 * read and reassemble frames, write broadcasts as quizd does), bench/floor.c
 * the protocol and the match's clock, bench/floor_args.c the command line
 * and the summary. Not a library interface. */
#ifndef QUIZ_FLOOR_INT_H
#define QUIZ_FLOOR_INT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "quiz.pb-c.h"

#ifndef QUIZ_VERSION
#define QUIZ_VERSION "0"
#endif

#define FLOOR_PLAYERS_MAX   100000
#define FLOOR_QUESTIONS_MAX 200		 /* quiz-bench's --questions cap */
#define FLOOR_IN_MAX	    4096	 /* longest frame taken from a peer */
#define FLOOR_OUT_MAX	    (256 * 1024) /* quizd's default max_out_bytes */
#define FLOOR_READ_CHUNK    65536	 /* one read buffer for every peer */
#define FLOOR_SPARE_CONNS   64	   /* peers beyond --players still taken */
#define FLOOR_LEAD_US	    250000 /* quizd's default lead (room.h) */
#define FLOOR_POINTS	    1000
#define FLOOR_CODE_MAX	    16 /* code echoed in Joined */

/* A frame packed once and written to many connections (quizd's wbuf). */
struct fbuf {
	uint32_t refs;
	size_t len;
	uint8_t data[];
};

struct floor;

struct fconn {
	uv_tcp_t tcp;
	uv_shutdown_t shut;
	struct floor *f;
	struct fconn *prev, *next;
	uint32_t id; /* player id once joined, else 0 */
	int hello, closing;
	size_t out_bytes; /* queued in uv_write requests */
	uint8_t *in;	  /* a partial frame (FLOOR_IN_MAX), or NULL */
	size_t in_len;
};

struct fwreq {
	uv_write_t req;
	struct fconn *c;
	struct fbuf *b;
};

struct floor_opts {
	char host[64];
	int port;
	const char *port_file;
	unsigned players, questions;
	unsigned interval_ms, settle_ms, time_limit_ms;
	unsigned timeout_s, linger_s;
	int reveal;
};

enum floor_phase {
	PH_JOINING,  /* waiting for --players joins */
	PH_SETTLE,   /* all joined: clock sync settles */
	PH_OPEN,     /* question q broadcast */
	PH_REVEALED, /* its Reveal broadcast */
	PH_DONE	     /* final sent: waiting for everyone to leave */
};

struct floor {
	uv_loop_t *loop;
	struct floor_opts o;
	uv_tcp_t server;
	uv_timer_t timer, timeout;
	uv_signal_t sigint, sigterm;
	int stopping, status, timed_out;
	enum floor_phase phase;
	unsigned q; /* current question */
	struct fconn *conns;
	unsigned nconns, joined, left;
	struct fconn **seats; /* [1..players] in join order */
	uint64_t next_session, rng;
	uint8_t *chunk;
	/* what the summary reports */
	unsigned questions_sent, reveals_sent;
	size_t question_bytes, reveal_bytes;
	uint64_t *bcast_us; /* per question: first to last socket write */
	uint64_t writes_whole, writes_partial, writes_queued, dropped_slow;
	uint64_t bad_peers, refused;
};

/* Server clock in microseconds: quizd's net_now_us(), uv_hrtime() / 1000. */
uint64_t floor_now_us(void);
/* Packs env as one frame with one reference, or NULL (too large or out of
 * memory); floor_unref drops a reference (accepts NULL). */
struct fbuf *floor_pack(const Quiz__V1__Envelope *env);
void floor_unref(struct fbuf *b);
/* Closes c, after its queued output when graceful; idempotent. */
void floor_conn_close(struct fconn *c, int graceful);
/* Packs env and writes it to c. */
void floor_conn_send_env(struct fconn *c, const Quiz__V1__Envelope *env);
/* Sends an Error replying to seq, counts a bad peer, closes once written. */
void floor_conn_fail(struct fconn *c, Quiz__V1__ErrorCode code, uint32_t seq,
		     const char *msg);
/* Writes one packed broadcast to every seated contestant in seat order;
 * returns the time from start to the last write (us). */
uint64_t floor_bcast(struct floor *f, struct fbuf *b, uint64_t start);
/* Binds f->o's address, listens, writes --port-file. 0 or a negative
 * libuv error. */
int floor_listen(struct floor *f);

/* bench/floor.c: one whole frame from c (decoded and answered there); the
 * end of the match once every connection has gone. */
void floor_frame(struct fconn *c, const uint8_t *p, size_t len, uint64_t recv);
void floor_check_end(struct floor *f);

/* bench/floor_args.c: the command line into o (defaults filled in): 0 to
 * run, 1 after --help or --version, -EINVAL on a usage error (message
 * printed). The JSON summary on stdout. */
int floor_args(int argc, char **argv, struct floor_opts *o);
void floor_report(const struct floor *f);

#endif
