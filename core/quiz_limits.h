/* One definition of every protocol limit, shared by the core, the server,
 * the bank tools and the clients. Lengths are bytes of UTF-8 without the
 * terminating NUL; a *_BUF is the size of a buffer that holds the longest
 * value and its NUL. docs/PROTOCOL.md ("Limits") lists the same values.
 *
 * (Not named limits.h: in an include directory that name would shadow the
 * C library's <limits.h>.) */
#ifndef QUIZ_LIMITS_H
#define QUIZ_LIMITS_H

/* Hello.client, a free-text client name. */
#define QUIZ_CLIENT_NAME_MAX 64

/* Host and resume tokens: 128 random bits written as lowercase hex. */
#define QUIZ_TOKEN_HEX 32
#define QUIZ_TOKEN_BUF (QUIZ_TOKEN_HEX + 1)
/* The longest token field accepted on the wire (Hello.resume_token,
 * WatchRoom.host_token); longer is BAD_MESSAGE, shorter simply matches
 * nothing. */
#define QUIZ_TOKEN_INPUT_MAX 64

/* A room code as the server makes it (shown grouped, e.g. "ABCD-EFGH"),
 * and the longest code field a request may carry (the code as typed, with
 * a separator or spaces); longer is BAD_MESSAGE. */
#define QUIZ_CODE_LEN	    9 /* grouped form "ABCD-EFGH": 8 symbols + '-' */
#define QUIZ_CODE_BUF	    (QUIZ_CODE_LEN + 1)
#define QUIZ_CODE_INPUT_MAX 16

/* Nickname and team: 1..QUIZ_NAME_MAX bytes of printable UTF-8. */
#define QUIZ_NAME_MAX 32
/* A team name: longer than a nickname, since names like
 * 机关党委第一党支部 are normal (JoinRoom.team, contest files). */
#define QUIZ_TEAM_MAX	  64
#define QUIZ_TITLE_MAX	  128 /* RoomSettings.title */
#define QUIZ_CATEGORY_MAX 64  /* RoomSettings.category, a bank category */
#define QUIZ_FILL_MAX	  128 /* Answer.text, and an accepted fill answer */

#endif
