/* libFuzzer target: a replicated batch as a standby reads it from the
 * owner's JetStream stream (server/store_repl.c; docs/CLUSTER.md
 * "Takeover"). Whoever can publish on quizd.repl.<owner> can put bytes
 * in front of the standby: the reader must never read past them, and
 * must build only operations the catalogue can run.
 *
 * Property: a batch that decodes is encoded again, operation by
 * operation, to the same bytes (the head's claim bit aside, which the
 * encoder never sets): the reader takes nothing the writer could not
 * have written (minimal varints, no NUL in a text, nothing after the
 * last operation). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct repl_buf b = {0};
	struct op *head, *op, *next;
	uint32_t i;

	if (store_repl_decode(data, size, &head) < 0)
		return 0;
	for (op = head; op; op = op->next)
		for (i = 0; i < op->nsteps; i++)
			if (op->steps[i].sql >= OPS__COUNT)
				abort();
	store_repl_encode(&b, head);
	if (size < 9 || b.len != size || b.data[4] != 0 ||
	    memcmp(b.data, data, 4) != 0 ||
	    memcmp(b.data + 5, data + 5, size - 5) != 0) {
		fprintf(stderr, "fuzz_repl: %zu bytes decode, encode to %zu\n",
			size, b.len);
		abort();
	}
	for (op = head; op; op = next) {
		next = op->next;
		free(op);
	}
	free(b.data);
	return 0;
}
