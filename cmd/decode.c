/* decode.c - `rawcraft decode`: a capture file through the same decoder. */
#include <stdio.h>

#include "../craft/decode/decode.h"
#include "cli.h"
#include "privs.h"

int cmd_decode(struct options *opt)
{
	if (opt->nfiles != 1) {
		fail("decode takes one capture file: rawcraft decode FILE.pcap");
		return EXIT_INPUT;
	}
	const char *path = opt->files[0];
	char err[512];
	enum link_kind link;
	struct pcap_in *in = pcap_in_open(path, &link, err, sizeof err);
	if (!in) {
		fprintf(stderr, "%s: error: %s\n", path, err);
		return EXIT_INPUT;
	}
	struct printer pr;
	printer_open(&pr, opt);
	pr.link = link;		/* -w keeps the capture's own link type */
	/* Untrusted bytes are read as USER (-Z; nobody), as tcpdump -r does. */
	int rc = printer_prepare(&pr) ? EXIT_SYSTEM : privs_drop(opt->user, false), got = 0;
	if (rc != EXIT_OK) {
		printer_close(&pr);
		pcap_in_close(in);
		return rc;
	}
	const uint8_t *bytes;
	size_t caplen, wire_len;
	struct timeval ts;
	while ((got = pcap_in_next(in, &bytes, &caplen, &wire_len, &ts, err, sizeof err)) == 1) {
		struct frame f;
		decode_frame(bytes, caplen, wire_len, link, &f);
		char prefix[64];
		struct timeval rel = ts;
		if (pr.frames > 0)
			timersub(&ts, &pr.first, &rel);
		else
			rel.tv_sec = rel.tv_usec = 0;
		snprintf(prefix, sizeof prefix, "%u %ld.%06ld ", pr.frames + 1,
			 (long)rel.tv_sec, (long)rel.tv_usec);
		struct frame_note note = { .prefix = prefix };
		printer_frame(&pr, &f, &ts, &note);
		frame_free(&f);
	}
	if (got < 0) {
		fflush(stdout);
		fprintf(stderr, "%s: error: after %u frame%s: %s\n", path, pr.frames,
			pr.frames == 1 ? "" : "s", err);
		rc = EXIT_INPUT;
	}
	if (printer_close(&pr) && rc == EXIT_OK)
		rc = EXIT_SYSTEM;
	pcap_in_close(in);
	return rc;
}
