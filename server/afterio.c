/* Callbacks deferred until after the loop iteration's reads. */
#include "afterio.h"

static void on_idle(uv_idle_t *h)
{
	(void)h;
}

static void on_check(uv_check_t *h)
{
	struct afterio *a = h->data;

	uv_idle_stop(&a->idle);
	uv_check_stop(&a->check);
	a->fn(a->arg);
}

void afterio_init(uv_loop_t *loop, struct afterio *a, void (*fn)(void *),
		  void *arg)
{
	a->fn = fn;
	a->arg = arg;
	uv_idle_init(loop, &a->idle);
	a->idle.data = a;
	uv_check_init(loop, &a->check);
	a->check.data = a;
}

void afterio_arm(struct afterio *a)
{
	uv_idle_start(&a->idle, on_idle);
	uv_check_start(&a->check, on_check);
}

void afterio_close(struct afterio *a, uv_close_cb close_cb, void *data)
{
	a->idle.data = data;
	a->check.data = data;
	uv_close((uv_handle_t *)&a->idle, close_cb);
	uv_close((uv_handle_t *)&a->check, close_cb);
}
