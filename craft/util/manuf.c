/* manuf.c - MAC prefixes to makers' names: every file's entries in one
 * array sorted by prefix, the longest prefix found by a binary search for
 * each prefix length the files use.  The files are mapped, not copied, and
 * Wireshark's names point into them: a 2 MB manuf costs one pass over its
 * lines and a page fault per 64 KB. */
#include "manuf.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ouicsv.h"
#include "strbuf.h"
#include "xalloc.h"

/* How Wireshark 4.0 shows a name: alone (it names one address), with the
 * last three bytes (a maker's OUI), or with the bytes past the prefix,
 * leading zero bytes left out (a range: "IPv6mcast_16", "Convergi_01"). */
enum style { ST_ADDRESS, ST_OUI, ST_RANGE };

/* 16 bytes: a registry has some 50,000 entries, each written once. */
struct entry {
	const char *name;	/* in one of the mapped files, not NUL-ended */
	uint64_t key : 48;	/* the prefix in a 48-bit address, the rest zero */
	uint64_t bits : 6, style : 2, len : 8;
};

struct mapped {
	char *p;
	size_t size;
	char *names;	/* IEEE's names, shortened; NULL for Wireshark's */
};

static struct {
	char *files;		/* manuf_use's list, to know it again */
	bool loaded;
	struct mapped *maps;
	size_t nmaps;
	struct entry *e;
	size_t n, cap;
	uint8_t lens[48];	/* the prefix lengths entries have, longest first */
	size_t nlens;
	/* The last addresses looked up and what they found (NULL: nothing):
	 * a capture names the same two ends frame after frame. */
	struct {
		bool valid;
		uint64_t mac;
		const struct entry *e;
	} last[2];
	unsigned next;		/* the slot of last[] to fill next */
} table;

#define MAX_FILE (64u << 20)	/* far above any registry's size */
#define MAC_MASK UINT64_C(0xffffffffffff)

static uint64_t prefix_mask(unsigned bits)
{
	return (MAC_MASK << (48 - bits)) & MAC_MASK;
}

static void add(uint64_t key, unsigned bits, enum style style, const char *name, size_t len)
{
	if (table.n == table.cap) {
		table.cap = 2 * table.cap + 64;
		table.e = xrealloc(table.e, table.cap * sizeof *table.e);
	}
	table.e[table.n++] = (struct entry){ name, key & prefix_mask(bits), bits, style,
					     len < MANUF_NAME_MAX ? len : MANUF_NAME_MAX };
}

/* IEEE's blocks: MA-L is a maker's OUI, MA-M, MA-S and IAB are ranges. */
static void add_block(uint64_t key, unsigned bits, const char *name, size_t len)
{
	add(key, bits, bits == 24 ? ST_OUI : ST_RANGE, name, len);
}

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* One line of manuf or wka: ADDRESS[/BITS] NAME [long name], '#' opening a
 * comment.  Six bytes name one address, three a maker's block, /BITS a
 * range; bytes are split by ':', '-' or '.'.  Returns the next line. */
static const char *manuf_line(const char *p, const char *end)
{
	while (p < end && blank(*p))
		p++;
	uint64_t key = 0;
	unsigned octets = 0;
	do {
		if (octets == 6 || p == end || hex(*p) < 0)
			goto skip;
		unsigned v = (unsigned)hex(*p++);
		if (p < end && hex(*p) >= 0)
			v = v << 4 | (unsigned)hex(*p++);
		key |= (uint64_t)v << (40 - 8 * octets++);
	} while (p < end && memchr(":-.", *p, 3) && p++);
	unsigned bits = 8 * octets;
	enum style style = octets == 6 ? ST_ADDRESS : octets == 3 ? ST_OUI : ST_RANGE;
	if (p < end && *p == '/') {
		unsigned b = 0;
		while (++p < end && *p >= '0' && *p <= '9' && b <= 48)
			b = b * 10 + (unsigned)(*p - '0');
		if (b < 1 || b > 48)
			goto skip;
		bits = b;
		style = bits == 48 ? ST_ADDRESS : ST_RANGE;
	}
	if (p == end || !blank(*p))
		goto skip;
	while (p < end && blank(*p))
		p++;
	const char *name = p;
	/* A name is printable ASCII: a control byte in the file ends it. */
	while (p < end && (unsigned char)*p > ' ' && *p != 0x7f && *p != '#')
		p++;
	if (p > name)
		add(key, bits, style, name, (size_t)(p - name));
skip:
	p = p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
	return p ? p + 1 : end;
}

static int by_prefix(const struct entry *x, const struct entry *y)
{
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->bits < y->bits ? -1 : x->bits > y->bits;
}

/* Within one file, whose names lie in the order read: the earlier first. */
static int by_prefix_then_place(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = by_prefix(x, y);
	return c ? c : x->name < y->name ? -1 : x->name > y->name;
}

/* Entries [from, n), one file's, sorted: most often they are already,
 * and merged with the earlier files' instead of sorting them all again
 * (an earlier file's entry first when both name a prefix). */
