/* Allocation wrappers that abort on out-of-memory: a server that cannot
 * allocate a few bytes cannot keep its promises anyway (STYLE.md allows it). */
#ifndef QUIZ_XALLOC_H
#define QUIZ_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
