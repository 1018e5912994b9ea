/* The roster of a room: players, the nickname table, teams, ranking with
 * ties and team boards (pure). */
#include "roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "xalloc.h"

struct roster {
	uint32_t max_players;
	struct room_player *players;
	size_t np, cap;
	uint32_t active;
	uint32_t *nick_ht; /* open addressing, player id or 0 */
	size_t ht_cap;

	char teams[CONTEST_TEAMS_MAX][QUIZ_TEAM_MAX + 1];
	char team_keys[CONTEST_TEAMS_MAX][TEXT_KEY_MAX + 1]; /* text_name_key */
	uint32_t members[CONTEST_TEAMS_MAX]; /* active members */
	size_t nteams;
	bool fixed; /* the contest's fixed list */

	uint32_t *order; /* player ids by rank, as of the last ranking */
	size_t norder;
	int32_t last_q; /* the last question booked, -1 none */
};

/* An empty roster. */
struct roster *roster_new(uint32_t max_players)
{
	struct roster *ro = xcalloc(1, sizeof(*ro));

	ro->max_players = max_players;
	ro->last_q = -1;
	return ro;
}

/* Frees the roster and everything it owns. */
void roster_free(struct roster *ro)
{
	if (!ro)
		return;
	free(ro->players);
	free(ro->nick_ht);
	free(ro->order);
	free(ro);
}

/* Whether player p's nickname has the name key `key` (of hash h): the
 * hashes first, then the key made again from the nickname. */
static bool key_is(const struct room_player *p, const char *key, uint32_t h)
{
	char pk[TEXT_KEY_MAX + 1];

	return p->key_hash == h && text_name_key(p->nick, pk, sizeof(pk)) > 0 &&
	       strcmp(pk, key) == 0;
}

/* Finds the slot of a name key (of hash h) in the table: its id or the
 * empty slot. */
static size_t key_slot(const struct roster *ro, const char *key, uint32_t h)
{
	size_t mask = ro->ht_cap - 1, i = h & mask;

	while (ro->nick_ht[i] &&
	       !key_is(&ro->players[ro->nick_ht[i] - 1], key, h))
		i = (i + 1) & mask;
	return i;
}

/* Keeps the nickname table at most three quarters full (4 bytes a slot:
 * 64 KiB for 10,000 players). */
static void nick_grow(struct roster *ro)
{
	size_t i, j, mask;

	if (ro->ht_cap && (ro->np + 1) * 4 <= ro->ht_cap * 3)
		return;
	free(ro->nick_ht);
	ro->ht_cap = ro->ht_cap ? ro->ht_cap * 2 : 64;
	ro->nick_ht = xcalloc(ro->ht_cap, sizeof(*ro->nick_ht));
	mask = ro->ht_cap - 1;
	/* the keys in the table are distinct: each goes to the first free
	 * slot of its probe chain */
	for (i = 0; i < ro->np; i++) {
		if (ro->players[i].left)
			continue;
		for (j = ro->players[i].key_hash & mask; ro->nick_ht[j];
		     j = (j + 1) & mask)
			;
		ro->nick_ht[j] = (uint32_t)(i + 1);
	}
}

/* Takes a player out of the nickname table, shifting later entries of its
 * probe chain back so no lookup stops early at the hole. */
static void nick_remove(struct roster *ro, const struct room_player *p)
{
	size_t mask = ro->ht_cap - 1, i = p->key_hash & mask, j, h;

	while (ro->nick_ht[i] && ro->nick_ht[i] != p->id)
		i = (i + 1) & mask;
	if (!ro->nick_ht[i])
		return;
	ro->nick_ht[i] = 0;
	for (j = (i + 1) & mask; ro->nick_ht[j]; j = (j + 1) & mask) {
		h = ro->players[ro->nick_ht[j] - 1].key_hash & mask;
		/* j may fill the hole unless its home lies in (i, j] */
		if ((j > i && (h <= i || h > j)) ||
		    (j < i && h <= i && h > j)) {
			ro->nick_ht[i] = ro->nick_ht[j];
			ro->nick_ht[j] = 0;
			i = j;
		}
	}
}

