/* UTF-8 validation, fill-answer normalisation, names and display width. */
#include "text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>

/* An inclusive range of code points. */
struct text_range {
	uint32_t first;
	uint32_t last;
};

/* Zero-width code points: general categories Mn, Me and Cf (except the soft
 * hyphen), Hangul medial/final jamo and U+200B, with unassigned gaps merged.
 * Generated from Unicode 14.0 data. */
static const struct text_range text_zero_width[] = {
    {0x0300, 0x036F},	{0x0483, 0x0489},   {0x0591, 0x05BD},
    {0x05BF, 0x05BF},	{0x05C1, 0x05C2},   {0x05C4, 0x05C5},
    {0x05C7, 0x05C7},	{0x0600, 0x0605},   {0x0610, 0x061A},
    {0x061C, 0x061C},	{0x064B, 0x065F},   {0x0670, 0x0670},
    {0x06D6, 0x06DD},	{0x06DF, 0x06E4},   {0x06E7, 0x06E8},
    {0x06EA, 0x06ED},	{0x070F, 0x070F},   {0x0711, 0x0711},
    {0x0730, 0x074A},	{0x07A6, 0x07B0},   {0x07EB, 0x07F3},
    {0x07FD, 0x07FD},	{0x0816, 0x0819},   {0x081B, 0x0823},
    {0x0825, 0x0827},	{0x0829, 0x082D},   {0x0859, 0x085B},
    {0x0890, 0x089F},	{0x08CA, 0x0902},   {0x093A, 0x093A},
    {0x093C, 0x093C},	{0x0941, 0x0948},   {0x094D, 0x094D},
    {0x0951, 0x0957},	{0x0962, 0x0963},   {0x0981, 0x0981},
    {0x09BC, 0x09BC},	{0x09C1, 0x09C4},   {0x09CD, 0x09CD},
    {0x09E2, 0x09E3},	{0x09FE, 0x0A02},   {0x0A3C, 0x0A3C},
    {0x0A41, 0x0A51},	{0x0A70, 0x0A71},   {0x0A75, 0x0A75},
    {0x0A81, 0x0A82},	{0x0ABC, 0x0ABC},   {0x0AC1, 0x0AC8},
    {0x0ACD, 0x0ACD},	{0x0AE2, 0x0AE3},   {0x0AFA, 0x0B01},
    {0x0B3C, 0x0B3C},	{0x0B3F, 0x0B3F},   {0x0B41, 0x0B44},
    {0x0B4D, 0x0B56},	{0x0B62, 0x0B63},   {0x0B82, 0x0B82},
    {0x0BC0, 0x0BC0},	{0x0BCD, 0x0BCD},   {0x0C00, 0x0C00},
    {0x0C04, 0x0C04},	{0x0C3C, 0x0C3C},   {0x0C3E, 0x0C40},
    {0x0C46, 0x0C56},	{0x0C62, 0x0C63},   {0x0C81, 0x0C81},
    {0x0CBC, 0x0CBC},	{0x0CBF, 0x0CBF},   {0x0CC6, 0x0CC6},
    {0x0CCC, 0x0CCD},	{0x0CE2, 0x0CE3},   {0x0D00, 0x0D01},
    {0x0D3B, 0x0D3C},	{0x0D41, 0x0D44},   {0x0D4D, 0x0D4D},
    {0x0D62, 0x0D63},	{0x0D81, 0x0D81},   {0x0DCA, 0x0DCA},
    {0x0DD2, 0x0DD6},	{0x0E31, 0x0E31},   {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E},	{0x0EB1, 0x0EB1},   {0x0EB4, 0x0EBC},
    {0x0EC8, 0x0ECD},	{0x0F18, 0x0F19},   {0x0F35, 0x0F35},
    {0x0F37, 0x0F37},	{0x0F39, 0x0F39},   {0x0F71, 0x0F7E},
    {0x0F80, 0x0F84},	{0x0F86, 0x0F87},   {0x0F8D, 0x0FBC},
    {0x0FC6, 0x0FC6},	{0x102D, 0x1030},   {0x1032, 0x1037},
    {0x1039, 0x103A},	{0x103D, 0x103E},   {0x1058, 0x1059},
    {0x105E, 0x1060},	{0x1071, 0x1074},   {0x1082, 0x1082},
    {0x1085, 0x1086},	{0x108D, 0x108D},   {0x109D, 0x109D},
    {0x1160, 0x11FF},	{0x135D, 0x135F},   {0x1712, 0x1714},
    {0x1732, 0x1733},	{0x1752, 0x1753},   {0x1772, 0x1773},
    {0x17B4, 0x17B5},	{0x17B7, 0x17BD},   {0x17C6, 0x17C6},
    {0x17C9, 0x17D3},	{0x17DD, 0x17DD},   {0x180B, 0x180F},
    {0x1885, 0x1886},	{0x18A9, 0x18A9},   {0x1920, 0x1922},
    {0x1927, 0x1928},	{0x1932, 0x1932},   {0x1939, 0x193B},
    {0x1A17, 0x1A18},	{0x1A1B, 0x1A1B},   {0x1A56, 0x1A56},
    {0x1A58, 0x1A60},	{0x1A62, 0x1A62},   {0x1A65, 0x1A6C},
    {0x1A73, 0x1A7F},	{0x1AB0, 0x1B03},   {0x1B34, 0x1B34},
    {0x1B36, 0x1B3A},	{0x1B3C, 0x1B3C},   {0x1B42, 0x1B42},
    {0x1B6B, 0x1B73},	{0x1B80, 0x1B81},   {0x1BA2, 0x1BA5},
    {0x1BA8, 0x1BA9},	{0x1BAB, 0x1BAD},   {0x1BE6, 0x1BE6},
    {0x1BE8, 0x1BE9},	{0x1BED, 0x1BED},   {0x1BEF, 0x1BF1},
    {0x1C2C, 0x1C33},	{0x1C36, 0x1C37},   {0x1CD0, 0x1CD2},
    {0x1CD4, 0x1CE0},	{0x1CE2, 0x1CE8},   {0x1CED, 0x1CED},
    {0x1CF4, 0x1CF4},	{0x1CF8, 0x1CF9},   {0x1DC0, 0x1DFF},
    {0x200B, 0x200F},	{0x202A, 0x202E},   {0x2060, 0x206F},
    {0x20D0, 0x20F0},	{0x2CEF, 0x2CF1},   {0x2D7F, 0x2D7F},
    {0x2DE0, 0x2DFF},	{0x302A, 0x302D},   {0x3099, 0x309A},
    {0xA66F, 0xA672},	{0xA674, 0xA67D},   {0xA69E, 0xA69F},
    {0xA6F0, 0xA6F1},	{0xA802, 0xA802},   {0xA806, 0xA806},
    {0xA80B, 0xA80B},	{0xA825, 0xA826},   {0xA82C, 0xA82C},
    {0xA8C4, 0xA8C5},	{0xA8E0, 0xA8F1},   {0xA8FF, 0xA8FF},
    {0xA926, 0xA92D},	{0xA947, 0xA951},   {0xA980, 0xA982},
    {0xA9B3, 0xA9B3},	{0xA9B6, 0xA9B9},   {0xA9BC, 0xA9BD},
    {0xA9E5, 0xA9E5},	{0xAA29, 0xAA2E},   {0xAA31, 0xAA32},
    {0xAA35, 0xAA36},	{0xAA43, 0xAA43},   {0xAA4C, 0xAA4C},
    {0xAA7C, 0xAA7C},	{0xAAB0, 0xAAB0},   {0xAAB2, 0xAAB4},
    {0xAAB7, 0xAAB8},	{0xAABE, 0xAABF},   {0xAAC1, 0xAAC1},
    {0xAAEC, 0xAAED},	{0xAAF6, 0xAAF6},   {0xABE5, 0xABE5},
    {0xABE8, 0xABE8},	{0xABED, 0xABED},   {0xFB1E, 0xFB1E},
    {0xFE00, 0xFE0F},	{0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF},
    {0xFFF9, 0xFFFB},	{0x101FD, 0x101FD}, {0x102E0, 0x102E0},
    {0x10376, 0x1037A}, {0x10A01, 0x10A0F}, {0x10A38, 0x10A3F},
    {0x10AE5, 0x10AE6}, {0x10D24, 0x10D27}, {0x10EAB, 0x10EAC},
    {0x10F46, 0x10F50}, {0x10F82, 0x10F85}, {0x11001, 0x11001},
    {0x11038, 0x11046}, {0x11070, 0x11070}, {0x11073, 0x11074},
    {0x1107F, 0x11081}, {0x110B3, 0x110B6}, {0x110B9, 0x110BA},
    {0x110BD, 0x110BD}, {0x110C2, 0x110CD}, {0x11100, 0x11102},
    {0x11127, 0x1112B}, {0x1112D, 0x11134}, {0x11173, 0x11173},
    {0x11180, 0x11181}, {0x111B6, 0x111BE}, {0x111C9, 0x111CC},
    {0x111CF, 0x111CF}, {0x1122F, 0x11231}, {0x11234, 0x11234},
    {0x11236, 0x11237}, {0x1123E, 0x1123E}, {0x112DF, 0x112DF},
    {0x112E3, 0x112EA}, {0x11300, 0x11301}, {0x1133B, 0x1133C},
    {0x11340, 0x11340}, {0x11366, 0x11374}, {0x11438, 0x1143F},
    {0x11442, 0x11444}, {0x11446, 0x11446}, {0x1145E, 0x1145E},
    {0x114B3, 0x114B8}, {0x114BA, 0x114BA}, {0x114BF, 0x114C0},
    {0x114C2, 0x114C3}, {0x115B2, 0x115B5}, {0x115BC, 0x115BD},
    {0x115BF, 0x115C0}, {0x115DC, 0x115DD}, {0x11633, 0x1163A},
    {0x1163D, 0x1163D}, {0x1163F, 0x11640}, {0x116AB, 0x116AB},
    {0x116AD, 0x116AD}, {0x116B0, 0x116B5}, {0x116B7, 0x116B7},
    {0x1171D, 0x1171F}, {0x11722, 0x11725}, {0x11727, 0x1172B},
    {0x1182F, 0x11837}, {0x11839, 0x1183A}, {0x1193B, 0x1193C},
    {0x1193E, 0x1193E}, {0x11943, 0x11943}, {0x119D4, 0x119DB},
    {0x119E0, 0x119E0}, {0x11A01, 0x11A0A}, {0x11A33, 0x11A38},
    {0x11A3B, 0x11A3E}, {0x11A47, 0x11A47}, {0x11A51, 0x11A56},
    {0x11A59, 0x11A5B}, {0x11A8A, 0x11A96}, {0x11A98, 0x11A99},
    {0x11C30, 0x11C3D}, {0x11C3F, 0x11C3F}, {0x11C92, 0x11CA7},
    {0x11CAA, 0x11CB0}, {0x11CB2, 0x11CB3}, {0x11CB5, 0x11CB6},
    {0x11D31, 0x11D45}, {0x11D47, 0x11D47}, {0x11D90, 0x11D91},
    {0x11D95, 0x11D95}, {0x11D97, 0x11D97}, {0x11EF3, 0x11EF4},
    {0x13430, 0x13438}, {0x16AF0, 0x16AF4}, {0x16B30, 0x16B36},
    {0x16F4F, 0x16F4F}, {0x16F8F, 0x16F92}, {0x16FE4, 0x16FE4},
    {0x1BC9D, 0x1BC9E}, {0x1BCA0, 0x1CF46}, {0x1D167, 0x1D169},
    {0x1D173, 0x1D182}, {0x1D185, 0x1D18B}, {0x1D1AA, 0x1D1AD},
    {0x1D242, 0x1D244}, {0x1DA00, 0x1DA36}, {0x1DA3B, 0x1DA6C},
    {0x1DA75, 0x1DA75}, {0x1DA84, 0x1DA84}, {0x1DA9B, 0x1DAAF},
    {0x1E000, 0x1E02A}, {0x1E130, 0x1E136}, {0x1E2AE, 0x1E2AE},
    {0x1E2EC, 0x1E2EF}, {0x1E8D0, 0x1E8D6}, {0x1E944, 0x1E94A},
    {0xE0001, 0xE01EF},
};

