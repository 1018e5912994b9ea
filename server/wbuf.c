/* Reference-counted frames (struct wbuf, declared in server/net.h): a
 * broadcast is packed once and written to many connections. Its own file so
 * that test stand-ins for net.c (tests/fuzz/fake_net.c) share it. */
#include "net.h"

#include <stdlib.h>

#include "xalloc.h"

struct wbuf *wbuf_new(size_t len)
{
	struct wbuf *b = xmalloc(sizeof(*b) + len);

	b->refs = 1;
	b->len = len;
	return b;
}

void wbuf_ref(struct wbuf *b)
{
	b->refs++;
}

void wbuf_unref(struct wbuf *b)
{
	if (b && --b->refs == 0)
		free(b);
}
