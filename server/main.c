/* quizd: command line, start-up (store, bank), the event loop, shutdown. */
#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include "audit.h"
#include "bank_cli.h"
#include "bank_stats.h"
#include "contest_cli.h"
#include "errors.h"
#include "bank_csv.h"
#include "cluster.h"
#include "cluster_wire.h"
#include "edge.h"
#include "hub.h"
#include "item.h"
#include "log.h"
#include "net.h"
#include "nlink.h"
#include "practice_srv.h"
#include "repl.h"
#include "results_cli.h"
#include "datadir.h"
#include "server.h"
#include "store.h"

#define DEFAULT_LISTEN "127.0.0.1:7878"
#define DEFAULT_DB     "quizd.db"
/* File descriptors kept free of connections: stdio, the listener, the
 * reserve, the database and its -wal, -shm and temporary files, libuv's
 * epoll, signal and wake-up descriptors, with room to spare. */
#define FD_MARGIN     32
#define STOP_GRACE_MS 1000 /* at shutdown, wait this long for goodbyes */

struct options {
	const char *listen;
	const char *db;
	const char *bank_dir;
	const char *port_file;
	int conns_set; /* --max-conns given: keep it even past the fd limit */
	struct server_config cfg;
	uint32_t db_max_pages; /* 0: no cap */
	uint32_t db_busy_ms;
	uint32_t stall_ms;
	bool durability_full;
	/* a cluster (docs/CLUSTER.md): NULL url, a single quizd */
	const char *nats_url;
	const char *node;
	const char *owner;
	bool edge;
	bool replicate; /* publish the store's batches (docs/CLUSTER.md) */
	bool standby;	/* follow --node's batches, then take its place */
};

static uv_async_t store_async;
static uv_signal_t sig_int, sig_term;
static uv_timer_t stop_timer;
static int64_t stop_deadline;
static struct server *the_server;
static struct nlink *the_link;
static struct cluster *the_cluster;
static struct repl *the_repl;

