/*
 * build-frame.c - libcraft without the wire: a template's text to bytes,
 * the bytes decoded back, a Wireshark-like summary and a hex dump.
 *   build/examples/build-frame
 */
#include <stdio.h>
#include <string.h>

#include <craft/builder/build.h>
#include <craft/builder/resolve.h>
#include <craft/decode/decode.h>
#include <craft/decode/describe.h>
#include <craft/lang/template.h>

static const char text[] =
	"eth src=02:00:00:00:00:01 dst=02:00:00:00:00:02\n"
	"ipv4 src=192.0.2.1 dst=192.0.2.2 id=1\n"
	"tcp sport=40000 dport=80 flags=S seq=100\n";

int main(void)
{
	char err[256];
	struct builder *b = builder_open(NULL, err, sizeof err);	/* build only */
	if (!b) {
		fprintf(stderr, "build-frame: %s\n", err);
		return 3;
	}
	struct template_ctx tc = { .file = "(example)" };
	struct frame f, shown;
	struct diag d;
	struct rng rng;
	rng_seed(&rng, 1);
	struct resolve_env env = { .file = tc.file, .rng = &rng };
	if (template_parse(&tc, text, strlen(text), &f, &d) || frame_resolve(&f, &env, &d) ||
	    build_frame(b, &f, &d)) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", tc.file, d.line, d.col, d.msg);
		builder_close(b);
		return 2;
	}
	decode_frame(f.bytes, f.len, f.len, LINK_ETHERNET, &shown);
	struct strbuf out;
	sb_init(&out);
	describe_summary(&shown, &out);
	sb_putc(&out, '\n');
	describe_hex(&shown, &out);
	fputs(out.s, stdout);
	sb_free(&out);
	frame_free(&shown);
	frame_free(&f);
	builder_close(b);
	return 0;
}
