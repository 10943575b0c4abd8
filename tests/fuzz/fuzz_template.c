/*
 * fuzz_template.c - libFuzzer target for the template language end to end:
 * text -> template_parse (with variables, so ${...} is reached) ->
 * frame_resolve (fake interface, seeded PRNG) -> build_frame -> decode_frame
 * -> describers.
 *
 * Besides memory errors it traps on broken promises: a fixed field not on
 * the wire as given or defaulted, a left-out checksum the decoder finds wrong, an
 * error without a position, JSON that does not parse.
 *
 * payload file= is kept away from the file system: values are taken only
 * when they are a plain name (no '/', quote, escape or ${}), and relative
 * names resolve under a directory that does not exist.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "../../craft/builder/build.h"
#include "../../craft/decode/decode.h"
#include "../../craft/decode/describe.h"
#include "../../craft/lang/lex.h"
#include "../../craft/match/match.h"
#include "../../craft/builder/resolve.h"
#include "../../craft/util/rng.h"
#include "../../craft/lang/template.h"
#include "../../craft/core/vars.h"

#include "fuzz_common.h"
#include "json_check.h"

static struct builder *bld;
static struct vars vs;
static const struct iface fake_if = {
	.name = "fuzz0", .up = true, .has_mac = true, .has_ip = true,
	.mac = UINT64_C(0x0200000000aa), .ip = 0x0a000001,
	.has_ip6 = true, .has_ll6 = true,	/* 2001:db8::1 and fe80::aa */
	.ip6 = { .family = ADDR_IPV6, .len = 16, .b = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	.ll6 = { .family = ADDR_IPV6, .len = 16, .b = { 0xfe, 0x80, [15] = 0xaa } },
};

/* The template's folder: `payload file=` may name a small file, one too
 * big for a frame, a folder, or nothing there - every way a read ends. */
static char payload_dir[] = "/tmp/rawcraft-fuzz-XXXXXX";

static const struct { const char *name; size_t len; } payload_files[] = {
	{ "small", 10 }, { "empty", 0 }, { "big", 70000 },
};

static void remove_payload_dir(void)
{
	char path[sizeof payload_dir + 16];
	for (size_t i = 0; i < sizeof payload_files / sizeof payload_files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", payload_dir, payload_files[i].name);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/dir", payload_dir);
	rmdir(path);
	rmdir(payload_dir);
}

