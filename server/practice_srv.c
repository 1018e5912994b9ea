/* Practice on quizd: see practice_srv.h. Persons live here for the whole
 * run (one practice_set each, parallel to the bank: about 40 bytes per
 * bank item and person); a practising connection holds a refcounted
 * struct pconn, and so does each reply waiting for a commit, so a
 * connection that closes before its commit is never touched afterwards.
 * The replies are packed by server/push_practice.c. */
#include "practice_srv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "fmt_practice.h"
#include "hub_int.h"
#include "log.h"
#include "practice.h"
#include "push.h"
#include "store.h"
#include "text.h"
#include "tokenhash.h"
#include "xalloc.h"

#define MEMBERS_MAX 200 /* PracticeStats.members */

/* A person: a nickname and a team, named by the hash of a token. */
struct person {
	uint64_t id;
	char *nickname, *team; /* team "" none */
	char hash[TOKEN_HASH_HEX + 1];
	struct practice_set *set;
	struct person *next_dropped; /* on practice_srv.dropped */
};

/* A practising connection: the person, the current sitting. Referenced by
 * the session (ss->practice) and by each pending reply; ss is cleared when
 * the connection closes. */
struct pconn {
	struct practice_srv *ps;
	struct session *ss;
	unsigned refs;
	struct person *person;
	char token[QUIZ_TOKEN_INPUT_MAX + 1]; /* as the person sent or got it */
	uint64_t sitting;
	struct fmt_practice fp; /* not copied: its filter points into it */
};

/* A reply waiting for its commit (struct pending.practice). */
struct practice_pend {
	bool result; /* PracticeResult; else PracticeReady of a new person */
	struct pconn *pc;
	uint32_t seq;
	uint64_t sitting;
	struct fmt_practice_result res;
	struct room_question rq; /* the question as shown */
	uint32_t review;	 /* the 错题本 (filtered) after the answer */
};

struct practice_srv {
	struct server *srv;
	struct person **p; /* ids ascending */
	size_t n, cap;
	/* open addressing: index + 1 into p, 0 empty; hcap a power of 2 */
	uint32_t *by_hash, *by_name;
	size_t hcap;
	uint64_t max_person, max_sitting;
	const char **cats; /* the bank's categories, first appearance */
	size_t ncats;
	/* persons whose registration was lost: out of p and the tables,
	 * freed with the registry (a pending reply may still name one) */
	struct person *dropped;
};

/* Wall-clock µs (the schedule's clock: docs/PRACTICE.md). */
static int64_t wall_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The hash of (nickname, team), text_hash of each combined. */
static uint32_t name_key(const char *nick, const char *team)
{
	return text_hash(nick) * 16777619u ^ text_hash(team);
}

/* Puts index + 1 under key into a table of cap slots. */
static void slot_put(uint32_t *t, size_t cap, uint32_t key, uint32_t v)
{
	size_t i = (size_t)key & (cap - 1);

	while (t[i])
		i = (i + 1) & (cap - 1);
	t[i] = v;
}

/* Puts person i into both tables. */
static void slot_person(struct practice_srv *ps, size_t i)
{
	slot_put(ps->by_hash, ps->hcap, text_hash(ps->p[i]->hash),
		 (uint32_t)i + 1);
	slot_put(ps->by_name, ps->hcap,
		 name_key(ps->p[i]->nickname, ps->p[i]->team), (uint32_t)i + 1);
}

/* Indexes person i in both tables, growing them past half full. */
static void index_person(struct practice_srv *ps, size_t i)
{
	size_t j;

	if (2 * ps->n > ps->hcap) {
		size_t cap = ps->hcap ? ps->hcap : 64;

		while (2 * ps->n > cap)
			cap *= 2;
		free(ps->by_hash);
		free(ps->by_name);
		ps->by_hash = xcalloc(cap, sizeof(*ps->by_hash));
		ps->by_name = xcalloc(cap, sizeof(*ps->by_name));
		ps->hcap = cap;
		for (j = 0; j < ps->n; j++)
			slot_person(ps, j);
		return;
	}
	slot_person(ps, i);
}

