/* The table of round formats this build runs. */
#include "format.h"

#include <stddef.h>

/* Indexed by enum round_format; NULL: not run by this build. */
static const struct fmt_vt *const fmt_table[FMT_COUNT] = {
    [FMT_SPEED] = &fmt_speed,
    [FMT_TURN] = &fmt_turn,
    [FMT_WAGER] = &fmt_wager,
    [FMT_BUZZ] = &fmt_buzz,
};

/* The vtable of a format, or NULL. */
const struct fmt_vt *fmt_find(enum round_format f)
{
	if ((unsigned)f >= FMT_COUNT)
		return NULL;
	return fmt_table[f];
}
