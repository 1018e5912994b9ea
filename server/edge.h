/* quizd --edge (docs/CLUSTER.md): a front door that holds contestants'
 * sockets and no game state. It answers their clock-sync Pings and pings
 * them itself (their delay is measured here, where their packets arrive),
 * dates each frame by the kernel's receive time, and relays every other
 * frame to the owner node over NATS with that time and delay, in the
 * owner's clock; what the owner sends back it writes to the sockets, a
 * frame shared by many once packed. */
#ifndef QUIZ_EDGE_H
#define QUIZ_EDGE_H

#include "server.h"

struct edge_options {
	const char *listen_host;
	int listen_port;
	const char *port_file; /* NULL: none */
	const char *nats_url;
	const char *node;  /* this edge's name */
	const char *owner; /* the owner node's name */
	struct server_config cfg;
};

/* Runs the edge until SIGINT/SIGTERM; returns the exit status. */
int edge_run(const struct edge_options *o);

#endif
