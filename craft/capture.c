/* capture.c - pcap files through libpcap. */
#include "capture.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pcap_out {
	pcap_t *dead;
	pcap_dumper_t *dump;
};

struct pcap_in {
	pcap_t *p;
};

struct pcap_out *pcap_out_open(const char *path, char *err, size_t errlen)
{
	struct pcap_out *w = calloc(1, sizeof *w);
	if (!w)
		abort();
	w->dead = pcap_open_dead(DLT_EN10MB, 262144);
	if (!w->dead) {
		snprintf(err, errlen, "%s: cannot set up a pcap writer", path);
		free(w);
		return NULL;
	}
	w->dump = pcap_dump_open(w->dead, path);
	if (!w->dump) {
		snprintf(err, errlen, "%s", pcap_geterr(w->dead));
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

int pcap_out_write(struct pcap_out *w, const uint8_t *bytes, size_t len,
		   const struct timeval *ts)
{
	struct pcap_pkthdr h;
	memset(&h, 0, sizeof h);
	h.ts = *ts;
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)w->dump, &h, bytes);
	return 0;
}

int pcap_out_close(struct pcap_out *w, char *err, size_t errlen)
{
	int rc = 0;
	if (!w)
		return 0;
	if (pcap_dump_flush(w->dump) != 0) {
		snprintf(err, errlen, "writing the pcap file failed");
		rc = -1;
	}
	pcap_dump_close(w->dump);
	pcap_close(w->dead);
	free(w);
	return rc;
}

struct pcap_in *pcap_in_open(const char *path, enum link_kind *link, char *err,
			     size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_open_offline(path, perr);
	if (!p) {
		snprintf(err, errlen, "%s", perr);
		return NULL;
	}
	switch (pcap_datalink(p)) {
	case DLT_EN10MB:
		*link = LINK_ETHERNET;
		break;
	case DLT_RAW:
	case DLT_IPV4:
		*link = LINK_RAW;
		break;
	case DLT_LINUX_SLL:
		*link = LINK_SLL;
		break;
	default:
		snprintf(err, errlen, "link type %s is not one rawcraft decodes "
			 "(Ethernet, raw IPv4, Linux cooked)",
			 pcap_datalink_val_to_name(pcap_datalink(p)) ?
			 pcap_datalink_val_to_name(pcap_datalink(p)) : "unknown");
		pcap_close(p);
		return NULL;
	}
	struct pcap_in *r = malloc(sizeof *r);
	if (!r)
		abort();
	r->p = p;
	return r;
}

int pcap_in_next(struct pcap_in *r, const uint8_t **bytes, size_t *caplen,
		 size_t *wire_len, struct timeval *ts, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(r->p, &h, &data);
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		snprintf(err, errlen, "%s", pcap_geterr(r->p));
		return -1;
	}
	*bytes = data;
	*caplen = h->caplen;
	*wire_len = h->len;
	*ts = h->ts;
	return 1;
}

void pcap_in_close(struct pcap_in *r)
{
	if (!r)
		return;
	pcap_close(r->p);
	free(r);
}
