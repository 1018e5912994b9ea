/* The id map behind idmap.h. */
#include "idmap.h"

#include <stdlib.h>

#include "xalloc.h"

static size_t idmap_slot_of(uint64_t id, size_t cap)
{
	/* Fibonacci hashing: sequential ids spread over the table */
	return (size_t)((id * 0x9E3779B97F4A7C15ULL) >> 17) & (cap - 1);
}

static void idmap_grow(struct idmap *m)
{
	struct idmap_slot *old = m->slots;
	size_t oldcap = m->cap, i, j;

	m->cap = oldcap ? oldcap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < oldcap; i++) {
		if (!old[i].id)
			continue;
		j = idmap_slot_of(old[i].id, m->cap);
		while (m->slots[j].id)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

void idmap_put(struct idmap *m, uint64_t id, void *ptr)
{
	size_t j;

	if (!id || !ptr)
		return;
	if ((m->n + 1) * 4 > m->cap * 3)
		idmap_grow(m);
	j = idmap_slot_of(id, m->cap);
	while (m->slots[j].id && m->slots[j].id != id)
		j = (j + 1) & (m->cap - 1);
	if (!m->slots[j].id)
		m->n++;
	m->slots[j].id = id;
	m->slots[j].ptr = ptr;
}

static size_t idmap_find(const struct idmap *m, uint64_t id)
{
	size_t j;

	if (!m->cap || !id)
		return SIZE_MAX;
	j = idmap_slot_of(id, m->cap);
	while (m->slots[j].id) {
		if (m->slots[j].id == id)
			return j;
		j = (j + 1) & (m->cap - 1);
	}
	return SIZE_MAX;
}

void *idmap_get(const struct idmap *m, uint64_t id)
{
	size_t j = idmap_find(m, id);

	return j == SIZE_MAX ? NULL : m->slots[j].ptr;
}

void *idmap_del(struct idmap *m, uint64_t id)
{
	size_t j = idmap_find(m, id), k, home, mask = m->cap - 1;
	void *ptr;

	if (j == SIZE_MAX)
		return NULL;
	ptr = m->slots[j].ptr;
	/* backward shift: pull later entries of the run into the hole when
	 * their home slot is not between the hole and them */
	for (k = (j + 1) & mask; m->slots[k].id; k = (k + 1) & mask) {
		home = idmap_slot_of(m->slots[k].id, m->cap);
		if (((k - home) & mask) >= ((k - j) & mask)) {
			m->slots[j] = m->slots[k];
			j = k;
		}
	}
	m->slots[j].id = 0;
	m->slots[j].ptr = NULL;
	m->n--;
	return ptr;
}

void idmap_each(const struct idmap *m,
		void (*fn)(uint64_t id, void *ptr, void *arg), void *arg)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].id)
			fn(m->slots[i].id, m->slots[i].ptr, arg);
}

void idmap_free(struct idmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