/* Checks a team name and writes its key; 0 or -QE_BAD_MESSAGE. A 64-byte
 * name of CJK or ASCII text keys to at most its own length; only names of
 * compatibility characters that NFKC expands (㍿ -> 株式会社) can pass
 * TEXT_KEY_MAX, and they are refused. */
static int team_key(const char *team, char *key, size_t cap)
{
	if (!text_valid_name(team, QUIZ_TEAM_MAX) ||
	    text_name_key(team, key, cap) <= 0)
		return -QE_BAD_MESSAGE;
	return 0;
}

/* Takes the contest's fixed list of teams. */
int roster_fix_teams(struct roster *ro, const struct contest *c)
{
	char key[TEXT_KEY_MAX + 1];
	uint32_t i;

	if (ro->np || c->nteams > CONTEST_TEAMS_MAX)
		return -QE_BAD_MESSAGE;
	ro->nteams = 0;
	for (i = 0; i < c->nteams; i++) {
		if (team_key(c->teams[i], key, sizeof(key)) < 0 ||
		    roster_team_find(ro, c->teams[i]) >= 0) {
			ro->nteams = 0;
			return -QE_BAD_MESSAGE;
		}
		snprintf(ro->teams[i], sizeof(ro->teams[0]), "%s", c->teams[i]);
		snprintf(ro->team_keys[i], sizeof(ro->team_keys[0]), "%s", key);
		ro->members[i] = 0;
		ro->nteams++;
	}
	ro->fixed = c->nteams > 0;
	return 0;
}

/* Whether a contest fixed the teams. */
bool roster_teams_fixed(const struct roster *ro)
{
	return ro->fixed;
}

/* Index of a team by folded key, or -1. */
static int team_by_key(const struct roster *ro, const char *key)
{
	size_t i;

	for (i = 0; i < ro->nteams; i++)
		if (strcmp(ro->team_keys[i], key) == 0)
			return (int)i;
	return -1;
}

/* Index of a team by name, or -1 (also for a bad name). */
int roster_team_find(const struct roster *ro, const char *name)
{
	char key[TEXT_KEY_MAX + 1];

	if (!name || team_key(name, key, sizeof(key)) < 0)
		return -1;
	return team_by_key(ro, key);
}

/* A team nobody in the match belongs to any more (its members left the
 * lobby or were kicked), to be reused; -1 if none. */
static int team_unused(struct roster *ro)
{
	size_t i, k;

	for (i = 0; i < ro->nteams && ro->members[i]; i++)
		;
	if (i == ro->nteams)
		return -1;
	for (k = 0; k < ro->np; k++)
		if (ro->players[k].team == (int)i)
			ro->players[k].team = -1;
	return (int)i;
}

/* Finds or adds a team by name (key is its text_name_key); -1 for none,
 * -2 when the table is full, -3 when it is not on the fixed list. */
static int team_index(struct roster *ro, const char *team, const char *key)
{
	int t;

	if (!team || !team[0])
		return ro->fixed ? -3 : -1;
	if ((t = team_by_key(ro, key)) >= 0)
		return t;
	if (ro->fixed)
		return -3;
	if (ro->nteams == CONTEST_TEAMS_MAX) {
		if ((t = team_unused(ro)) < 0)
			return -2;
	} else {
		t = (int)ro->nteams++;
	}
	snprintf(ro->teams[t], sizeof(ro->teams[0]), "%s", team);
	snprintf(ro->team_keys[t], sizeof(ro->team_keys[0]), "%s", key);
	return t;
}

/* Player ids are never reused, so slots of people who left the lobby stay
 * allocated: this bounds them (and the roster's memory). */
static size_t slots_max(const struct roster *ro)
{
	return (size_t)ro->max_players * ROSTER_SLOTS_FACTOR +
	       ROSTER_SLOTS_EXTRA;
}