/* Takes a person whose registration the store lost out of the registry:
 * the name is free again, the person on no board, the token unknown. The
 * tables are rebuilt (a rare failure path, O(persons)). */
static void person_drop(struct practice_srv *ps, struct person *p)
{
	size_t i;

	for (i = 0; i < ps->n && ps->p[i] != p; i++)
		;
	if (i == ps->n)
		return;
	memmove(&ps->p[i], &ps->p[i + 1], (ps->n - i - 1) * sizeof(*ps->p));
	ps->n--;
	memset(ps->by_hash, 0, ps->hcap * sizeof(*ps->by_hash));
	memset(ps->by_name, 0, ps->hcap * sizeof(*ps->by_name));
	for (i = 0; i < ps->n; i++)
		slot_person(ps, i);
	p->next_dropped = ps->dropped;
	ps->dropped = p;
}

/* The person whose token has this hash, or NULL. The hashes are compared
 * in constant time, as the resume tokens' (server/seats.c). */
static struct person *find_by_hash(const struct practice_srv *ps,
				   const char *hash)
{
	size_t i;

	if (!ps->hcap)
		return NULL;
	for (i = text_hash(hash) & (ps->hcap - 1); ps->by_hash[i];
	     i = (i + 1) & (ps->hcap - 1))
		if (text_secret_eq(hash, ps->p[ps->by_hash[i] - 1]->hash))
			return ps->p[ps->by_hash[i] - 1];
	return NULL;
}

/* The person of (nickname, team), or NULL. */
static struct person *find_by_name(const struct practice_srv *ps,
				   const char *nick, const char *team)
{
	size_t i;

	if (!ps->hcap)
		return NULL;
	for (i = name_key(nick, team) & (ps->hcap - 1); ps->by_name[i];
	     i = (i + 1) & (ps->hcap - 1)) {
		const struct person *p = ps->p[ps->by_name[i] - 1];

		if (strcmp(p->nickname, nick) == 0 &&
		    strcmp(p->team, team) == 0)
			return ps->p[ps->by_name[i] - 1];
	}
	return NULL;
}

/* A new person in the registry (every item new). */
static struct person *person_add(struct practice_srv *ps, uint64_t id,
				 const char *nick, const char *team,
				 const char *hash)
{
	struct person *p = xcalloc(1, sizeof(*p));

	p->id = id;
	p->nickname = xstrdup(nick);
	p->team = xstrdup(team ? team : "");
	snprintf(p->hash, sizeof(p->hash), "%s", hash);
	p->set = practice_set_new(ps->srv->bank, ps->srv->cfg.utc_offset_s);
	if (!p->set) { /* as xalloc: out of memory is not survivable */
		log_error("practice", "out of memory");
		abort();
	}
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 64;
		ps->p = xrealloc(ps->p, ps->cap * sizeof(*ps->p));
	}
	ps->p[ps->n++] = p;
	index_person(ps, ps->n - 1);
	if (id > ps->max_person)
		ps->max_person = id;
	return p;
}

struct practice_srv *practice_srv_new(struct server *srv)
{
	struct practice_srv *ps = xcalloc(1, sizeof(*ps));
	const struct bank *b = srv->bank;
	size_t i, j;

	ps->srv = srv;
	ps->cats = xcalloc(b->n ? b->n : 1, sizeof(*ps->cats));
	for (i = 0; i < b->n; i++) {
		const char *c = b->items[i].category;

		if (!c || !c[0])
			continue;
		for (j = 0; j < ps->ncats && strcmp(ps->cats[j], c); j++)
			;
		if (j == ps->ncats)
			ps->cats[ps->ncats++] = c;
	}
	return ps;
}