static void sort_run(size_t from)
{
	struct entry *e = table.e;
	size_t i = from + 1;
	while (i < table.n && by_prefix(&e[i - 1], &e[i]) < 0)
		i++;
	if (i < table.n)
		qsort(e + from, table.n - from, sizeof *e, by_prefix_then_place);
	if (!from || from == table.n || by_prefix(&e[from - 1], &e[from]) < 0)
		return;
	/* From the back, the new run aside: no second array of it all. */
	size_t a = from, b = table.n - from, k = table.n;
	struct entry *run = xmalloc(b * sizeof *e);
	memcpy(run, e + from, b * sizeof *e);
	while (b)
		e[--k] = a && by_prefix(&e[a - 1], &run[b - 1]) > 0 ? e[--a] : run[--b];
	free(run);
}

/* One entry per prefix (the earliest read), and the lengths there are. */
static void index_entries(void)
{
	bool used[49] = { false };
	size_t kept = 0;
	for (size_t i = 0; i < table.n; i++) {
		struct entry *e = &table.e[i];
		if (kept && table.e[kept - 1].key == e->key && table.e[kept - 1].bits == e->bits)
			continue;
		table.e[kept++] = *e;
		used[e->bits] = true;
	}
	table.n = kept;
	for (unsigned b = 48; b >= 1; b--)
		if (used[b])
			table.lens[table.nlens++] = (uint8_t)b;
}

/* Maps the file: its bytes are read at the first lookup. */
static void map_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);	/* a FIFO: refused, not waited for */
	if (fd < 0)
		return;
	struct stat st;
	char *p = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= MAX_FILE)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return;
	table.maps = xrealloc(table.maps, (table.nmaps + 1) * sizeof *table.maps);
	table.maps[table.nmaps++] = (struct mapped){ p, (size_t)st.st_size, NULL };
}

static void read_map(struct mapped *m)
{
	size_t from = table.n;
	/* Room for a line of 16 bytes or more, once: growing the array as it
	 * fills would touch (fault in) three times its pages. */
	if (table.cap - table.n < m->size / 16) {
		table.cap = table.n + m->size / 16 + 64;
		table.e = xrealloc(table.e, table.cap * sizeof *table.e);
	}
	m->names = xmalloc(m->size);
	if (!oui_csv(m->p, m->p + m->size, m->names, add_block)) {
		free(m->names);
		m->names = NULL;
		for (const char *at = m->p; at < m->p + m->size;)
			at = manuf_line(at, m->p + m->size);
	}
	sort_run(from);
}

void manuf_use(const char *files)
{
	if (files && table.files && strcmp(files, table.files) == 0)
		return;
	for (size_t i = 0; i < table.nmaps; i++) {
		munmap(table.maps[i].p, table.maps[i].size);
		free(table.maps[i].names);
	}
	free(table.maps);
	free(table.e);
	free(table.files);
	memset(&table, 0, sizeof table);
	if (!files)
		return;
	table.files = xstrdup(files);
	for (const char *p = files; *p;) {
		size_t n = strcspn(p, ":;");
		char path[PATH_MAX];
		if (n && n < sizeof path) {
			memcpy(path, p, n);
			path[n] = '\0';
			map_file(path);
		}
		p += n;
		if (*p == ';' && table.nmaps)
			break;		/* this alternative has files: the next is not needed */
		p += *p != '\0';
	}
}

static const struct entry *find(uint64_t key, unsigned bits)
{
	size_t lo = 0, hi = table.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct entry *e = &table.e[mid];
		if (e->key < key || (e->key == key && e->bits < bits))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < table.n && table.e[lo].key == key && table.e[lo].bits == bits ?
	       &table.e[lo] : NULL;
}

/* The entry naming `mac`: its longest prefix that has one, or NULL. */
static const struct entry *lookup(uint64_t mac)
{
	for (unsigned i = 0; i < 2; i++)
		if (table.last[i].valid && table.last[i].mac == mac)
			return table.last[i].e;
	const struct entry *e = NULL;
	for (size_t i = 0; i < table.nlens && !e; i++)
		e = find(mac & prefix_mask(table.lens[i]), table.lens[i]);
	table.last[table.next].valid = true;
	table.last[table.next].mac = mac;
	table.last[table.next].e = e;
	table.next ^= 1;
	return e;
}

bool manuf_name(uint64_t mac, char *buf, size_t len)
{
	if (!table.loaded) {
		table.loaded = true;
		for (size_t i = 0; i < table.nmaps; i++)
			read_map(&table.maps[i]);
		index_entries();
	}
	const struct entry *e = lookup(mac);
	if (!e || !len)
		return e != NULL;
	unsigned bits = e->bits;
	uint8_t b[6];
	for (int k = 0; k < 6; k++)
		b[k] = (uint8_t)(mac >> (40 - 8 * k));
	unsigned from = e->style == ST_ADDRESS ? 6 : e->style == ST_OUI ? 3 : bits / 8;
	if (e->style == ST_RANGE) {
		b[from] &= (uint8_t)(0xff >> (bits % 8));
		while (from < 5 && b[from] == 0)
			from++;
	}
	/* The name, then "_b3:b4:b5" from the first byte it does not name. */
	char t[MANUF_NAME_MAX + 20];
	size_t n = strnlen(e->name, e->len < MANUF_NAME_MAX ? e->len : MANUF_NAME_MAX);
	memcpy(t, e->name, n);
	for (unsigned k = from; k < 6; k++) {
		t[n++] = k == from ? '_' : ':';
		t[n++] = hex_digits[b[k] >> 4];
		t[n++] = hex_digits[b[k] & 0xf];
	}
	if (n >= len)
		n = len - 1;
	memcpy(buf, t, n);
	buf[n] = '\0';
	return true;
}