/* Prints quizd's usage text to f. */
static void usage(FILE *f)
{
	char bank_dir[4096];

	datadir_get(DATADIR_DATA, "bank", bank_dir, sizeof(bank_dir));
	fprintf(
	    f,
	    "Usage: quizd [options]\n"
	    "       quizd bank check FILE|DIR...\n"
	    "       quizd bank import FILE|DIR... [--db PATH]\n"
	    "       quizd bank stats [--db PATH] [--min-n N] [--json] "
	    "[--flagged]\n"
	    "       quizd contest check FILE [--db PATH]\n"
	    "       quizd audit verify --db PATH MATCH...|--all\n"
	    "       quizd audit show --db PATH MATCH\n"
	    "       quizd results list|show MATCH|export MATCH --format "
	    "csv|xlsx ...\n"
	    "       quizd results practice [--team T] [--format "
	    "text|csv|xlsx] ...\n"
	    "\n"
	    "Runs the quiz server: rooms, speed rounds, scoring, storage.\n"
	    "\n"
	    "Options:\n"
	    "  --listen HOST:PORT   address to listen on (default %s;\n"
	    "                       port 0 picks a free port)\n"
	    "  --db PATH            SQLite database, created if missing\n"
	    "                       (default %s)\n"
	    "  --bank DIR           bank imported on first start when the\n"
	    "                       database has no questions (default\n"
	    "                       %s)\n"
	    "  --port-file PATH     write the bound port there once listening\n"
	    "  --max-conns N        connections before SERVER_FULL (default "
	    "20000,\n"
	    "                       lowered to fit the file descriptor "
	    "limit)\n"
	    "  --max-conns-per-addr N  connections from one address (default "
	    "2000)\n"
	    "  --conn-rate-per-addr N  new connections a second from one "
	    "address,\n"
	    "                       after a burst of 20 s worth (default 50; "
	    "0: no\n"
	    "                       limit)\n"
	    "  --max-input-mib N    partial frames buffered, all connections "
	    "(default 64)\n"
	    "  --hello-timeout-ms N Hello must arrive within N ms (default "
	    "5000)\n"
	    "  --frame-timeout-ms N a frame begun must end within N ms "
	    "(default 10000)\n"
	    "  --ping-timeout-ms N  a Ping unanswered for N ms is lost; 3 in a "
	    "row\n"
	    "                       close the connection (default 10000)\n"
	    "  --max-rooms N        live rooms (default 1000, at most "
	    "10000)\n"
	    "  --rooms-per-addr N   live rooms created from one address\n"
	    "                       (default 20)\n"
	    "  --host-key KEY       rooms may be created only with this key\n"
	    "                       (quiz host --host-key KEY)\n"
	    "  --lobby-grace-s N    free the lobby seat of a contestant gone\n"
	    "                       for N seconds (default 30)\n"
	    "  --joins-per-addr N   joins from one address into one room\n"
	    "                       (default 2000)\n"
	    "  --comp-cap-ms N      cap on the one-way delay compensation of\n"
	    "                       the rooms created, 0..1000 (default 150)\n"
	    "  --room-linger-s N    forget a finished room, or one nobody is\n"
	    "                       connected to, after N seconds (default "
	    "300)\n"
	    "  --db-max-pages N     cap the database at N pages (PRAGMA\n"
	    "                       max_page_count; a size cap, as on a small\n"
	    "                       volume)\n"
	    "  --db-busy-ms N       wait N ms for a lock another process "
	    "holds\n"
	    "                       before retrying (default 2000)\n"
	    "  --storage-stall-ms N pause rooms when writes have failed for\n"
	    "                       N ms (default 3000)\n"
	    "  --durability normal|full  normal (default): a commit survives "
	    "a\n"
	    "                       crash of quizd; full: every commit is "
	    "synced\n"
	    "                       to disk and survives a power cut "
	    "(slower)\n"
	    "  --interrupted continue|void  at start, matches left running "
	    "are\n"
	    "                       rebuilt and wait for their host; the "
	    "question\n"
	    "                       open at the stop continues with the time "
	    "it had\n"
	    "                       left (continue, default) or is voided "
	    "(void)\n"
	    "  --utc-offset SECONDS practice: calendar days (day streaks) "
	    "start\n"
	    "                       at local midnight this many seconds east\n"
	    "                       of UTC, -50400..50400 (default: the local\n"
	    "                       time zone's; China 28800)\n"
	    "  --nats URL           join a cluster through the NATS server "
	    "at URL\n"
	    "                       (nats://HOST:PORT): this quizd also "
	    "owns the\n"
	    "                       rooms of contestants that edges relay\n"
	    "                       (docs/CLUSTER.md)\n"
	    "  --node NAME          this node's name in the cluster, "
	    "[A-Za-z0-9_-]\n"
	    "                       (default: the host name)\n"
	    "  --edge               run as an edge: hold contestants' "
	    "sockets and\n"
	    "                       relay them to --owner (no database, no "
	    "bank;\n"
	    "                       needs --nats)\n"
	    "  --owner NAME         the node an edge relays to\n"
	    "  --replicate          publish every committed batch of the "
	    "database\n"
	    "                       to a JetStream stream for a standby "
	    "(needs\n"
	    "                       --nats and nats-server -js; acks wait "
	    "for it)\n"
	    "  --standby            stand by for the owner --node: apply its "
	    "stream\n"
	    "                       to --db, and when it is silent for 3 s "
	    "take\n"
	    "                       its place (listen, serve its edges, "
	    "replicate)\n"
	    "  --log-level LEVEL    error, warn, info (default) or debug\n"
	    "  --help               this text\n"
	    "  --version            print the version\n",
	    DEFAULT_LISTEN, DEFAULT_DB, bank_dir);
}

/* Splits HOST:PORT ([v6]:PORT accepted). Returns 0 or -EINVAL. */
static int parse_listen(const char *s, char *host, size_t cap, int *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;
	size_t n;

	if (!colon)
		return -EINVAL;
	n = (size_t)(colon - s);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= cap)
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || p < 0 || p > 65535)
		return -EINVAL;
	*port = (int)p;
	return 0;
}

