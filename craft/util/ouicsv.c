/* ouicsv.c - IEEE's registry CSV (RFC 4180: quoted fields may hold commas,
 * "" and newlines) to prefixes and Wireshark-style short names. */
#include "ouicsv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define HEADER "Registry,Assignment,"

/* The field at *pp as it reads (quotes off, "" as "), into buf and cut
 * at `cap` bytes; *pp is left past its comma, or at the record's end. */
static size_t field(const char **pp, const char *end, char *buf, size_t cap)
{
	const char *p = *pp;
	size_t n = 0;
	bool quoted = p < end && *p == '"';
	for (p += quoted; p < end && (quoted || (*p != ',' && *p != '\n')); p++) {
		if (quoted && *p == '"' && (p + 1 == end || p[1] != '"'))
			quoted = false;		/* the closing quote */
		else if (n < cap)
			buf[n++] = *p;
		p += quoted && *p == '"';	/* "" stands for one " */
	}
	*pp = p + (p < end && *p == ',');
	return n;
}

/* Past the record: the first newline outside quotes. */
static const char *record_end(const char *p, const char *end)
{
	bool quoted = false;
	for (;;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *q = memchr(p, '"', (size_t)((nl ? nl : end) - p));
		if (q)
			quoted = !quoted;
		else if (!nl || !quoted)
			return nl ? nl + 1 : end;
		p = q ? q + 1 : nl + 1;
	}
}

/* Words make-manuf.py leaves out of short names, each also with an "s";
 * sorted, for bsearch. */
static const char *const general[] = {
	"a", "ab", "ag", "bv", "co", "company", "corp", "corporation", "ev", "gmbh",
	"holding", "inc", "incorporated", "jsc", "kg", "limited", "llc", "ltd", "nv",
	"oao", "of", "ooo", "oy", "oyj", "plc", "pty", "pvt", "sa", "sarl", "spa", "spk",
	"srl", "systems", "the", "zao", "zoo",
};

static int by_word(const void *key, const void *entry)
{
	return strcmp(key, *(const char *const *)entry);
}

static bool general_word(const char *w, size_t n)
{
	char low[16];
	if (n == 1 && *w == '&')
		return true;
	if (n >= sizeof low)
		return false;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)w[i]);
	low[n] = '\0';
	size_t count = sizeof general / sizeof general[0];
	if (bsearch(low, general, count, sizeof general[0], by_word))
		return true;
	if (n < 2 || low[n - 1] != 's')
		return false;
	low[n - 1] = '\0';
	return bsearch(low, general, count, sizeof general[0], by_word) != NULL;
}

/* The words of s[0, n) run together into `out`, general ones left out if
 * `drop`, up to eight characters (UTF-8 sequences kept whole). */
static size_t join(const char *s, size_t n, bool drop, char *out)
{
	size_t len = 0, chars = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		size_t w = i;
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
		if (drop && general_word(s + w, i - w))
			continue;
		for (size_t k = w; k < i; k++) {
			if (((unsigned char)s[k] & 0xc0) != 0x80 && chars++ == 8)
				return len;
			out[len++] = s[k];
		}
	}
	return len;
}

/* "PCS Systemtechnik GmbH" -> "PCSSyste", "XEROX CORPORATION" -> "Xerox",
 * "TP-LINK TECHNOLOGIES CO.,LTD." -> "Tp-LinkT": capitals only become
 * title case, punctuation a space, and the words are joined into `out`. */
static size_t shorten(char *s, size_t n, char *out)
{
	bool lower = false, upper = false;
	for (size_t i = 0; i < n; i++) {
		lower |= islower((unsigned char)s[i]) != 0;
		upper |= isupper((unsigned char)s[i]) != 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (upper && !lower && isalpha(c))
			s[i] = (char)(i && isalpha((unsigned char)s[i - 1]) ? tolower(c) : c);
		switch (c) {
		case '"': case '\'': case ',': case '.': case '/': case ':': case '(': case ')':
			s[i] = ' ';
		}
	}
	size_t len = join(s, n, true, out);
	return len ? len : join(s, n, false, out);	/* nothing but general words */
}

bool oui_csv(const char *p, const char *end, char *names, oui_block_fn block)
{
	if ((size_t)(end - p) < strlen(HEADER) || memcmp(p, HEADER, strlen(HEADER)) != 0)
		return false;
	while (p < end) {
		char hex[13], name[256], *after;
		field(&p, end, NULL, 0);
		size_t k = field(&p, end, hex, sizeof hex - 1);
		size_t n = field(&p, end, name, sizeof name);
		p = record_end(p, end);
		hex[k] = '\0';
		uint64_t key = strtoull(hex, &after, 16);
		/* The header's "Assignment" and broken rows are no blocks. */
		if (k < 6 || k > 11 || !n || *after || strspn(hex, "0123456789abcdefABCDEF") != k)
			continue;
		size_t len = shorten(name, n, names);
		block(key << (48 - 4 * k), 4 * (unsigned)k, names, len);
		names += len;
	}
	return true;
}
