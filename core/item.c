/* The bank container and item helpers (pure: no I/O). */
#include "item.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Allocates an empty bank. */
struct bank *bank_new(void)
{
	return calloc(1, sizeof(struct bank));
}

/* Frees an item's strings and zeroes it, so clearing twice is safe. */
void item_clear(struct item *it)
{
	unsigned i;

	if (!it)
		return;
	free(it->id);
	free(it->stem);
	for (i = 0; i < ITEM_MAX_OPTIONS; i++)
		free(it->options[i]);
	for (i = 0; i < ITEM_MAX_FILLS; i++)
		free(it->fills[i]);
	free(it->explanation);
	free(it->category);
	free(it->basis);
	memset(it, 0, sizeof(*it));
}

/* Frees a bank with all its items. */
void bank_free(struct bank *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < b->n; i++)
		item_clear(&b->items[i]);
	free(b->items);
	free(b);
}

/* Grows geometrically so that n additions cost O(n) copies in all. */
int bank_add(struct bank *b, struct item *it)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct item *v;

		if (cap > (size_t)-1 / sizeof(*v))
			return -ENOMEM;
		v = realloc(b->items, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		b->items = v;
		b->cap = cap;
	}
	b->items[b->n++] = *it;
	memset(it, 0, sizeof(*it));
	return 0;
}

/* Looks an item up by id (linear: used by tools and tests, not per answer). */
const struct item *bank_find(const struct bank *b, const char *id)
{
	size_t i;

	if (!b || !id)
		return NULL;
	for (i = 0; i < b->n; i++)
		if (b->items[i].id && strcmp(b->items[i].id, id) == 0)
			return &b->items[i];
	return NULL;
}

/* Returns the CSV name of a kind. */
const char *item_kind_name(enum item_kind k)
{
	switch (k) {
	case ITEM_SINGLE:
		return "single";
	case ITEM_MULTI:
		return "multi";
	case ITEM_TRUE_FALSE:
		return "truefalse";
	case ITEM_FILL:
		return "fill";
	}
	return NULL;
}

/* Returns the kind whose CSV name is name, or -EINVAL. */
int item_kind_parse(const char *name)
{
	int k;

	for (k = ITEM_SINGLE; name && k <= ITEM_FILL; k++)
		if (strcmp(name, item_kind_name((enum item_kind)k)) == 0)
			return k;
	return -EINVAL;
}