static int parse_uint(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > 10000000UL)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* Parses argv; returns 0 to run, 1 to exit 0 (help/version), -1 on error. */
static int parse_args(int argc, char **argv, struct options *o)
{
	enum {
		O_LISTEN = 1,
		O_DB,
		O_BANK,
		O_PORTFILE,
		O_CONNS,
		O_ROOMS,
		O_PERADDR,
		O_CONNRATE,
		O_INPUT,
		O_HELLO_TO,
		O_FRAME_TO,
		O_PING_TO,
		O_LINGER,
		O_LOG,
		O_MAXPAGES,
		O_BUSY,
		O_STALL,
		O_ROOMS_ADDR,
		O_HOST_KEY,
		O_GRACE,
		O_JOINS_ADDR,
		O_COMP_CAP,
		O_DURABILITY,
		O_INTERRUPTED,
		O_UTC_OFFSET,
		O_NATS,
		O_NODE,
		O_EDGE,
		O_OWNER,
		O_REPLICATE,
		O_STANDBY,
		O_HELP,
		O_VERSION
	};
	static const struct option longs[] = {
	    {"listen", required_argument, NULL, O_LISTEN},
	    {"db", required_argument, NULL, O_DB},
	    {"bank", required_argument, NULL, O_BANK},
	    {"port-file", required_argument, NULL, O_PORTFILE},
	    {"max-conns", required_argument, NULL, O_CONNS},
	    {"max-rooms", required_argument, NULL, O_ROOMS},
	    {"max-conns-per-addr", required_argument, NULL, O_PERADDR},
	    {"conn-rate-per-addr", required_argument, NULL, O_CONNRATE},
	    {"max-input-mib", required_argument, NULL, O_INPUT},
	    {"hello-timeout-ms", required_argument, NULL, O_HELLO_TO},
	    {"frame-timeout-ms", required_argument, NULL, O_FRAME_TO},
	    {"ping-timeout-ms", required_argument, NULL, O_PING_TO},
	    {"room-linger-s", required_argument, NULL, O_LINGER},
	    {"log-level", required_argument, NULL, O_LOG},
	    {"db-max-pages", required_argument, NULL, O_MAXPAGES},
	    {"db-busy-ms", required_argument, NULL, O_BUSY},
	    {"storage-stall-ms", required_argument, NULL, O_STALL},
	    {"rooms-per-addr", required_argument, NULL, O_ROOMS_ADDR},
	    {"host-key", required_argument, NULL, O_HOST_KEY},
	    {"lobby-grace-s", required_argument, NULL, O_GRACE},
	    {"joins-per-addr", required_argument, NULL, O_JOINS_ADDR},
	    {"comp-cap-ms", required_argument, NULL, O_COMP_CAP},
	    {"durability", required_argument, NULL, O_DURABILITY},
	    {"interrupted", required_argument, NULL, O_INTERRUPTED},
	    {"utc-offset", required_argument, NULL, O_UTC_OFFSET},
	    {"nats", required_argument, NULL, O_NATS},
	    {"node", required_argument, NULL, O_NODE},
	    {"edge", no_argument, NULL, O_EDGE},
	    {"owner", required_argument, NULL, O_OWNER},
	    {"replicate", no_argument, NULL, O_REPLICATE},
	    {"standby", no_argument, NULL, O_STANDBY},
	    {"help", no_argument, NULL, O_HELP},
	    {"version", no_argument, NULL, O_VERSION},
	    {NULL, 0, NULL, 0},
	};
	int c, lvl;
	uint32_t v;

	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case O_LISTEN:
			o->listen = optarg;
			break;
		case O_DB:
			o->db = optarg;
			break;
		case O_BANK:
			o->bank_dir = optarg;
			break;
		case O_PORTFILE:
			o->port_file = optarg;
			break;
		case O_CONNS:
			if (parse_uint(optarg, &o->cfg.max_conns) < 0)
				goto bad;
			o->conns_set = 1;
			break;
		case O_PERADDR:
			if (parse_uint(optarg, &o->cfg.max_conns_per_addr) < 0)
				goto bad;
			break;
		case O_CONNRATE: /* 0 is allowed: no limit */
			if (strcmp(optarg, "0") == 0)
				o->cfg.conn_rate_per_addr = 0;
			else if (parse_uint(optarg,
					    &o->cfg.conn_rate_per_addr) < 0 ||
				 o->cfg.conn_rate_per_addr > 1000000)
				goto bad;
			break;
		case O_INPUT:
			if (parse_uint(optarg, &v) < 0 || v > 1u << 20)
				goto bad;
			o->cfg.max_in_bytes = (size_t)v << 20;
			break;
		case O_HELLO_TO:
			if (parse_uint(optarg, &o->cfg.hello_timeout_ms) < 0)
				goto bad;
			break;
		case O_FRAME_TO:
			if (parse_uint(optarg, &o->cfg.frame_timeout_ms) < 0)
				goto bad;
			break;
		case O_PING_TO:
			if (parse_uint(optarg, &o->cfg.ping_timeout_ms) < 0)
				goto bad;
			break;
		case O_ROOMS:
			if (parse_uint(optarg, &o->cfg.max_rooms) < 0)
				goto bad;
			break;
		case O_LINGER:
			if (parse_uint(optarg, &o->cfg.room_linger_s) < 0)
				goto bad;
			break;
		case O_ROOMS_ADDR:
			if (parse_uint(optarg, &o->cfg.rooms_per_addr) < 0)
				goto bad;
			break;
		case O_HOST_KEY:
			if (!optarg[0] || strlen(optarg) > 64)
				goto bad;
			o->cfg.host_key = optarg;
			break;
		case O_GRACE:
			if (parse_uint(optarg, &o->cfg.lobby_grace_s) < 0)
				goto bad;
			break;
		case O_JOINS_ADDR:
			if (parse_uint(optarg, &o->cfg.joins_per_addr) < 0)
				goto bad;
			break;
		case O_COMP_CAP: /* 0 is allowed: no compensation */
			if (strcmp(optarg, "0") == 0)
				v = 0;
			else if (parse_uint(optarg, &v) < 0 || v > 1000)
				goto bad;
			o->cfg.comp_cap_us = (int64_t)v * 1000;
			break;
		case O_DURABILITY:
			if (strcmp(optarg, "normal") == 0)
				o->durability_full = false;
			else if (strcmp(optarg, "full") == 0)
				o->durability_full = true;
			else
				goto bad;
			break;
		case O_INTERRUPTED:
			if (strcmp(optarg, "continue") == 0)
				o->cfg.void_interrupted = false;
			else if (strcmp(optarg, "void") == 0)
				o->cfg.void_interrupted = true;
			else
				goto bad;
			break;
		case O_UTC_OFFSET: {
			char *end;
			long off;

			errno = 0;
			off = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg ||
			    off < -PRACTICE_SRV_OFFSET_MAX ||
			    off > PRACTICE_SRV_OFFSET_MAX)
				goto bad;
			o->cfg.utc_offset_s = (int32_t)off;
			break;
		}
		case O_NATS:
			if (strncmp(optarg, "nats://", 7) != 0 || !optarg[7])
				goto bad;
			o->nats_url = optarg;
			break;
		case O_NODE:
			if (!cluster_name_ok(optarg))
				goto bad;
			o->node = optarg;
			break;
		case O_EDGE:
			o->edge = true;
			break;
		case O_OWNER:
			if (!cluster_name_ok(optarg))
				goto bad;
			o->owner = optarg;
			break;
		case O_REPLICATE:
			o->replicate = true;
			break;
		case O_STANDBY:
			o->standby = true;
			break;
		case O_LOG:
			lvl = log_parse_level(optarg);
			if (lvl < 0)
				goto bad;
			log_set_level((enum log_level)lvl);
			break;
		case O_MAXPAGES:
			if (parse_uint(optarg, &o->db_max_pages) < 0)
				goto bad;
			break;
		case O_BUSY:
			if (parse_uint(optarg, &o->db_busy_ms) < 0)
				goto bad;
			break;
		case O_STALL:
			if (parse_uint(optarg, &o->stall_ms) < 0)
				goto bad;
			break;
		case O_HELP:
			usage(stdout);
			return 1;
		case O_VERSION:
			printf("quizd %s (protocol 1, schema %d)\n",
			       QUIZ_VERSION, store_schema_version());
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (o->cfg.max_rooms > HUB_ROOMS_MAX) {
		/* codes must stay sparse: see PROTOCOL.md, room codes */
		fprintf(stderr, "quizd: --max-rooms %u clamped to %u\n",
			o->cfg.max_rooms, HUB_ROOMS_MAX);
		o->cfg.max_rooms = HUB_ROOMS_MAX;
	}
	if ((o->edge || o->node || o->owner || o->replicate || o->standby) &&
	    !o->nats_url) {
		fprintf(stderr, "quizd: --edge, --node, --owner, --replicate "
				"and --standby need --nats URL\n");
		return -1;
	}
	if (o->standby && !o->node) {
		fprintf(stderr, "quizd: --standby needs --node NAME, the owner "
				"it stands by for\n");
		return -1;
	}
	if (o->edge && (o->replicate || o->standby)) {
		fprintf(stderr, "quizd: an edge has no database to replicate "
				"or follow\n");
		return -1;
	}
	if (o->edge != (o->owner != NULL)) {
		fprintf(stderr, "quizd: an edge needs --owner NAME, and only "
				"an edge takes it\n");
		return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "quizd: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return -1;
	}
	return 0;
