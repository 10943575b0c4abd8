/* tcpopts.h - TCP options: read from a template, walked and described. */
#ifndef CRAFT_TCPOPTS_H
#define CRAFT_TCPOPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/field.h"
#include "../util/strbuf.h"

#define TCP_OPTS_MAX 40		/* data offset 15 * 4 - 20 */

#define TCPOPT_PADDING -2	/* zero bytes after EOL */
#define TCPOPT_BAD_PADDING -3	/* non-zero bytes after EOL */
#define TCPOPT_CUT -4		/* the capture ends inside it: the rest */

struct tcpopt {
	int kind;		/* -1: malformed from here on; or padding */
	const uint8_t *data;	/* len - 2 bytes of value, for kind > 1 */
	size_t len;
};

typedef void (*tcpopt_fn)(const struct tcpopt *o, void *ctx);
/* `cut`: the header goes on past the `n` bytes, which the capture kept: an
 * option running past them is cut short (TCPOPT_CUT), not malformed. */
void tcpopts_walk(const uint8_t *p, size_t n, bool cut, tcpopt_fn fn, void *ctx);

enum tcpopt_style {
	TCPOPT_TREE,		/* one "TCP Option - ..." line each */
	TCPOPT_TEMPLATE,	/* mss:1460,sackok,... as a template writes it */
};

struct tcpopt_out {
	struct strbuf *sb;
	enum tcpopt_style style;
	const char *indent;
	size_t start;
	const uint8_t *base;	/* the options, `n` bytes */
	size_t n;
};

/* A template's comma list (mss:1460,sackok,...) as the bytes, in the order
 * written; padding to 32 bits is the builder's. */
int tcpopts_parse(const char *s, struct fval *out, char *err, size_t errlen);

void tcpopts_describe(const uint8_t *p, size_t n, bool cut, enum tcpopt_style style,
		      const char *indent, struct strbuf *sb);

#endif
