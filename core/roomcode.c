/* Room codes in Crockford's base32: see roomcode.h. */
#include "roomcode.h"

#include <errno.h>
#include <string.h>

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void roomcode_format(uint64_t bits, char out[ROOMCODE_SIZE])
{
	int i, o = 0;

	for (i = ROOMCODE_SYMBOLS - 1; i >= 0; i--) {
		out[o++] = alphabet[(bits >> (5 * i)) & 31];
		if (i == ROOMCODE_SYMBOLS / 2)
			out[o++] = '-';
	}
	out[o] = '\0';
}

/* The canonical symbol a typed character stands for, or 0 for none. */
static char roomcode_symbol(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		return '0';
	if (c == 'I' || c == 'L')
		return '1';
	if (c == 'U' || !c)
		return 0;
	return strchr(alphabet, c) ? c : 0;
}

int roomcode_normalize(const char *in, char out[ROOMCODE_SIZE])
{
	char sym[ROOMCODE_SYMBOLS];
	size_t n = 0, len = strlen(in), i;

	if (len > ROOMCODE_INPUT_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (c == '-' || c == ' ')
			continue;
		if (n == ROOMCODE_SYMBOLS || !(c = roomcode_symbol(c)))
			return -EINVAL;
		sym[n++] = c;
	}
	if (n != ROOMCODE_SYMBOLS)
		return -EINVAL;
	memcpy(out, sym, 4);
	out[4] = '-';
	memcpy(out + 5, sym + 4, 4);
	out[9] = '\0';
	return 0;
}