bad:
	fprintf(stderr, "quizd: bad value '%s' for --%s\n", optarg,
		longs[c - 1].name);
	return -1;
}

static void on_store_async(uv_async_t *a)
{
	(void)a;
	if (the_server) {
		net_mark(the_server->net);
		hub_store_ready(the_server->hub);
	}
}

/* Called on the writer thread: wake the loop. */
static void store_wake(void *arg)
{
	(void)arg;
	uv_async_send(&store_async);
}

/* Closes the server and the loop's own handles: uv_run then returns. */
static void stop_now(void)
{
	if (the_cluster) {
		cluster_owner_close(the_cluster);
		the_cluster = NULL;
	}
	if (the_link) {
		nlink_close(the_link);
		the_link = NULL;
	}
	server_close(the_server);
	uv_close((uv_handle_t *)&stop_timer, NULL);
	uv_close((uv_handle_t *)&store_async, NULL);
}

/* Waits (bounded) for the goodbyes to be written and the peers gone. */
static void on_stop_timer(uv_timer_t *t)
{
	(void)t;
	if (the_server->nsessions == 0 || net_now_us() >= stop_deadline)
		stop_now();
}

static void on_signal(uv_signal_t *h, int signum)
{
	(void)h;
	log_info("main", "signal %d: shutting down", signum);
	uv_signal_stop(&sig_int);
	uv_signal_stop(&sig_term);
	uv_close((uv_handle_t *)&sig_int, NULL);
	uv_close((uv_handle_t *)&sig_term, NULL);
	server_shutdown(the_server);
	stop_deadline = net_now_us() + STOP_GRACE_MS * 1000LL;
	uv_timer_start(&stop_timer, on_stop_timer, 0, 20);
}

