/* The owner's side of a cluster (quizd --nats, docs/CLUSTER.md): the
 * contestants that edge nodes hold become remote connections of this
 * quizd's net (net_remote_open), so sessions, rooms and the store run
 * exactly as for local ones. What they are sent is batched per edge, a
 * frame shared by many of them (a broadcast, packed once) once per batch
 * with the list of their ids, and published at the end of each loop
 * iteration on the edge's subject. */
#ifndef QUIZ_CLUSTER_H
#define QUIZ_CLUSTER_H

#include <stdint.h>
#include <uv.h>

struct cluster;
struct nlink;
struct server;

/* The subjects: an owner listens on CLUSTER_SUBJ_NODE.<node>, an edge on
 * CLUSTER_SUBJ_EDGE.<node>. */
#define CLUSTER_SUBJ_NODE "quizd.node"
#define CLUSTER_SUBJ_EDGE "quizd.edge"
/* Every owner also listens here for the edges' WHO (docs/CLUSTER.md). */
#define CLUSTER_SUBJ_WHO "quizd.who"
/* An edge beats every CLUSTER_BEAT_MS; silent for CLUSTER_DEAD_MS, it is
 * taken as gone (and so is an owner by its edges). */
#define CLUSTER_BEAT_MS 500
#define CLUSTER_DEAD_MS 3000

/* Starts serving edges on the link as node (its name, [A-Za-z0-9_-]). NULL
 * if the subscription fails. */
struct cluster *cluster_owner_new(struct server *srv, struct nlink *l,
				  const char *node);
/* Ends every remote connection and stops; the loop must run once more for
 * the handles to close (the struct frees itself then). */
void cluster_owner_close(struct cluster *cl);

/* Whether name is a usable node name (1..CW_NAME_MAX of [A-Za-z0-9_-]). */
int cluster_name_ok(const char *name);

#endif