/* East Asian Wide (W) and Fullwidth (F) code points, with unassigned gaps
 * merged and the CJK ideograph planes 2 and 3 taken whole. Unicode 14.0. */
static const struct text_range text_wide[] = {
    {0x1100, 0x115F},	{0x231A, 0x231B},   {0x2329, 0x232A},
    {0x23E9, 0x23EC},	{0x23F0, 0x23F0},   {0x23F3, 0x23F3},
    {0x25FD, 0x25FE},	{0x2614, 0x2615},   {0x2648, 0x2653},
    {0x267F, 0x267F},	{0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},	{0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},	{0x26D4, 0x26D4},   {0x26EA, 0x26EA},
    {0x26F2, 0x26F3},	{0x26F5, 0x26F5},   {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},	{0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},	{0x274C, 0x274C},   {0x274E, 0x274E},
    {0x2753, 0x2755},	{0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},	{0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},	{0x2B55, 0x2B55},   {0x2E80, 0x3029},
    {0x302E, 0x303E},	{0x3041, 0x3096},   {0x309B, 0x3247},
    {0x3250, 0x4DBF},	{0x4E00, 0xA4C6},   {0xA960, 0xA97C},
    {0xAC00, 0xD7A3},	{0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6B},	{0xFF01, 0xFF60},   {0xFFE0, 0xFFE6},
    {0x16FE0, 0x16FE3}, {0x16FF0, 0x1B2FB}, {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A},
    {0x1F200, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C},
    {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3},
    {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D},
    {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
    {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F},
    {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
    {0x1F7E0, 0x1F7F0}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAF6}, {0x20000, 0x3FFFD},
};

/* Whether cp falls in one of the n sorted ranges (binary search). */
static int text_in_ranges(const struct text_range *r, size_t n, uint32_t cp)
{
	size_t lo = 0, hi = n;

	if (n == 0 || cp < r[0].first || cp > r[n - 1].last)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp > r[mid].last)
			lo = mid + 1;
		else if (cp < r[mid].first)
			hi = mid;
		else
			return 1;
	}
	return 0;
}