/* Adds a contestant. */
int64_t roster_join(struct roster *ro, const char *nick, const char *team,
		    int64_t total_time_us)
{
	struct room_player *p;
	char key[TEXT_KEY_MAX + 1], tkey[TEXT_KEY_MAX + 1] = "";
	size_t slot;
	uint32_t h;
	int t;

	/* names are refused or compared by the rules of text_valid_name and
	 * text_name_key (docs/PROTOCOL.md, JoinRoom) */
	if (!nick || !text_valid_name(nick, QUIZ_NAME_MAX) ||
	    text_name_key(nick, key, sizeof(key)) <= 0)
		return -QE_BAD_MESSAGE;
	if (team && team[0] && team_key(team, tkey, sizeof(tkey)) < 0)
		return -QE_BAD_MESSAGE;
	if (ro->fixed && team_index(ro, team, tkey) < 0)
		return -QE_BAD_MESSAGE;
	if (ro->active >= ro->max_players || ro->np >= slots_max(ro))
		return -QE_ROOM_FULL;
	nick_grow(ro);
	h = text_hash(key);
	slot = key_slot(ro, key, h);
	if (ro->nick_ht[slot])
		return -QE_NAME_TAKEN;
	t = team_index(ro, team, tkey);
	if (t == -2)
		return -QE_ROOM_FULL;
	if (ro->np == ro->cap) {
		ro->cap = ro->cap ? ro->cap * 2 : 64;
		ro->players =
		    xrealloc(ro->players, ro->cap * sizeof(*ro->players));
	}
	p = &ro->players[ro->np++];
	memset(p, 0, sizeof(*p));
	p->id = (uint32_t)ro->np;
	snprintf(p->nick, sizeof(p->nick), "%s", nick);
	p->key_hash = h;
	p->team = t;
	p->last.q = -1;
	p->total_time_us = total_time_us;
	ro->nick_ht[slot] = p->id;
	ro->active++;
	if (t >= 0)
		ro->members[t]++;
	return p->id;
}

/* Marks a player out of the match; the caller checked the id. */
static void player_out(struct roster *ro, struct room_player *p)
{
	p->kicked = true;
	ro->active--;
	if (p->team >= 0)
		ro->members[p->team]--;
}

/* The player id names who is still in the match: 0 and *out, or
 * -QE_BAD_MESSAGE (never given) or -QE_BAD_STATE (already out). */
static int player_in(struct roster *ro, uint32_t id, struct room_player **out)
{
	if (id == 0 || id > ro->np)
		return -QE_BAD_MESSAGE;
	*out = &ro->players[id - 1];
	return (*out)->kicked ? -QE_BAD_STATE : 0;
}

/* A contestant leaves the lobby. */
int roster_leave(struct roster *ro, uint32_t id)
{
	struct room_player *p;
	int r;

	if ((r = player_in(ro, id, &p)) < 0)
		return r;
	nick_remove(ro, p);
	player_out(ro, p);
	p->left = true;
	return 0;
}

/* A contestant is removed by the host. */
int roster_kick(struct roster *ro, uint32_t id)
{
	struct room_player *p;
	int r;

	if ((r = player_in(ro, id, &p)) < 0)
		return r;
	player_out(ro, p);
	return 0;
}

/* Books one question's points, record and time to a player. */
void roster_book(struct roster *ro, uint32_t id, const struct room_booking *b,
		 int64_t time_us)
{
	struct room_player *p;

	if (id == 0 || id > ro->np)
		return;
	p = &ro->players[id - 1];
	p->score += b->delta;
	p->correct += b->correct;
	p->total_time_us += time_us;
	p->last = *b;
	ro->last_q = b->q;
}

/* Orders (score desc, total time asc, join order asc). */
struct rank_key {
	int64_t score;
	int64_t time;
	uint32_t id;
};

