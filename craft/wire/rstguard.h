/*
 * rstguard.h - keeps the host kernel from killing a hand-made connection.
 *
 * When rawcraft speaks TCP from an address the host owns, the kernel meets
 * the peer's SYN/ACK with no socket behind it and answers with a RST.  The
 * guard is an nftables table of its own (rawcraft_PID) whose rules drop
 * the kernel's outgoing RSTs for exactly the scenario's 4-tuples.  Tables
 * whose process is gone (a crash, a SIGKILL) are removed at the next start.
 */
#ifndef CRAFT_RSTGUARD_H
#define CRAFT_RSTGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/addr.h"

struct rstguard {
	char table[32];
	bool open;
};

/* Deletes rawcraft tables left by dead processes; quiet if nft is absent.
 * Every run calls it first, --block-rst or not. */
void rstguard_sweep(void);
int rstguard_open(struct rstguard *g, char *err, size_t errlen);
/* Drops outgoing RSTs from src:sport to dst:dport, IPv4 or IPv6 (both
 * of one family); ports in host byte order. */
int rstguard_add(struct rstguard *g, const struct addr *src, uint16_t sport,
		 const struct addr *dst, uint16_t dport, char *err, size_t errlen);
/* The same in table rawcraft_kept, shared by every process, for `seconds`
 * whether this process lives or not: `send` typed twice for a handshake. */
int rstguard_keep(const struct addr *src, uint16_t sport, const struct addr *dst,
		  uint16_t dport, unsigned seconds, char *err, size_t errlen);
void rstguard_close(struct rstguard *g);

#endif