int practice_srv_load(struct practice_srv *ps)
{
	struct store_practice sp;
	size_t i, j, states = 0, gone = 0, bad = 0, badp = 0;
	int r;

	memset(&sp, 0, sizeof(sp));
	if ((r = store_load_practice(ps->srv->store, &sp)) < 0) {
		log_error("practice", "cannot load practice state: %s",
			  quiz_strerror(r));
		return r;
	}
	for (i = 0; i < sp.npersons; i++) {
		const struct store_person_row *row = &sp.persons[i];
		struct person *p = person_add(ps, row->id, row->nickname,
					      row->team, row->token_hash);

		if (!row->state ||
		    practice_person_parse(row->state, &p->set->person) < 0)
			badp++;
		for (j = 0; j < row->nitems; j++) {
			r = practice_set_load(p->set, row->items[j].item_id,
					      row->items[j].state);
			if (r == -ENOENT)
				gone++;
			else if (r < 0)
				bad++;
			else
				states++;
		}
	}
	if (sp.max_person > ps->max_person)
		ps->max_person = sp.max_person;
	ps->max_sitting = sp.max_sitting;
	store_practice_free(&sp);
	log_info("practice",
		 "%zu person(s), %zu item state(s) loaded; skipped %zu of "
		 "items no longer in the bank, %zu unreadable; %zu person "
		 "total(s) unreadable (started again at 0)",
		 ps->n, states, gone, bad, badp);
	return 0;
}

/* Drops one reference to a practising connection. */
static void pconn_unref(struct pconn *pc)
{
	if (--pc->refs == 0)
		free(pc);
}

/* Frees a person. */
static void person_free(struct person *p)
{
	practice_set_free(p->set);
	free(p->nickname);
	free(p->team);
	free(p);
}

void practice_srv_free(struct practice_srv *ps)
{
	struct person *d;
	size_t i;

	if (!ps)
		return;
	for (i = 0; i < ps->n; i++)
		person_free(ps->p[i]);
	while ((d = ps->dropped)) {
		ps->dropped = d->next_dropped;
		person_free(d);
	}
	free(ps->p);
	free(ps->by_hash);
	free(ps->by_name);
	free(ps->cats);
	free(ps);
}

int32_t practice_srv_local_offset(void)
{
	time_t now = time(NULL), back;
	struct tm g;
	double d;

	if (!gmtime_r(&now, &g))
		return 0;
	g.tm_isdst = -1; /* UTC's fields read as local time */
	back = mktime(&g);
	if (back == (time_t)-1)
		return 0;
	d = difftime(now, back);
	return d < -PRACTICE_SRV_OFFSET_MAX || d > PRACTICE_SRV_OFFSET_MAX
		   ? 0
		   : (int32_t)d;
}

size_t practice_srv_persons(const struct practice_srv *ps)
{
	return ps->n;
}

/* Queues a reply that waits for the store operation given token. */
static void pend_push(struct server *srv, uint64_t token,
		      struct practice_pend *pp)
{
	struct pending p;

	memset(&p, 0, sizeof(p));
	p.token = token;
	p.kind = PEND_PRACTICE;
	p.practice = pp;
	pp->pc->refs++;
	hub_pend_push(srv->hub, &p);
}

/* PracticeReady to the connection. */
static void send_ready(struct practice_srv *ps, struct pconn *pc, bool created,
		       uint32_t seq)
{
	struct push_practice_ready r;

	memset(&r, 0, sizeof(r));
	fmt_practice_counts(&pc->fp, wall_now_us(), &r.counts);
	r.person_id = pc->person->id;
	r.token = pc->token;
	r.nickname = pc->person->nickname;
	r.team = pc->person->team;
	r.created = created;
	r.sitting = pc->sitting;
	r.categories = ps->cats;
	r.ncategories = ps->ncats;
	push_practice_ready(pc->ss, &r, seq);
}

