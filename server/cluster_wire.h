/* The messages quizd nodes exchange over NATS (docs/CLUSTER.md, "Wire").
 * Pure: no NATS, no libuv. Every message is a header and a run of records,
 * all integers little-endian:
 *
 *   header  "QZC1"  u8 dir  u8 name_len  name  u64 epoch
 *   OPEN    u8 1  u64 eid  u8 ip_len  ip  u8 has_token  [16 bytes token]
 *                                                         (edge -> owner)
 *   FRAME   u8 2  u64 eid  i64 recv_us  i64 one_way_us  u32 len  payload
 *   GONE    u8 3  u64 eid                                 (edge -> owner)
 *   BEAT    u8 4  i64 t0  i64 t1  i64 t2                  (both ways)
 *   SEND    u8 5  u32 len  bytes  u32 n  n x u64 eid      (owner -> edge)
 *   CLOSE   u8 6  u64 eid  u8 graceful                    (owner -> edge)
 *   WHO     u8 7  u64 qid  u8 kind  u8 key_len  key       (edge -> owners)
 *   OWN     u8 8  u64 qid                                 (owner -> edge)
 *
 * dir says who sent it (CW_TO_OWNER from an edge, CW_TO_EDGE from an
 * owner); name is the sender's node name, epoch its start (a new epoch
 * means the sender restarted: what the old one held is gone). eid is the
 * edge's connection id. A FRAME's payload is one protobuf Envelope as the
 * contestant sent it; a SEND's bytes are whole frames (length prefix
 * included), written as they are to each eid's socket. An OPEN's token
 * is the resume token the edge gave the contestant in its own Welcome
 * (the owner's session takes it). WHO asks every owner which of them has
 * a room code (kind 1) or the seat of a resume token's hash (kind 2,
 * 64 hex digits); only the one that has it answers OWN. Every length and
 * count is checked against the message: a reader never reads past it. */
#ifndef QUIZ_CLUSTER_WIRE_H
#define QUIZ_CLUSTER_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CW_MAGIC     "QZC1"
#define CW_NAME_MAX  64		/* a node name, bytes */
#define CW_IP_MAX    47		/* a peer address text, bytes */
#define CW_BYTES_MAX (1u << 20) /* a FRAME payload or SEND bytes */
#define CW_EIDS_MAX  (1u << 20) /* eids of one SEND */

enum cw_dir { CW_TO_OWNER = 1, CW_TO_EDGE = 2 };

enum cw_type {
	CW_OPEN = 1,
	CW_FRAME = 2,
	CW_GONE = 3,
	CW_BEAT = 4,
	CW_SEND = 5,
	CW_CLOSE = 6,
	CW_WHO = 7,
	CW_OWN = 8
};

enum cw_who { CW_WHO_CODE = 1, CW_WHO_TOKEN = 2 };
#define CW_KEY_MAX   64 /* a WHO key: a room code or a token hash */
#define CW_TOKEN_RAW 16 /* a resume token, raw bytes */

struct cw_header {
	enum cw_dir dir;
	char name[CW_NAME_MAX + 1];
	uint64_t epoch;
};

/* One record as read: pointers into the message. */
struct cw_rec {
	enum cw_type type;
	uint64_t eid;
	int64_t recv_us, one_way_us; /* FRAME */
	int64_t t0, t1, t2;	     /* BEAT */
	const uint8_t *bytes;	     /* FRAME payload, SEND bytes */
	uint32_t len;
	const uint8_t *eids; /* SEND: n little-endian u64 (cw_eid(r, i)) */
	uint32_t n;
	char ip[CW_IP_MAX + 1]; /* OPEN */
	bool has_token;		/* OPEN */
	uint8_t token[CW_TOKEN_RAW];
	bool graceful; /* CLOSE */
	uint64_t qid;  /* WHO, OWN */
	enum cw_who kind;
	char key[CW_KEY_MAX + 1];
};

struct cw_reader {
	const uint8_t *p, *end;
};

/* Reads the header; 0, or -1 if the message is not one of ours (bad magic,
 * direction, name). */
int cw_read_header(struct cw_reader *r, const void *msg, size_t len,
		   struct cw_header *h);
/* The next record: 1 and *rec, 0 at the end, -1 if malformed (truncated,
 * unknown type, a length or count over its limit): the rest of the
 * message is then ignored. */
int cw_next(struct cw_reader *r, struct cw_rec *rec);
/* The i-th eid of a SEND (i < rec->n). */
uint64_t cw_eid(const struct cw_rec *rec, uint32_t i);

/* A message being written: a growing buffer. */
struct cw_buf {
	uint8_t *data;
	size_t len, cap;
	uint32_t records;
};

/* Starts a message (resets the buffer). name: at most CW_NAME_MAX bytes. */
void cw_begin(struct cw_buf *b, enum cw_dir dir, const char *name,
	      uint64_t epoch);
/* token: CW_TOKEN_RAW bytes, or NULL */
void cw_open(struct cw_buf *b, uint64_t eid, const char *ip,
	     const uint8_t *token);
void cw_frame(struct cw_buf *b, uint64_t eid, int64_t recv_us,
	      int64_t one_way_us, const void *payload, uint32_t len);
void cw_gone(struct cw_buf *b, uint64_t eid);
void cw_beat(struct cw_buf *b, int64_t t0, int64_t t1, int64_t t2);
/* Sets t0 (edge) or t2 (owner) of the BEAT written at offset rec (b->len
 * before its cw_beat): a beat is dated when it leaves, not when queued. */
void cw_beat_stamp(struct cw_buf *b, size_t rec, int64_t t);
void cw_send(struct cw_buf *b, const void *bytes, uint32_t len,
	     const uint64_t *eids, uint32_t n);
void cw_close(struct cw_buf *b, uint64_t eid, bool graceful);
void cw_who(struct cw_buf *b, uint64_t qid, enum cw_who kind, const char *key);
void cw_own(struct cw_buf *b, uint64_t qid);
void cw_buf_free(struct cw_buf *b);

#endif