/* Raises the soft fd limit to the hard one and fits max-conns under it,
 * FD_MARGIN below, so that SERVER_FULL can always be sent: each
 * connection takes one descriptor. An explicit --max-conns past the limit
 * is kept, with a warning (peers then refused at the limit itself still
 * get SERVER_FULL, through net's reserve descriptor). */
static void fit_fd_limit(struct options *o)
{
	struct rlimit rl;
	unsigned long long room;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit want = rl;

		/* Linux refuses an infinite NOFILE; ask for what it allows */
		if (want.rlim_max == RLIM_INFINITY)
			want.rlim_max = 1u << 20;
		want.rlim_cur = want.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			rl = want;
	}
	room = rl.rlim_cur > FD_MARGIN ? rl.rlim_cur - FD_MARGIN : 1;
	if (o->conns_set && o->cfg.max_conns > room)
		log_warn("main",
			 "--max-conns %u is above what the fd limit %llu "
			 "allows (%llu)",
			 o->cfg.max_conns, (unsigned long long)rl.rlim_cur,
			 room);
	else if (o->cfg.max_conns > room)
		o->cfg.max_conns = (uint32_t)room;
	log_info("main", "fd limit %llu: max-conns %u, per address %u",
		 (unsigned long long)rl.rlim_cur, o->cfg.max_conns,
		 o->cfg.max_conns_per_addr);
}