/* Registers a new person (its persons row is queued with notify). */
static int person_create(struct practice_srv *ps, const char *nick,
			 const char *team, char token[QUIZ_TOKEN_BUF],
			 uint64_t notify, struct person **out)
{
	char hash[TOKEN_HASH_HEX + 1];
	struct store_person row;

	if (!text_valid_name(nick, QUIZ_NAME_MAX) ||
	    (team[0] && !text_valid_name(team, QUIZ_TEAM_MAX)))
		return -QE_BAD_MESSAGE;
	if (find_by_name(ps, nick, team))
		return -QE_NAME_TAKEN;
	server_random_hex(token, QUIZ_TOKEN_HEX / 2);
	token_hash_hex(token, hash);
	*out = person_add(ps, ps->max_person + 1, nick, team, hash);
	memset(&row, 0, sizeof(row));
	row.id = (*out)->id;
	row.nickname = (*out)->nickname;
	row.team = (*out)->team;
	row.token_hash = (*out)->hash;
	row.created_unix_us = wall_now_us();
	store_person(ps->srv->store, &row, notify);
	return 0;
}

int practice_srv_start(struct practice_srv *ps, struct session *ss,
		       const struct practice_srv_start *req, uint32_t seq)
{
	struct store *st = ps->srv->store;
	struct fmt_practice_cfg cfg;
	struct fmt_practice probe;
	struct store_sitting sit;
	struct person *p = NULL;
	char token[QUIZ_TOKEN_INPUT_MAX + 1] = "";
	uint64_t notify = 0;
	struct pconn *pc;
	int r;

	if (ss->room)
		return -QE_BAD_STATE;
	memset(&cfg, 0, sizeof(cfg));
	server_random(&cfg.seed, sizeof(cfg.seed));
	cfg.mode = (enum practice_mode)req->mode;
	cfg.category = req->category;
	cfg.kinds = req->kinds;
	cfg.time_limit_us = (int64_t)req->time_limit_ms * 1000;
	cfg.max_new = req->max_new;
	cfg.grace_us = ps->srv->cfg.comp_cap_us;
	if ((r = fmt_practice_init(&probe, NULL, &cfg)) < 0)
		return r;
	if (!store_accepting(st))
		return -QE_STORAGE_UNAVAILABLE;
	if (ss->practice) {
		p = ss->practice->person; /* a new sitting, the same person */
	} else if (req->token[0]) {
		char hash[TOKEN_HASH_HEX + 1];

		token_hash_hex(req->token, hash);
		if (!(p = find_by_hash(ps, hash)))
			return -QE_WRONG_PIN;
		snprintf(token, sizeof(token), "%s", req->token);
	} else {
		notify = ++ps->srv->hub->next_token;
		if ((r = person_create(ps, req->nickname, req->team, token,
				       notify, &p)) < 0)
			return r;
		log_info(conn_tag(ss->conn), "practice: person %llu created",
			 (unsigned long long)p->id);
	}
	if (!(pc = ss->practice)) {
		pc = xcalloc(1, sizeof(*pc));
		pc->ps = ps;
		pc->ss = ss;
		pc->refs = 1;
		pc->person = p;
		snprintf(pc->token, sizeof(pc->token), "%s", token);
		ss->practice = pc;
	}
	pc->sitting = ++ps->max_sitting;
	r = fmt_practice_init(&pc->fp, p->set, &cfg);
	if (r < 0) /* checked above */
		return r;
	memset(&sit, 0, sizeof(sit));
	sit.id = pc->sitting;
	sit.person = p->id;
	sit.started_unix_us = wall_now_us();
	sit.seed = cfg.seed;
	sit.mode = (int)cfg.mode;
	sit.category = req->category;
	sit.kinds = req->kinds;
	sit.time_limit_ms = req->time_limit_ms;
	store_sitting(st, &sit);
	if (notify) {
		struct practice_pend *pp = xcalloc(1, sizeof(*pp));

		pp->pc = pc;
		pp->seq = seq;
		pp->sitting = pc->sitting;
		pend_push(ps->srv, notify, pp);
		return 0;
	}
	send_ready(ps, pc, false, seq);
	return 0;
}

