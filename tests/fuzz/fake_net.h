/* The dispatch target's stand-in for server/net.c: implements every
 * function of server/net.h without sockets, plus the controls below that
 * the target drives. A connection lives in one of FAKE_NET_SLOTS slots;
 * like the real net, conn_close only marks it closing and on_close comes
 * later, here from fake_net_reap(). net_now_us() is the fake clock. */
#ifndef QUIZ_FAKE_NET_H
#define QUIZ_FAKE_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net.h"

#define FAKE_NET_SLOTS 16

/* Called for every frame the server sends (a whole frame, header
 * included) to a connection that is not stalled. */
typedef void (*fake_net_sent_fn)(struct conn *c, unsigned slot,
				 const uint8_t *frame, size_t len, void *arg);

void fake_net_on_sent(struct net *n, fake_net_sent_fn fn, void *arg);
/* A client connects from peer: on_open, or on_full and a close when over
 * max_conns. Returns the slot, or -1 when every slot is taken. */
int fake_net_open(struct net *n, const char *peer);
/* The live (not closing) connection in a slot, or NULL. */
struct conn *fake_net_slot(struct net *n, unsigned slot);
/* Bytes from the peer: frames are cut as net.c cuts them (partial frames
 * kept for the next call) and handed to on_frame / on_bad_frame, stamped
 * with the fake clock. Ignored once the connection is closing. */
void fake_net_input(struct conn *c, const uint8_t *buf, size_t len);
/* The peer went away (EOF). */
void fake_net_hangup(struct conn *c);
/* A stalled peer reads nothing: its output queue grows until max_out_bytes
 * drops it. Unstalling writes the queue out (the frames are not shown to
 * the sent callback). */
void fake_net_stall(struct conn *c, bool stalled);
/* Calls on_close for every connection closed since the last reap and
 * frees it (libuv's close callbacks). */
void fake_net_reap(struct net *n);
/* Connections announced with on_open whose on_close has not come yet. */
uint32_t fake_net_announced(const struct net *n);

#endif