static void make_payload_dir(void)
{
	if (!mkdtemp(payload_dir))
		abort();
	atexit(remove_payload_dir);
	const size_t nfiles = sizeof payload_files / sizeof payload_files[0];
	char path[sizeof payload_dir + 16];
	for (size_t i = 0; i < nfiles; i++) {
		snprintf(path, sizeof path, "%s/%s", payload_dir, payload_files[i].name);
		FILE *fp = fopen(path, "wb");
		if (!fp)
			abort();
		for (size_t k = 0; k < payload_files[i].len; k++)
			fputc((int)(k & 0xff), fp);
		fclose(fp);
	}
	snprintf(path, sizeof path, "%s/dir", payload_dir);
	if (mkdir(path, 0700) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	make_payload_dir();
	char err[256];
	bld = builder_open(NULL, err, sizeof err);
	if (!bld) {
		fprintf(stderr, "fuzz_template: builder_open: %s\n", err);
		abort();
	}
	/* Nothing here should read stdin; make sure it could not block. */
	int fd = open("/dev/null", O_RDONLY);
	if (fd >= 0) {
		dup2(fd, 0);
		close(fd);
	}
	vars_init(&vs);
	static const char *const defs[][2] = {
		{ "DST", "10.0.0.2" }, { "PORT", "80" }, { "SPORT", "40000" },
		{ "DPORT", "9230" }, { "SEQ", "4294967295" }, { "ACK", "0" },
		{ "TARGET", "10.0.0.9" }, { "IP", "10.0.0.1" },
		{ "TO_MAC", "02:00:00:00:00:02" }, { "TO_IP", "10.0.0.2" },
		{ "TEXT", "hello \"world\"\n" }, { "N", "7" }, { "X", "0x10" },
		{ "S", "abc" }, { "E", "" }, { "iface.ip", "10.0.0.1" },
		{ "iface.mac", "02:00:00:00:00:aa" }, { "synack.tcp.seq", "1000" },
		{ "OPTS", "mss:1460,sackok,ts:1:0,nop,ws:7" }, { "FLAGS", "SA" },
		{ "DST6", "2001:db8::2" }, { "TARGET6", "fe80::2" }, { "PREFIX", "2001:db8:1::/64" },
		{ "iface.ip6", "2001:db8::1" }, { "iface.ll6", "fe80::aa" },
		{ "ND", "sll:auto,mtu:1500,prefix:2001:db8::/64:LA:100:50,nonce:0102030405a6" },
	};
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
		vars_set(&vs, defs[i][0], defs[i][1]);
	return 0;
}

static void warn_cb(void *ctx, const struct diag *d)
{
	(*(unsigned *)ctx)++;
	if (!d->file || !d->line || !d->col || !d->msg[0]) {
		fprintf(stderr, "fuzz_template: warning without a position: %s\n", d->msg);
		abort();
	}
}

/* True when every file= in the text names a plain file under tc.dir. */

static void broken_field(const char *what, const struct frame *f, size_t i, size_t k)
{
	fprintf(stderr, "fuzz_template: %s (layer %zu %s, field %zu %s)\n", what, i,
		i < f->nlayers ? f->layer[i].def->name : "-", k,
		i < f->nlayers && k < f->layer[i].def->nfields ? f->layer[i].def->fields[k].name : "-");
	abort();
}

/* What build_frame promises about the bytes it made. */
static void check_built(const struct frame *f)
{
	size_t total = 0;
	for (size_t i = 0; i < f->nlayers; i++) {
		const struct layer *l = &f->layer[i];
		if (l->off != total)
			broken_field("layers not contiguous", f, i, 0);
		total += l->hdr_len;
		for (size_t k = 0; k < l->def->nfields; k++) {
			const struct field *fd = &l->def->fields[k];
			bool given = l->given & (1u << k);
			if (!fd->bits || (fd->dflt_kind == FD_COMPUTED && !given) ||
			    (l->def->applies && !l->def->applies(l, k)))
				continue;	/* computed, or a row of another ICMPv6 type */
			if (l->off + l->hdr_len > f->len || fd->bit_off + fd->bits > l->hdr_len * 8)
				broken_field("field outside its layer", f, i, k);
			if (bits_get(f->bytes + l->off, fd->bit_off, fd->bits) != l->val[k].u)
				broken_field(given ? "explicit value not on the wire" :
					     "default not on the wire", f, i, k);
		}
	}
	if (total != f->len)
		broken_field("frame length is not the sum of the layers", f, f->nlayers, 0);
}

/* A checksum the template left out is right, as the decoder sees it, when
 * the decoder sees the same layers at the same places. */
static void check_checksums(const struct frame *built, const struct frame *dec)
{
	if (dec->nlayers != built->nlayers)
		return;
	for (size_t i = 0; i < dec->nlayers; i++) {
		/* An explicit IHL or data offset moves what the decoder reads. */
		if (dec->layer[i].def != built->layer[i].def ||
		    dec->layer[i].off != built->layer[i].off)
			return;
		/* The IPv4 Total Length is 16 bits: bigger datagrams are a known
		 * builder bug (see the unit tests), not news. */
		if (built->layer[i].def->id == L_IPV4 && built->layer[i].len > 65535)
			return;
	}
	for (size_t i = 0; i < dec->nlayers; i++) {
		const struct layer *b = &built->layer[i];
		int cf = b->def->csum_field;
		if (cf < 0 || (b->given & (1u << cf)))
			continue;
		if (dec->layer[i].csum == CS_INCORRECT || dec->layer[i].csum == CS_PARTIAL) {
			fprintf(stderr, "fuzz_template: computed %s checksum 0x%04llx, decoder "
				"wants 0x%04x\n", b->def->name,
				(unsigned long long)dec->layer[i].val[cf].u, dec->layer[i].csum_expected);
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = plain_text(data, size);
	if (!text)
		return 0;

	unsigned warnings = 0;
	struct expectation ex;
	expect_init(&ex);
	struct template_ctx tc = {
		.file = "fuzz.pkt", .dir = payload_dir, .vars = &vs,
		.warn = warn_cb, .warn_ctx = &warnings, .expect = &ex,
	};
	struct frame f;
	struct diag d;
	memset(&d, 0, sizeof d);
	if (template_parse(&tc, text, size, &f, &d)) {
		if (!d.msg[0] || !d.file || !d.line || !d.col) {
			fprintf(stderr, "fuzz_template: error without a position: %u:%u %s\n",
				d.line, d.col, d.msg);
			abort();
		}
		if (f.nlayers || f.bytes)
			abort();	/* template_parse frees what it built */
		expect_free(&ex);
		free(text);
		return 0;
	}

	struct rng rng;
	rng_seed(&rng, size);
	struct resolve_env env = { .file = "fuzz.pkt", .iface = &fake_if, .rng = &rng };
	for (int round = 0; round < 2; round++) {
		memset(&d, 0, sizeof d);
		if (frame_resolve(&f, &env, &d) || build_frame(bld, &f, &d)) {
			if (!d.msg[0])
				abort();
			break;
		}
		check_built(&f);
		struct frame g;
		decode_frame(f.bytes, f.len, f.len, LINK_ETHERNET, &g);
		check_checksums(&f, &g);
		struct strbuf sb;
		sb_init(&sb);
		describe_summary(&g, &sb);
		sb_reset(&sb);
		describe_tree(&g, 1, NULL, false, &sb);
		sb_reset(&sb);
		describe_json(&g, 1, NULL, &sb);
		if (!json_ok(sb.s)) {
			fprintf(stderr, "fuzz_template: invalid JSON: %s", sb.s);
			abort();
		}
		sb_free(&sb);
		if (!expect_empty(&ex)) {
			char why[256];
			expect_diffs(&ex, &g, why, sizeof why);
		}
		frame_free(&g);
	}
	frame_free(&f);
	expect_free(&ex);
	free(text);
	return 0;
}