/* Loads a bank from a CSV file or a directory of them, printing errors. */
static int load_bank(const char *path, struct bank *b)
{
	struct bank_errors errs = {0};
	int r;

	r = bank_csv_load_path(path, b, &errs);
	bank_errors_print(&errs, stderr);
	bank_errors_clear(&errs);
	return r;
}

/* `quizd bank import FILE|DIR... [--db PATH]`. */
static int bank_import_main(int argc, char **argv)
{
	const char *db = DEFAULT_DB;
	struct bank *b = bank_new();
	struct store *st;
	char *err = NULL;
	int i, n, bad = 0, files = 0;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf(
			    "Usage: quizd bank import FILE|DIR... [--db PATH]\n"
			    "Checks the bank files, then inserts or updates "
			    "their "
			    "items (by id) in the database.\n");
			bank_free(b);
			return 0;
		}
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			db = argv[++i];
			continue;
		}
		files++;
		if (load_bank(argv[i], b) < 0)
			bad = 1;
	}
	if (!files || bad) {
		if (!files)
			fprintf(stderr, "Usage: quizd bank import FILE|DIR... "
					"[--db PATH]\n");
		else
			fprintf(stderr,
				"quizd: bank has errors; nothing imported\n");
		bank_free(b);
		return files ? 1 : 2;
	}
	st = store_open(db, NULL, NULL, &err);
	if (!st) {
		fprintf(stderr, "quizd: %s: %s\n", db,
			err ? err : "cannot open");
		free(err);
		bank_free(b);
		return 1;
	}
	n = store_import_bank(st, b);
	store_close(st);
	bank_free(b);
	if (n < 0) {
		fprintf(stderr, "quizd: import failed\n");
		return 1;
	}
	printf("imported %d items into %s\n", n, db);
	return 0;
}

/* Fixes glibc's mmap threshold at its default (128 KiB). Left dynamic,
 * glibc raises it to the size of any mmap'd block freed (the bank file
 * read at start-up: megabytes), and from then on the seat and player
 * arrays that double as a room fills are copied inside the heap, leaving
 * their old copies resident; mmap'd, they grow by mremap and the pages
 * not yet used cost nothing (docs/BENCHMARKS.md, "Memory per
 * contestant"). */
