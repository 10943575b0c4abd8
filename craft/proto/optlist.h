/* optlist.h - what the option-list codecs share (ND, IPv6, IPv4, TCP options):
 * a comma list read one item at a time, hex data in and out, raw:TYPE:HEX. */
#ifndef CRAFT_OPTLIST_H
#define CRAFT_OPTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/field.h"
#include "../util/strbuf.h"

/* Writes one item (`opt`, NUL-terminated) into `buf`: its byte count, or -1
 * with the reason in `err`. */
typedef int (*optlist_item_fn)(const char *opt, uint8_t *buf, size_t room, char *err,
			       size_t errlen);

/* `s` as a comma list of items ("none": empty) into at most `max` bytes;
 * `what` names an item for messages ("ND option"), `example` shows a list. */
int optlist_parse(const char *s, size_t max, optlist_item_fn item, const char *what,
		  const char *example, struct fval *out, char *err, size_t errlen);

/* The bytes of the option at `p` with `left` bytes left (0 if it says
 * none), and one option shown as the tree (text false) or a template says it. */
typedef size_t (*optlist_len_fn)(const uint8_t *p, size_t left);
typedef void (*optlist_show_fn)(const uint8_t *o, size_t len, bool text, const char *indent,
				struct strbuf *sb);

/* Every option of `n` bytes at `p`, each tree line after `indent` (`show`
 * starts any further line of its own with it); the first malformed one
 * ends the list, said so. */
void optlist_describe(const uint8_t *p, size_t n, enum opt_style style, const char *indent,
		      struct strbuf *sb, optlist_len_fn len_of, optlist_show_fn show);

/* An item's name (up to ':', cut to fit `name`) and its arguments after
 * the ':', or NULL if it has none. */
const char *optlist_split(const char *opt, char *name, size_t len);
/* An even count of hex digits, one byte to `room` bytes, into `out`. */
int optlist_hex(const char *s, uint8_t *out, size_t room, size_t *n);
/* `raw`'s arguments TYPE:HEX (the hex may be empty or left out with its
 * ':'); -1 if malformed. */
int optlist_raw(const char *args, uint64_t *type, uint8_t *data, size_t room, size_t *n);
void optlist_put_hex(struct strbuf *sb, const uint8_t *p, size_t n);
bool optlist_zero(const uint8_t *p, size_t n);
/* Of the zeros from `from` to `n` that end an option list, those a
 * template must write: the builder pads the rest to 32 bits. */
size_t optlist_pad_zeros(size_t from, size_t n);

uint32_t optlist_be32(const uint8_t *p);
void optlist_put32(uint8_t *p, uint32_t v);

#endif
