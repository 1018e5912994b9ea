/* Helpers shared by the libFuzzer targets (tests/fuzz). */
#ifndef QUIZ_FUZZ_UTIL_H
#define QUIZ_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>

/* A broken property: say which and abort, so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, what)                                                 \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "FUZZ PROPERTY FAILED: %s (%s:%d)\n",  \
				what, __FILE__, __LINE__);                     \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
