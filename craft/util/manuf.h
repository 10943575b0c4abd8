/*
 * manuf.h - who made a network card: the names Wireshark shows for MAC
 * addresses ("PcsCompu_17:da:ff", "Broadcast", "IPv6mcast_16"), from
 * Wireshark's manuf and wka files or IEEE's registry as Debian's ieee-data
 * ships it (oui.csv, mam.csv, oui36.csv, iab.csv: each file's first line
 * says which kind it is).  Nothing is read until the first name is asked
 * for, so output without names costs nothing.
 */
#ifndef CRAFT_MANUF_H
#define CRAFT_MANUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The files names come from, joined by ':' (read whole at the first
 * lookup; a prefix two files name takes the earlier file's name; a file
 * that cannot be read adds nothing), or NULL for no names, the default.
 * The process has one table: set it before drawing trees, from the thread
 * that draws them.  Another list drops the table read from the last one. */
void manuf_use(const char *files);

/* Wireshark's name for `mac`: the name of the longest prefix any file
 * names, then the bytes of the address past that prefix; false if no
 * prefix is named (or no file could be read). */
bool manuf_name(uint64_t mac, char *buf, size_t len);

#endif