/* Decodes one UTF-8 sequence, strictly (no overlongs, no surrogates). */
int text_utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c = u[0], min;
	size_t n, i;

	*cp = c;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return -EILSEQ; /* continuation byte, C0/C1 overlong lead,
				   F5..FF */
	}
	if (len < n)
		return -EILSEQ;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return -EILSEQ;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return -EILSEQ;
	*cp = c;
	return (int)n;
}

/* Checks that a whole buffer is well-formed UTF-8. */
int text_utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	uint32_t cp;

	while (i < len) {
		int n = text_utf8_next(s + i, len - i, &cp);

		if (n < 0)
			return 0;
		i += (size_t)n;
	}
	return 1;
}

/* Control characters and invisible reorderers no name may contain. */
int text_is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 ||
	       cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

/* White space and invisible separators: nothing a reader can see. */
static int text_is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || cp == 0x85 ||
	       cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200f) ||
	       cp == 0x202f || (cp >= 0x205f && cp <= 0x2064) || cp == 0x3000 ||
	       cp == 0xfeff;
}

/* Punctuation that text_normalize drops: ASCII punctuation, the general
 * punctuation block whole (its spaces and invisible format characters
 * too), supplemental punctuation, the punctuation of the CJK symbols
 * block (not 々, 〆, 〇 or the Hangzhou numerals, which are text), CJK
 * vertical, compatibility and small forms, halfwidth CJK punctuation and a
 * few Latin-1 marks (·, «, », §, ¶, ¡, ¿). Full-width ASCII has already
 * been folded to ASCII when this is asked. */
