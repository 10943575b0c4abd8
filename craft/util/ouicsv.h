/* ouicsv.h - manuf.c's reader of IEEE's registry in CSV (oui.csv and the
 * rest of Debian's ieee-data): each block's prefix and a short name made
 * of its organisation's name as Wireshark's make-manuf.py makes it. */
#ifndef CRAFT_OUICSV_H
#define CRAFT_OUICSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Receives a block: its prefix in a 48-bit address, its length in bits
 * (24 for MA-L, 28 for MA-M, 36 for MA-S and IAB) and its name's bytes. */
typedef void (*oui_block_fn)(uint64_t key, unsigned bits, const char *name, size_t len);

/* Whether [p, end) is such a file (its header line says so); if so, each
 * block to `block`, its short name written to `names`, which has room for
 * end - p bytes. */
bool oui_csv(const char *p, const char *end, char *names, oui_block_fn block);

#endif
