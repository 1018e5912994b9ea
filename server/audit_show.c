/* `quizd audit show`: a match's events, one a line, readably: seq, ms
 * since the first event, kind, who by nickname, and what it was, with
 * what the replay made of it (response time and compensation of an
 * answer, outcome of a press, the time left at a pause). The replay is
 * the same as verify's: the room made from the definition, every event
 * through room_apply. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"
#include "errors.h"
#include "xalloc.h"

#define SHOW_FX_MAX 200 /* bytes of the effects summary of one event */

/* What the replay made of one stored event. */
struct shown {
	int rc; /* room_apply's return */
	bool answered;
	int64_t rt_us, comp_us;
	bool correct;
	bool decided; /* a press: its outcome is known */
	struct room_press press;
	int64_t left_us; /* resume: time left on the question, -1 none */
	uint32_t left_q; /* ... on this question */
	char fx[SHOW_FX_MAX];
};

/* Seconds (3 decimals) of a duration in us, into buf. */
static const char *secs(int64_t us, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%" PRId64 ".%03" PRId64 " s", us < 0 ? "-" : "",
		 (us < 0 ? -us : us) / 1000000,
		 ((us < 0 ? -us : us) % 1000000) / 1000);
	return buf;
}

/* Milliseconds (3 decimals) of a duration in us, into buf. */
static const char *msecs(int64_t us, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s%" PRId64 ".%03" PRId64 " ms", us < 0 ? "-" : "",
		 (us < 0 ? -us : us) / 1000, (us < 0 ? -us : us) % 1000);
	return buf;
}