static int text_is_punct(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 0x21 && cp <= 0x2f) ||
		       (cp >= 0x3a && cp <= 0x40) ||
		       (cp >= 0x5b && cp <= 0x60) || (cp >= 0x7b && cp <= 0x7e);
	if (cp < 0x100)
		return cp == 0xa1 || cp == 0xa7 || cp == 0xab || cp == 0xb6 ||
		       cp == 0xb7 || cp == 0xbb || cp == 0xbf;
	return (cp >= 0x2000 && cp <= 0x206f) ||
	       (cp >= 0x2e00 && cp <= 0x2e7f) ||
	       (cp >= 0x3001 && cp <= 0x3004) ||
	       (cp >= 0x3008 && cp <= 0x3020) || cp == 0x3030 || cp == 0x303d ||
	       cp == 0x30fb || (cp >= 0xfe10 && cp <= 0xfe19) ||
	       (cp >= 0xfe30 && cp <= 0xfe6b) || (cp >= 0xff5f && cp <= 0xff65);
}

/* Appends the UTF-8 encoding of cp at out[*n] if it fits (one byte is kept
 * for the terminating NUL). Returns 0 or -ENOSPC. */
static int text_put(char *out, size_t cap, size_t *n, uint32_t cp)
{
	unsigned char b[4];
	size_t k;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		k = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		k = 4;
	}
	if (*n + k >= cap)
		return -ENOSPC;
	memcpy(out + *n, b, k);
	*n += k;
	return 0;
}