int practice_srv_next(struct practice_srv *ps, struct session *ss, uint32_t seq)
{
	struct pconn *pc = ss->practice;
	struct fmt_practice_question q;
	int64_t wait, now = net_now_us();
	int r;

	(void)ps;
	if (!pc)
		return -QE_BAD_STATE;
	/* packed at now: a first send's deadline is now + the limit */
	r = fmt_practice_next(&pc->fp, now, wall_now_us(), &q, &wait);
	if (r == 0) {
		push_practice_question(ss, &q, pc->fp.limit_us,
				       fmt_practice_review_count(&pc->fp), now,
				       seq);
		return 0;
	}
	if (r != -EAGAIN && r != -ENOENT)
		return r;
	push_practice_wait(ss, r == -ENOENT,
			   r == -EAGAIN && wait != PRACTICE_NEVER && wait > 0
			       ? (uint64_t)wait
			       : 0,
			   seq);
	return 0;
}

int practice_srv_answer(struct practice_srv *ps, struct session *ss, uint32_t q,
			uint32_t choice_mask, const char *text, int64_t recv_us,
			uint32_t seq)
{
	struct pconn *pc = ss->practice;
	struct store_practice_answer a;
	struct practice_pend *pp;
	const struct item *it;
	uint64_t token;
	int64_t one_way;
	int r;

	if (!pc)
		return -QE_BAD_STATE;
	/* past the write queue's bound nothing is recorded, so the answer
	 * may be sent again (only this thread queues: the bound cannot be
	 * passed between this check and the queueing below) */
	if (!store_accepting(ps->srv->store))
		return -QE_STORAGE_UNAVAILABLE;
	/* through an edge the edge measured the delay (docs/CLUSTER.md) */
	one_way = conn_remote_delay(ss->conn);
	if (one_way < 0)
		one_way = clocksync_delays_one_way(&ss->cs);
	pp = xcalloc(1, sizeof(*pp));
	r = fmt_practice_answer(&pc->fp, q, choice_mask, text, recv_us,
				wall_now_us(), one_way, &pp->res);
	if (r < 0) {
		free(pp);
		return r;
	}
	it = &ps->srv->bank->items[pp->res.index];
	pp->result = true;
	pp->pc = pc;
	pp->seq = seq;
	pp->sitting = pc->sitting;
	pp->rq = pc->fp.rq;
	pp->review = fmt_practice_review_count(&pc->fp);
	memset(&a, 0, sizeof(a));
	a.person = pc->person->id;
	a.sitting = pc->sitting;
	a.item_id = it->id;
	a.at_unix_us = pc->person->set->items[pp->res.index].last_at;
	a.choice_mask = pp->res.bank_mask;
	a.text = text;
	a.correct = pp->res.correct;
	a.timed_out = pp->res.timed_out;
	a.rt_us = pp->res.rt_us;
	a.item_state = pp->res.item_state;
	a.person_state = pp->res.person_state;
	token = ++ps->srv->hub->next_token;
	if (store_practice_answer(ps->srv->store, &a, token) < 0) {
		/* cannot happen (checked above); the state in memory is
		 * ahead of the disk until the next answer of this item */
		log_error(conn_tag(ss->conn), "practice answer not queued");
		free(pp);
		return -QE_STORAGE_UNAVAILABLE;
	}
	pend_push(ps->srv, token, pp);
	return 0;
}