/* qsort order of rank keys. */
static int rank_cmp(const void *a, const void *b)
{
	const struct rank_key *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Recomputes every player's rank and the standings order. */
void roster_rank(struct roster *ro)
{
	struct rank_key *k = xmalloc((ro->np ? ro->np : 1) * sizeof(*k));
	size_t i, n = 0;

	for (i = 0; i < ro->np; i++) {
		struct room_player *p = &ro->players[i];

		p->rank = 0;
		if (p->kicked)
			continue;
		k[n].score = p->score;
		k[n].time = p->total_time_us;
		k[n].id = p->id;
		n++;
	}
	qsort(k, n, sizeof(*k), rank_cmp);
	ro->order = xrealloc(ro->order, (n ? n : 1) * sizeof(*ro->order));
	for (i = 0; i < n; i++) {
		uint32_t rank = (uint32_t)(i + 1);

		/* 并列: a tie with the one above shares its rank */
		if (i && k[i].score == k[i - 1].score &&
		    k[i].time == k[i - 1].time)
			rank = ro->players[k[i - 1].id - 1].rank;
		ro->order[i] = k[i].id;
		ro->players[k[i].id - 1].rank = rank;
	}
	ro->norder = n;
	free(k);
}

/* Number of player slots (ids run 1..slots). */
size_t roster_slots(const struct roster *ro)
{
	return ro->np;
}

/* A player by id, or NULL. */
const struct room_player *roster_player(const struct roster *ro, uint32_t id)
{
	return id && id <= ro->np ? &ro->players[id - 1] : NULL;
}

/* Contestants joined and not out. */
uint32_t roster_active(const struct roster *ro)
{
	return ro->active;
}

/* Teams known (fixed, or seen so far). */
size_t roster_team_count(const struct roster *ro)
{
	return ro->nteams;
}

/* Name of team i, or NULL. */
const char *roster_team_name(const struct roster *ro, size_t i)
{
	return i < ro->nteams ? ro->teams[i] : NULL;
}

/* Active members of a team. */
uint32_t roster_team_members(const struct roster *ro, int team)
{
	return team >= 0 && (size_t)team < ro->nteams ? ro->members[team] : 0;
}

/* Copies the standings order. */
size_t roster_standings(const struct roster *ro, uint32_t *out, size_t max)
{
	size_t n = ro->norder < max ? ro->norder : max;

	memcpy(out, ro->order, n * sizeof(*out));
	return n;
}

/* A team's aggregate of member points: sum, or mean rounded toward zero
 * (C division truncates). */
static int64_t team_points(enum team_scoring sc, int64_t sum, uint32_t n)
{
	if (sc == TEAM_SUM || n == 0)
		return sc == TEAM_SUM ? sum : 0;
	return sum / (int64_t)n;
}

/* The team board, computed in one pass over the players. */
size_t roster_team_board(const struct roster *ro, enum team_scoring sc,
			 int64_t base, struct team_standing *out, size_t max)
{
	struct team_standing t[CONTEST_TEAMS_MAX];
	int64_t sum[CONTEST_TEAMS_MAX] = {0}, before[CONTEST_TEAMS_MAX] = {0};
	size_t i, n = 0;

	for (i = 0; i < ro->np; i++) {
		const struct room_player *p = &ro->players[i];

		if (p->kicked || p->team < 0)
			continue;
		sum[p->team] += p->score;
		before[p->team] += p->score;
		if (ro->last_q >= 0 && p->last.q == ro->last_q)
			before[p->team] -= p->last.delta;
	}
	for (i = 0; i < ro->nteams; i++) {
		struct team_standing *s = &t[n];

		if (!ro->fixed && !ro->members[i])
			continue;
		memset(s, 0, sizeof(*s));
		s->team = (int)i;
		s->members = ro->members[i];
		s->points = team_points(sc, sum[i], s->members);
		s->score = base + s->points;
		s->last_delta =
		    s->points - team_points(sc, before[i], s->members);
		n++;
	}
	/* by score desc, then name (64 lines at most: an exchange sort) */
	for (i = 0; i < n; i++) {
		size_t j;

		for (j = i + 1; j < n; j++) {
			int c = t[j].score > t[i].score ||
				(t[j].score == t[i].score &&
				 strcmp(ro->teams[t[j].team],
					ro->teams[t[i].team]) < 0);

			if (c) {
				struct team_standing x = t[i];

				t[i] = t[j];
				t[j] = x;
			}
		}
	}
	for (i = 0; i < n; i++)
		t[i].rank = i && t[i].score == t[i - 1].score
				? t[i - 1].rank
				: (uint32_t)(i + 1);
	memcpy(out, t, (n < max ? n : max) * sizeof(*out));
	return n;
}