/* An invalid byte becomes U+FFFD rather than being copied or dropped:
 * copied bytes could pair up into a valid character once the text between
 * them is dropped ("B\xc2@\x8c" gave "b\xc2\x8c", U+008C, which the next
 * pass drops, so normalising twice differed from once), and dropping them
 * would join the text around them ("ad\xffmin" would match "admin"). The
 * output is therefore always valid UTF-8 and normalising it again changes
 * nothing. */
int text_normalize(const char *in, char *out, size_t cap)
{
	size_t len = strlen(in), i = 0, n = 0;

	if (cap == 0)
		return -ENOSPC;
	while (i < len) {
		uint32_t cp;
		int k = text_utf8_next(in + i, len - i, &cp);

		if (k < 0) {
			if (text_put(out, cap, &n, 0xfffd) < 0)
				goto nospc;
			i++;
			continue;
		}
		i += (size_t)k;
		if (cp >= 0xff01 && cp <= 0xff5e)
			cp -= 0xff01 - 0x21;
		if (text_is_space(cp) || text_is_punct(cp) ||
		    text_is_control(cp))
			continue;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if (text_put(out, cap, &n, cp) < 0)
			goto nospc;
	}
	out[n] = '\0';
	return (int)n;
nospc:
	out[0] = '\0';
	return -ENOSPC;
}

/* Longest text (bytes) item_fill_matches normalises; longer never matches. */
#define TEXT_FILL_MAX 1024

/* Compares typed text with each accepted answer, both normalised. */
int item_fill_matches(const struct item *it, const char *text)
{
	char typed[TEXT_FILL_MAX + 1], want[TEXT_FILL_MAX + 1];
	unsigned i;

	if (!it || !text || it->kind != ITEM_FILL)
		return 0;
	if (text_normalize(text, typed, sizeof(typed)) <= 0)
		return 0;
	for (i = 0; i < it->n_fills && i < ITEM_MAX_FILLS; i++) {
		if (!it->fills[i] ||
		    text_normalize(it->fills[i], want, sizeof(want)) <= 0)
			continue;
		if (strcmp(typed, want) == 0)
			return 1;
	}
	return 0;
}

/* Whether a name may not hold cp at all: controls (text_is_control),
 * format characters (Cf: bidi marks, zero-width space and joiners, word
 * joiner, BOM, soft hyphen, tags...), surrogates, private use and
 * unassigned code points (their look is unknown), line and paragraph
 * separators, other default-ignorable code points (the Hangul fillers
 * U+115F, U+1160, U+3164, U+FFA0, the combining grapheme joiner...) and
 * the blank Braille pattern U+2800. Variation selectors are judged by
 * their place (text_valid_name). */
static int text_name_refused(uint32_t cp)
{
	if (text_is_control(cp) || cp == 0x2800)
		return 1;
	if (uc_is_property_variation_selector(cp))
		return 0;
	return uc_is_general_category(cp, UC_CATEGORY_C) ||
	       uc_is_general_category(cp, UC_CATEGORY_Zl) ||
	       uc_is_general_category(cp, UC_CATEGORY_Zp) ||
	       uc_is_property_default_ignorable_code_point(cp);
}

/* Checks a display name: bounded, UTF-8, no invisible or control
 * character, no space at either end, something visible. */
int text_valid_name(const char *s, size_t max_bytes)
{
	size_t len, i = 0;
	int visible = 0, prev_visible = 0, space = 0;

	if (!s)
		return 0;
	len = strnlen(s, max_bytes + 1);
	if (len == 0 || len > max_bytes)
		return 0;
	while (i < len) {
		uint32_t cp;
		int k = text_utf8_next(s + i, len - i, &cp), mark, vs;

		if (k < 0 || text_name_refused(cp))
			return 0;
		space = uc_is_general_category(cp, UC_CATEGORY_Zs);
		mark = uc_is_general_category(cp, UC_CATEGORY_M);
		vs = uc_is_property_variation_selector(cp);
		/* a leading space hides; a mark or selector with nothing
		 * before it lands on whatever the screen shows there */
		if (i == 0 && (space || mark))
			return 0;
		if (vs && !prev_visible)
			return 0;
		prev_visible = !space && !mark && !vs;
		visible |= prev_visible;
		i += (size_t)k;
	}
	return visible && !space;
}

/* Folds a valid name to its key: NFKC, case folding, no variation
 * selectors, white space runs made one ASCII space. */
