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

void roomcode_symbols(const uint8_t *raw, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = alphabet[raw[i] & 31];
	out[n] = '\0';
}

int roomcode_read(const char *in, size_t n, char *out)
{
	size_t o = 0;
	char c;

	for (; *in; in++) {
		if (*in == '-' || *in == ' ')
			continue;
		if (o == n || !(c = roomcode_symbol(*in)))
			return -EINVAL;
		out[o++] = c;
	}
	out[o] = '\0';
	return o == n ? 0 : -EINVAL;
}

int roomcode_normalize(const char *in, char out[ROOMCODE_SIZE])
{
	char sym[ROOMCODE_SYMBOLS + 1];

	if (strlen(in) > ROOMCODE_INPUT_MAX ||
	    roomcode_read(in, ROOMCODE_SYMBOLS, sym) < 0)
		return -EINVAL;
	memcpy(out, sym, 4);
	out[4] = '-';
	memcpy(out + 5, sym + 4, 4);
	out[9] = '\0';
	return 0;
}
