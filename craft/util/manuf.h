/*
 * manuf.h - who made a network card: the names Wireshark shows for MAC
 * addresses ("PcsCompu_17:da:ff", "Broadcast", "IPv6mcast_16"), from
 * Wireshark's manuf and wka files or IEEE's registry as Debian's ieee-data
 * ships it (oui.csv, mam.csv, oui36.csv, iab.csv: each file's first line
 * says which kind it is).  Nothing is read until the first name is asked
 * for, so output without names costs next to nothing.
 */
#ifndef CRAFT_MANUF_H
#define CRAFT_MANUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The files names come from, joined by ':' (lists joined by ';' are
 * alternatives: the first one any file of which opens), or NULL for no
 * names, the default.  They are opened now (so that dropping privileges
 * later loses none) and read at the first lookup; a prefix two files name
 * takes the earlier file's name, and a file that cannot be opened adds
 * nothing.  The process has one table: set it before drawing trees, from
 * the thread that draws them; another list drops the last one's. */
void manuf_use(const char *files);

/* Names longer than this are cut: with the address they fit MAC_NAMED_LEN. */
#define MANUF_NAME_MAX 64

/* Wireshark's name for `mac`: the name of the longest prefix any file
 * names, then the bytes of the address past that prefix; false if no
 * prefix is named (or no file could be read). */
bool manuf_name(uint64_t mac, char *buf, size_t len);

/* Where Debian keeps them: Wireshark's (libwireshark-data, which tshark
 * brings), else IEEE's registry (ieee-data). */
#define MANUF_DEBIAN "/usr/share/wireshark/manuf:/usr/share/wireshark/wka;" \
	"/usr/share/ieee-data/oui.csv:/usr/share/ieee-data/mam.csv:" \
	"/usr/share/ieee-data/oui36.csv:/usr/share/ieee-data/iab.csv"

#endif