int text_name_key(const char *s, char *out, size_t cap)
{
	uint8_t *nf = NULL, *cf = NULL;
	size_t len, nlen = 0, clen = 0, i = 0, n = 0;
	int rc, space = 0;

	if (cap == 0)
		return -ENOSPC;
	out[0] = '\0';
	if (!s)
		return -EINVAL;
	len = strlen(s);
	if (!text_utf8_valid(s, len))
		return -EILSEQ;
	if (len == 0)
		return 0;
	nf = u8_normalize(UNINORM_NFKC, (const uint8_t *)s, len, NULL, &nlen);
	if (!nf)
		goto nomem;
	cf = u8_casefold(nf, nlen, NULL, UNINORM_NFKC, NULL, &clen);
	if (!cf)
		goto nomem;
	while (i < clen) {
		uint32_t cp;
		int k = text_utf8_next((const char *)cf + i, clen - i, &cp);

		if (k < 0) { /* libunistring writes valid UTF-8 */
			rc = -EILSEQ;
			goto fail;
		}
		i += (size_t)k;
		if (uc_is_property_default_ignorable_code_point(cp))
			continue;
		if (uc_is_general_category(cp, UC_CATEGORY_Zs) ||
		    text_is_control(cp)) {
			space = n > 0;
			continue;
		}
		if ((space && text_put(out, cap, &n, ' ') < 0) ||
		    text_put(out, cap, &n, cp) < 0) {
			rc = -ENOSPC;
			goto fail;
		}
		space = 0;
	}
	out[n] = '\0';
	rc = (int)n;
	goto done;
nomem:
	rc = -ENOMEM;
fail:
	out[0] = '\0';
done:
	free(nf);
	free(cf);
	return rc;
}

/* Copies server text for display, dropping what a terminal would obey. */
size_t text_sanitize(char *dst, size_t cap, const char *src, int keep_newline)
{
	size_t len, i = 0, n = 0;

	if (cap == 0)
		return 0;
	len = src ? strlen(src) : 0;
	while (i < len) {
		uint32_t cp;
		int k = text_utf8_next(src + i, len - i, &cp);

		if (k < 0) {
			cp = 0xfffd;
			k = 1;
		} else if (cp == '\t') {
			cp = ' ';
		} else if (text_is_control(cp) &&
			   !(keep_newline && cp == '\n')) {
			i += (size_t)k;
			continue;
		}
		if (text_put(dst, cap, &n, cp) < 0)
			break;
		i += (size_t)k;
	}
	dst[n] = '\0';
	return n;
}

/* Terminal columns of one code point, from the tables above. */
int text_cp_width(uint32_t cp)
{
	if (text_is_control(cp))
		return 0;
	if (text_in_ranges(text_zero_width,
			   sizeof(text_zero_width) / sizeof(text_zero_width[0]),
			   cp))
		return 0;
	if (text_in_ranges(text_wide, sizeof(text_wide) / sizeof(text_wide[0]),
			   cp))
		return 2;
	return 1;
}

/* Terminal columns of a string; invalid bytes count one each. */
size_t text_display_width(const char *s)
{
	size_t len, i = 0, w = 0;

	if (!s)
		return 0;
	len = strlen(s);
	while (i < len) {
		uint32_t cp;
		int k = text_utf8_next(s + i, len - i, &cp);

		if (k < 0) {
			w++;
			i++;
			continue;
		}
		w += (size_t)text_cp_width(cp);
		i += (size_t)k;
	}
	return w;
}

uint32_t text_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

/* Compares secrets in time that depends on the stored length only. */
int text_secret_eq(const char *given, const char *stored)
{
	size_t i, gl = strlen(given), sl = strlen(stored);
	volatile unsigned char diff = (unsigned char)(gl != sl);

	for (i = 0; i < sl; i++)
		diff |= (unsigned char)((i < gl ? given[i] : 0) ^ stored[i]);
	return diff == 0;
}

int text_hex_bytes(const char *s, size_t digits, uint8_t *out)
{
	size_t i;

	for (i = 0; i < digits; i++) {
		int c = (unsigned char)s[i], v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else
			return -1; /* the end of s included */
		if (i % 2)
			out[i / 2] = (uint8_t)(out[i / 2] << 4 | v);
		else
			out[i / 2] = (uint8_t)v;
	}
	return s[digits] ? -1 : 0;
}

void text_bytes_hex(const uint8_t *b, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}