void practice_srv_done(struct practice_pend *pp, bool lost)
{
	struct pconn *pc = pp->pc;
	struct session *ss = pc->ss;

	if (lost)
		log_error("practice", "%s of person %llu (sitting %llu) lost",
			  pp->result ? "an answer" : "the registration",
			  (unsigned long long)pc->person->id,
			  (unsigned long long)pp->sitting);
	if (ss && lost)
		session_error(ss, -QE_INTERNAL, pp->seq,
			      pp->result ? "the answer could not be saved"
					 : "the person could not be saved");
	else if (ss && pp->result)
		push_practice_result(ss, &pp->res, &pp->rq, pp->review,
				     pp->seq);
	else if (ss)
		send_ready(pc->ps, pc, true, pp->seq);
	if (lost && !pp->result) {
		/* never registered: the name is free again, and the
		 * connection practises no more (it was told the person could
		 * not be saved) */
		person_drop(pc->ps, pc->person);
		if (ss && ss->practice == pc)
			practice_srv_detach(ss);
	}
	practice_srv_pend_free(pp);
}

void practice_srv_pend_free(struct practice_pend *pp)
{
	if (!pp)
		return;
	pconn_unref(pp->pc);
	free(pp);
}

void practice_srv_detach(struct session *ss)
{
	struct pconn *pc = ss->practice;

	if (!pc)
		return;
	ss->practice = NULL;
	pc->ss = NULL;
	pconn_unref(pc);
}

/* ---- PracticeStats ---------------------------------------------------- */

/* Members by answers given, most first (then by id). */
static int member_cmp(const void *a, const void *b)
{
	const struct person *x = *(struct person *const *)a;
	const struct person *y = *(struct person *const *)b;
	uint64_t nx = x->set->person.right + x->set->person.wrong;
	uint64_t ny = y->set->person.right + y->set->person.wrong;

	if (nx != ny)
		return nx > ny ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int practice_srv_stats(struct practice_srv *ps, struct session *ss, bool team,
		       uint32_t seq)
{
	struct push_practice_person total, *mp = NULL;
	struct practice_progress pg, *one = NULL;
	struct pconn *pc = ss->practice;
	struct person **mem = NULL, *me;
	int64_t now = wall_now_us();
	size_t i, n = 0, nm = 0;
	int r = 0;

	if (!pc)
		return -QE_BAD_STATE;
	me = pc->person;
	memset(&pg, 0, sizeof(pg));
	if ((r = practice_progress_init(&pg, ps->srv->bank)) < 0)
		goto out;
	if (team && me->team[0]) {
		mem = xmalloc(ps->n * sizeof(*mem));
		for (i = 0; i < ps->n; i++)
			if (strcmp(ps->p[i]->team, me->team) == 0)
				mem[n++] = ps->p[i];
	} else {
		mem = xmalloc(sizeof(*mem));
		mem[n++] = me;
	}
	for (i = 0; i < n; i++)
		if ((r = practice_progress_add(&pg, mem[i]->set, now)) < 0)
			goto out;
	total.nickname = team ? "" : me->nickname;
	total.team = me->team;
	total.pg = &pg;
	if (team) {
		qsort(mem, n, sizeof(*mem), member_cmp);
		nm = n < MEMBERS_MAX ? n : MEMBERS_MAX;
		one = xcalloc(nm ? nm : 1, sizeof(*one));
		mp = xcalloc(nm ? nm : 1, sizeof(*mp));
		for (i = 0; i < nm; i++) {
			if ((r = practice_progress_init(&one[i],
							ps->srv->bank)) < 0 ||
			    (r = practice_progress_add(&one[i], mem[i]->set,
						       now)) < 0)
				goto out;
			mp[i].nickname = mem[i]->nickname;
			mp[i].team = mem[i]->team;
			mp[i].pg = &one[i];
		}
	}
	push_practice_stats(ss, &total, mp, nm, seq);
out:
	for (i = 0; one && i < nm; i++)
		practice_progress_clear(&one[i]);
	practice_progress_clear(&pg);
	free(one);
	free(mp);
	free(mem);
	return r < 0 ? -QE_INTERNAL : 0;
}