static void server_malloc_setup(void)
{
#ifdef __GLIBC__
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

/* Opens the database with the options' settings; NULL after printing
 * why not. */
static struct store *open_store(struct options *o)
{
	struct store *st;
	char *err = NULL;

	st = store_open(o->db, store_wake, NULL, &err);
	if (!st) {
		fprintf(stderr, "quizd: %s: %s\n", o->db,
			err ? err : "cannot open");
		free(err);
		return NULL;
	}
	if (o->db_max_pages)
		store_set_max_pages(st, o->db_max_pages);
	if (o->db_busy_ms)
		store_set_busy_ms(st, (int)o->db_busy_ms);
	if (o->stall_ms)
		store_set_stall_ms(st, (int)o->stall_ms);
	store_set_durability(st, o->durability_full);
	return st;
}

static volatile sig_atomic_t follow_stop;

static void on_follow_signal(int signum)
{
	(void)signum;
	follow_stop = 1;
}

/* quizd --standby: applies the owner's stream to the database until the
 * owner is silent and the stream is claimed (then the database is
 * reopened: quizd goes on as that owner restarting on it). 1 claimed, 0
 * stopped by a signal, -1 failed. */
static int standby_follow(struct options *o, struct store **st)
{
	struct sigaction sa, old_int, old_term;
	uint64_t lost;
	int64_t r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_follow_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	r = repl_follow(the_repl, *st, &follow_stop);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	/* an operation the replica could not write failed for good (each
	 * was logged as it came): the takeover goes on without it */
	lost = store_close(*st);
	if (lost)
		log_error("repl",
			  "%s: %llu replicated write(s) could not be "
			  "written here",
			  o->db, (unsigned long long)lost);
	*st = r > 0 ? open_store(o) : NULL;
	if (r > 0 && !*st)
		return -1;
	return r > 0 ? 1 : (int)r;
}

static int run_server(struct options *o)
{
	char host[256];
	struct bank *bank = bank_new();
	struct store *st = NULL;
	uv_loop_t *loop = uv_default_loop();
	int port, bound = 0, r, rc = 1, rebuilt;
	uint32_t failed;
	uint64_t lost;
	int64_t have;

	server_malloc_setup();
	if (parse_listen(o->listen, host, sizeof(host), &port) < 0) {
		fprintf(stderr, "quizd: --listen wants HOST:PORT, got '%s'\n",
			o->listen);
		goto out;
	}
	uv_async_init(loop, &store_async, on_store_async);
	st = open_store(o);
	if (!st) {
		uv_close((uv_handle_t *)&store_async, NULL);
		uv_run(loop, UV_RUN_DEFAULT);
		goto out;
	}
	have = store_question_count(st);
	if (have == 0) {
		struct bank *seed = bank_new();

		if (load_bank(o->bank_dir, seed) < 0 ||
		    store_import_bank(st, seed) < 0) {
			fprintf(stderr, "quizd: cannot import the bank %s\n",
				o->bank_dir);
			bank_free(seed);
			goto out_store;
		}
		log_info("main", "first start: imported %zu questions from %s",
			 seed->n, o->bank_dir);
		bank_free(seed);
	}
	if (o->replicate || o->standby) {
		char rerr[512];

		the_repl = repl_open(o->nats_url, o->node, rerr, sizeof(rerr));
		if (!the_repl) {
			fprintf(stderr, "quizd: replication: %s\n", rerr);
			goto out_store;
		}
		if (o->standby) {
			r = standby_follow(o, &st);
			if (r <= 0) {
				rc = r < 0;
				goto out_store;
			}
		}
		if (repl_owner_start(the_repl, st, rerr, sizeof(rerr)) < 0) {
			fprintf(stderr, "quizd: replication: %s\n", rerr);
			goto out_store;
		}
	}
	if (store_load_bank(st, bank) < 0 || bank->n == 0) {
		fprintf(stderr, "quizd: no questions in %s\n", o->db);
		goto out_store;
	}
	fit_fd_limit(o);
	the_server = server_new(loop, &o->cfg, st, bank);
	/* unfinished matches come back under their codes before anyone can
	 * connect (docs/PROTOCOL.md, "Restart") */
	rebuilt = hub_rebuild(the_server->hub, &failed);
	/* every person's practice state, in memory for the whole run */
	if (practice_srv_load(the_server->practice) < 0) {
		fprintf(stderr, "quizd: cannot load the practice state of %s\n",
			o->db);
		server_close(the_server);
		uv_close((uv_handle_t *)&store_async, NULL);
		uv_run(loop, UV_RUN_DEFAULT);
		goto out_server;
	}
	if (failed)
		log_error("main",
			  "%u unfinished match(es) could not be rebuilt",
			  (unsigned)failed);
	r = server_listen(the_server, host, port, &bound);
	if (r < 0) {
		fprintf(stderr, "quizd: cannot listen on %s: %s\n", o->listen,
			uv_strerror(r));
		server_close(the_server);
		uv_close((uv_handle_t *)&store_async, NULL);
		uv_run(loop, UV_RUN_DEFAULT);
		goto out_server;
	}
	if (o->port_file) {
		FILE *f = fopen(o->port_file, "w");

		if (f) {
			fprintf(f, "%d\n", bound);
			fclose(f);
		}
	}
	if (o->nats_url) {
		char nerr[256];

		the_link = nlink_open(loop, o->nats_url, o->node, NULL, NULL,
				      nerr, sizeof(nerr));
		if (the_link)
			the_cluster =
			    cluster_owner_new(the_server, the_link, o->node);
		if (!the_cluster) {
			fprintf(stderr, "quizd: cannot join the cluster: %s\n",
				the_link ? "subscription refused" : nerr);
			if (the_link)
				nlink_close(the_link);
			the_link = NULL;
			server_close(the_server);
			uv_close((uv_handle_t *)&store_async, NULL);
			uv_run(loop, UV_RUN_DEFAULT);
			goto out_server;
		}
	}
	uv_timer_init(loop, &stop_timer);
	uv_signal_init(loop, &sig_int);
	uv_signal_init(loop, &sig_term);
	uv_signal_start(&sig_int, on_signal, SIGINT);
	uv_signal_start(&sig_term, on_signal, SIGTERM);
	log_info("main",
		 "quizd %s listening on %s:%d, %zu questions, db %s, %d "
		 "match(es) rebuilt",
		 QUIZ_VERSION, host, bound, bank->n, o->db, rebuilt);
	uv_run(loop, UV_RUN_DEFAULT);
	rc = 0;
out_server:
	/* commits what is still queued (bounded retries), joins the writer */
	lost = store_close(st);
	st = NULL;
	if (lost) {
		fprintf(stderr,
			"quizd: %llu write%s to %s could not be committed and"
			" %s lost (see the store: lines above)\n",
			(unsigned long long)lost, lost == 1 ? "" : "s", o->db,
			lost == 1 ? "is" : "are");
		rc = 1;
	}
	server_free(the_server);
	the_server = NULL;
out_store:
	store_close(st);
	/* after the writer, which may be publishing */
	repl_close(the_repl);
	the_repl = NULL;
	if (!uv_is_closing((uv_handle_t *)&store_async))
		uv_close((uv_handle_t *)&store_async, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	if (rc == 0)
		log_info("main", "stopped cleanly");
out:
	uv_loop_close(loop);
	bank_free(bank);
	return rc;
}

/* quizd --edge: no database, no bank; the cluster's owner has them. */
static int run_edge(struct options *o)
{
	struct edge_options eo = {0};
	char host[256];

	if (parse_listen(o->listen, host, sizeof(host), &eo.listen_port) < 0) {
		fprintf(stderr, "quizd: --listen wants HOST:PORT, got '%s'\n",
			o->listen);
		return 1;
	}
	fit_fd_limit(o);
	eo.listen_host = host;
	eo.port_file = o->port_file;
	eo.nats_url = o->nats_url;
	eo.node = o->node;
	eo.owner = o->owner;
	eo.cfg = o->cfg;
	return edge_run(&eo);
}

int main(int argc, char **argv)
{
	char default_bank[4096], node[CW_NAME_MAX + 2] = "";
	struct options o = {
	    .listen = DEFAULT_LISTEN,
	    .db = DEFAULT_DB,
	    .bank_dir = default_bank,
	};
	int r;

	datadir_get(DATADIR_DATA, "bank", default_bank, sizeof(default_bank));
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 2 && strcmp(argv[1], "bank") == 0) {
		if (argc >= 3 && strcmp(argv[2], "check") == 0)
			return bank_cli_check(argc - 2, argv + 2);
		if (argc >= 3 && strcmp(argv[2], "import") == 0)
			return bank_import_main(argc - 3, argv + 3);
		if (argc >= 3 && strcmp(argv[2], "stats") == 0)
			return bank_stats_cli(argc - 2, argv + 2, DEFAULT_DB);
		fprintf(stderr,
			"Usage: quizd bank check|import FILE|DIR...\n"
			"       quizd bank stats [--db PATH] [--min-n N] "
			"[--json] [--flagged]\n");
		return 2;
	}
	if (argc >= 2 && strcmp(argv[1], "contest") == 0)
		return contest_cli(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "audit") == 0)
		return audit_cli(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "results") == 0)
		return results_cli(argc - 2, argv + 2);
	server_config_default(&o.cfg);
	r = parse_args(argc, argv, &o);
	if (r)
		return r > 0 ? 0 : 2;
	if (o.nats_url && !o.node) {
		if (gethostname(node, sizeof(node) - 1) < 0 ||
		    !cluster_name_ok(node)) {
			fprintf(stderr, "quizd: the host name is no node name: "
					"give --node NAME\n");
			return 2;
		}
		o.node = node;
	}
	if (o.edge)
		return run_edge(&o);
	return run_server(&o);
}
