/* wide.h - 128-bit unsigned values: a 16-byte address is one number, so
 * ranges, random draws and checksum updates treat it as any field. */
#ifndef CRAFT_WIDE_H
#define CRAFT_WIDE_H

typedef unsigned __int128 u128;

#endif