/* Appends a piece to an effects summary ("; " between pieces). */
__attribute__((format(printf, 2, 3))) static void fx_add(struct shown *sh,
							 const char *fmt, ...)
{
	size_t n = strlen(sh->fx);
	va_list ap;

	if (n + 3 >= sizeof(sh->fx))
		return;
	if (n) {
		memcpy(sh->fx + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(sh->fx + n, sizeof(sh->fx) - n, fmt, ap);
	va_end(ap);
}

/* Index of the event with this seq in the log, or -1. */
static long event_index(const struct store_match_log *lg, uint64_t seq)
{
	size_t lo = 0, hi = lg->nevents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lg->events[mid].e.seq == seq)
			return (long)mid;
		if (lg->events[mid].e.seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Reads what the effects of event i say into sh[]. */
static void show_effects(struct audit_match *m, struct shown *sh, size_t i,
			 enum room_event_kind kind)
{
	static const char *const phases[] = {"reading", "armed", "answering",
					     "judging", "done"};
	const struct store_match_log *lg = &m->log;
	const struct room_effect *fx;
	size_t k, nfx;
	int phase = -1;
	char b1[32];

	fx = room_effects(m->r, &nfx);
	for (k = 0; k < nfx; k++) {
		const struct room_effect *e = &fx[k];
		struct room_buzz bz;
		uint32_t j;

		switch (e->kind) {
		case FX_ANSWER:
			sh[i].answered = true;
			sh[i].rt_us = e->u.answer.rt_us;
			sh[i].comp_us = e->u.answer.comp_us;
			sh[i].correct = e->u.answer.correct;
			break;
		case FX_BUZZ:
			if (!room_buzz_view(m->r, &bz))
				break;
			phase = (int)bz.phase;
			for (j = 0; j < e->u.buzz.n &&
				    e->u.buzz.first + j < bz.npresses;
			     j++) {
				const struct room_press *p =
				    &bz.presses[e->u.buzz.first + j];
				long at = event_index(lg, p->seq);

				if (at < 0)
					continue;
				sh[at].decided = true;
				sh[at].press = *p;
			}
			break;
		case FX_ROUND:
			if (e->u.round.n == 1)
				fx_add(&sh[i], "round %u: q%u drawn",
				       (unsigned)e->round + 1,
				       (unsigned)e->u.round.first_q);
			else
				fx_add(&sh[i], "round %u: q%u..q%u drawn",
				       (unsigned)e->round + 1,
				       (unsigned)e->u.round.first_q,
				       (unsigned)(e->u.round.first_q +
						  e->u.round.n - 1));
			break;
		case FX_WAGER_OPEN:
			if (kind != EV_RESUME) /* a resume sends it again */
				fx_add(&sh[i], "stakes for q%u",
				       (unsigned)e->q);
			break;
		case FX_COUNTDOWN:
			fx_add(&sh[i], "countdown q%u", (unsigned)e->q);
			break;
		case FX_QUESTION:
			if (kind == EV_RESUME) /* sent again */
				break;
			fx_add(&sh[i], "q%u open (%s)", (unsigned)e->q,
			       secs(e->u.time.deadline_at_us -
					e->u.time.reveal_at_us,
				    b1, sizeof(b1)));
			break;
		case FX_CLOSED:
			fx_add(&sh[i], "q%u %s", (unsigned)e->q,
			       e->u.closed.voided ? "voided" : "closed");
			break;
		case FX_REVEAL:
			fx_add(&sh[i], "q%u revealed", (unsigned)e->q);
			break;
		case FX_LEADERBOARD:
			fx_add(&sh[i], "%s",
			       e->u.board.final ? "final board" : "board");
			break;
		case FX_ROUND_END:
			fx_add(&sh[i], "round %u over", (unsigned)e->round + 1);
			break;
		case FX_PAUSED:
			fx_add(&sh[i], "paused (%s left%s)",
			       secs(e->u.paused.remaining_us, b1, sizeof(b1)),
			       e->u.paused.reason == ROOM_PAUSE_STORAGE
				   ? ", storage"
			       : e->u.paused.reason == ROOM_PAUSE_RECOVERED
				   ? ", recovered: waits for the host"
				   : "");
			break;
		case FX_RESUMED:
			fx_add(&sh[i], "resumed");
			break;
		case FX_FINISHED:
			fx_add(&sh[i], "finished");
			break;
		default: /* EVENT, WAGER, KICKED, JUDGE, KEY: the line says */
			break;
		}
	}
	if (phase >= 0 && (size_t)phase < sizeof(phases) / sizeof(phases[0]))
		fx_add(&sh[i], "buzzer %s", phases[phase]);
}

/* Replays the match, noting for every event what it did. */
static struct shown *show_replay(struct audit_match *m)
{
	const struct store_match_log *lg = &m->log;
	struct shown *sh = xcalloc(lg->nevents ? lg->nevents : 1, sizeof(*sh));
	size_t i;

	for (i = 0; i < lg->nevents; i++) {
		struct room_event ev;

		sh[i].left_us = -1;
		audit_event_in(&lg->events[i].e, &ev);
		sh[i].rc = ev.kind ? room_apply(m->r, &ev) : -QE_BAD_MESSAGE;
		if (sh[i].rc >= 0)
			show_effects(m, sh, i, ev.kind);
		if (ev.kind == EV_RESUME && sh[i].rc >= 0 &&
		    room_state(m->r) == ROOM_OPEN &&
		    room_deadline_at(m->r) > ev.at_us) {
			sh[i].left_us = room_deadline_at(m->r) - ev.at_us;
			sh[i].left_q = room_question_index(m->r);
		}
		room_effects_clear(m->r);
	}
	return sh;
}

/* The nicknames of the match's joins, by player id. */
struct show_nick {
	uint32_t id;
	size_t at;	  /* index of the join in the log */
	const char *nick; /* borrowed from the log */
};
struct show_names {
	struct show_nick *v;
	size_t n;
};

/* Orders nicknames by player id, then by the join's place in the log. */
static int nick_cmp(const void *a, const void *b)
{
	const struct show_nick *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

/* Finds a player id among nicknames. */
static int nick_find(const void *a, const void *b)
{
	const struct show_nick *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Collects the nicknames of the log's joins (the first join of an id). */
static void names_build(const struct store_match_log *lg, struct show_names *nm)
{
	size_t i, k = 0;

	nm->v = xcalloc(lg->nevents ? lg->nevents : 1, sizeof(*nm->v));
	nm->n = 0;
	for (i = 0; i < lg->nevents; i++) {
		const struct store_event *e = &lg->events[i].e;

		if (e->nick && strcmp(e->kind, "join") == 0) {
			nm->v[nm->n].id = e->player;
			nm->v[nm->n].at = i;
			nm->v[nm->n++].nick = e->nick;
		}
	}
	if (!nm->n)
		return;
	/* by id, the first join of an id first: it is the one kept */
	qsort(nm->v, nm->n, sizeof(*nm->v), nick_cmp);
	for (i = 0; i < nm->n; i++)
		if (!k || nm->v[k - 1].id != nm->v[i].id)
			nm->v[k++] = nm->v[i];
	nm->n = k;
}

/* The nickname of player id ("player N" if it never joined). */
static const char *nick_of(const struct show_names *nm, uint32_t id, char *buf,
			   size_t cap)
{
	struct show_nick key = {.id = id};
	const struct show_nick *hit =
	    nm->n ? bsearch(&key, nm->v, nm->n, sizeof(*nm->v), nick_find)
		  : NULL;

	if (hit)
		return hit->nick;
	snprintf(buf, cap, "player %u", (unsigned)id);
	return buf;
}

/* Letters of a choice mask in display order ("AC"; "-" for none). */
static const char *letters(uint32_t mask, char *buf)
{
	size_t i, n = 0;

	for (i = 0; i < ITEM_MAX_OPTIONS; i++)
		if (mask & (1u << i))
			buf[n++] = (char)('A' + i);
	if (!n)
		buf[n++] = '-';
	buf[n] = '\0';
	return buf;
}

/* Who an event is from, and what it was, into who/what. */
static void describe(const struct show_names *nm, const struct shown *s,
		     const struct store_event *e, char *who, size_t wcap,
		     char *what, size_t cap)
{
	enum room_event_kind k = room_event_kind_parse(e->kind);
	char nb[32], b1[32], b2[32], b3[32], lt[ITEM_MAX_OPTIONS + 2];

	snprintf(who, wcap, "host");
	what[0] = '\0';
	switch (k) {
	case EV_JOIN:
		snprintf(who, wcap, "%s", e->nick ? e->nick : "?");
		snprintf(what, cap, "joined as player %u%s%s",
			 (unsigned)e->player, e->team ? ", team " : "",
			 e->team ? e->team : "");
		break;
	case EV_LEAVE:
		snprintf(who, wcap, "%s",
			 nick_of(nm, e->player, nb, sizeof(nb)));
		snprintf(what, cap, "left the lobby");
		break;
	case EV_KICK:
		snprintf(what, cap, "kicked %s",
			 nick_of(nm, e->player, nb, sizeof(nb)));
		break;
	case EV_ANSWER:
		snprintf(who, wcap, "%s",
			 nick_of(nm, e->player, nb, sizeof(nb)));
		if (!s->answered)
			snprintf(what, cap, "q%u: answered %s%s%s",
				 (unsigned)e->q,
				 e->text ? "\"" : letters(e->choice_mask, lt),
				 e->text ? e->text : "", e->text ? "\"" : "");
		else if (e->text)
			snprintf(what, cap,
				 "q%u: answered \"%s\" in %s (comp %s): %s",
				 (unsigned)e->q, e->text,
				 secs(s->rt_us, b1, sizeof(b1)),
				 msecs(s->comp_us, b2, sizeof(b2)),
				 s->correct ? "right" : "wrong");
		else
			snprintf(what, cap,
				 "q%u: answered %s in %s (comp %s): %s",
				 (unsigned)e->q, letters(e->choice_mask, lt),
				 secs(s->rt_us, b1, sizeof(b1)),
				 msecs(s->comp_us, b2, sizeof(b2)),
				 s->correct ? "right" : "wrong");
		break;
	case EV_WAGER:
		snprintf(who, wcap, "%s",
			 nick_of(nm, e->player, nb, sizeof(nb)));
		snprintf(what, cap, "q%u: stake %" PRId64, (unsigned)e->q,
			 e->arg);
		break;
	case EV_BUZZ:
		snprintf(who, wcap, "%s",
			 nick_of(nm, e->player, nb, sizeof(nb)));
		if (!s->decided)
			snprintf(what, cap, "q%u: pressed (undecided)",
				 (unsigned)e->q);
		else
			/* the gap behind the winner means something only
			 * in the race: won (0), slower, late */
			snprintf(what, cap,
				 "q%u: pressed: %s%s%s (react %s, comp %s, arm "
				 "%u)",
				 (unsigned)e->q,
				 audit_outcome_name(s->press.outcome),
				 s->press.outcome == PRESS_FOUL ||
					 s->press.outcome == PRESS_IGNORED
				     ? ""
				     : " +",
				 s->press.outcome == PRESS_FOUL ||
					 s->press.outcome == PRESS_IGNORED
				     ? ""
				     : msecs(s->press.gap_us, b1, sizeof(b1)),
				 msecs(s->press.react_us, b2, sizeof(b2)),
				 msecs(s->press.comp_us, b3, sizeof(b3)),
				 (unsigned)s->press.arm);
		break;
	case EV_VERDICT:
		snprintf(who, wcap, "%s", e->text ? e->text : "?");
		if ((uint64_t)e->arg == ROOM_VERDICT_REST)
			snprintf(what, cap, "q%u: ruled the rest as suggested",
				 (unsigned)e->q);
		else
			snprintf(what, cap, "q%u: ruled item %" PRId64 " %s",
				 (unsigned)e->q, e->arg,
				 e->choice_mask ? "right" : "wrong");
		break;
	case EV_PAUSE:
	case EV_START:
	case EV_NEXT:
	case EV_SKIP:
	case EV_END:
		snprintf(what, cap, "%s", e->kind);
		break;
	case EV_RESUME:
		if (s->left_us >= 0)
			snprintf(what, cap, "resume (%s left on q%u)",
				 secs(s->left_us, b1, sizeof(b1)),
				 (unsigned)s->left_q);
		else
			snprintf(what, cap, "resume");
		break;
	case EV_TICK:
		snprintf(who, wcap, "timer");
		break;
	case EV_COMMIT:
		snprintf(who, wcap, "store");
		snprintf(what, cap, "q%u committed", (unsigned)e->q);
		break;
	case EV_HOLD:
		snprintf(who, wcap, "store");
		snprintf(what, cap, "storage hold");
		break;
	case EV_RELEASE:
		snprintf(who, wcap, "store");
		snprintf(what, cap, "storage back");
		break;
	case EV_RECOVER:
		snprintf(who, wcap, "quizd");
		snprintf(what, cap, "restarted and rebuilt%s",
			 e->arg ? ", the open question voided" : "");
		break;
	default:
		snprintf(who, wcap, "?");
		snprintf(what, cap, "unknown kind");
		break;
	}
}

/* `quizd audit show MATCH` (audit_int.h). */
int audit_show(struct audit_db *d, uint64_t id)
{
	struct audit_match m;
	struct shown *sh = NULL;
	struct show_names names;
	char err[256], who[QUIZ_NAME_MAX + 16], what[QUIZ_NAME_MAX * 4 + 256];
	int64_t base = 0;
	bool rebase = true;
	size_t i;
	int rc;

	rc = audit_match_load(d, id, &m);
	if (rc == -QE_ROOM_NOT_FOUND) {
		fprintf(stderr,
			"quizd audit show: no match %" PRIu64 " in %s\n", id,
			d->path);
		return 2;
	}
	if (rc < 0) {
		fprintf(stderr, "quizd audit show: match %" PRIu64 ": %s\n", id,
			quiz_strerror(rc));
		return 2;
	}
	printf("match %" PRIu64 " (%s, %s): %zu events\n", id, m.log.code,
	       m.log.state, m.log.nevents);
	if (audit_room(d, &m, err, sizeof(err)) < 0)
		printf("(%s: shown without the replay's times and outcomes)\n",
		       err);
	else
		sh = show_replay(&m);
	names_build(&m.log, &names);
	printf("%6s %11s  %-8s %s\n", "seq", "ms", "kind", "who: what");
	for (i = 0; i < m.log.nevents; i++) {
		const struct store_event *e = &m.log.events[i].e;
		static const struct shown none = {.left_us = -1};
		const struct shown *s = sh ? &sh[i] : &none;
		char ms[32];

		if (rebase) {
			base = e->at_us;
			rebase = false;
		}
		describe(&names, s, e, who, sizeof(who), what, sizeof(what));
		snprintf(ms, sizeof(ms), "%.3f",
			 (double)(e->at_us - base) / 1e3);
		printf("%6" PRIu64 " %11s  %-8s %s%s%s", e->seq, ms, e->kind,
		       who, what[0] ? ": " : "", what);
		if (sh && s->rc < 0)
			printf(" [refused on replay: %s]",
			       quiz_strerror(s->rc));
		if (s->fx[0])
			printf(" -> %s", s->fx);
		putchar('\n');
		if (strcmp(e->kind, "recover") == 0 && i + 1 < m.log.nevents) {
			/* the new process's clock may have another base (a
			 * reboot): times restart at the next event */
			printf("%6s %11s  (times below: ms since seq %" PRIu64
			       ", the first event after the restart)\n",
			       "", "", m.log.events[i + 1].e.seq);
			rebase = true;
		}
	}
	free(names.v);
	free(sh);
	audit_match_free(&m);
	return 0;
}
