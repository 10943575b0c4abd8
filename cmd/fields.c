/* fields.c - `rawcraft fields [LAYER]`: the field tables, printed from the tables. */
#include <stdio.h>
#include <string.h>

#include "../craft/core/field.h"
#include "../craft/core/layer.h"
#include "cli.h"

/* Rows that go with some values of the layer's type only (ICMPv6's): which. */
static void print_applies(const struct layer_def *d, size_t k)
{
	const struct field *type = d->demux >= 0 ? &d->fields[d->demux] : NULL;
	if (!d->applies || !type || !type->names)
		return;
	char list[400] = "";
	size_t n = 0;
	bool every = true;
	for (const struct field_name *t = type->names; t->keyword || t->meaning; t++) {
		struct layer l = { .def = d, .present = 1u << d->demux };
		l.val[d->demux].u = t->value;
		if (!t->keyword)
			continue;
		if (!d->applies(&l, k))
			every = false;
		else if (n < sizeof list)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", t->keyword);
	}
	if (!every && n)
		printf("; with %s %s", type->name, list);
	else if (!every)	/* ICMP's next-hop MTU: one code of one type */
		printf("; with a %s and other fields' values (rawcraft-templates(5))", type->name);
}

static void print_layer(const struct layer_def *d)
{
	printf("%s - %s (%zu-byte header)%s\n", d->name, d->label, layer_built_len(&(struct layer){
	       .def = d }), d->decode_only ? ", decode only: shown in captures, never built" : "");
	for (size_t i = 0; i < d->nfields; i++) {
		const struct field *f = &d->fields[i];
		char width[24], dflt[64];
		if (f->bits)
			snprintf(width, sizeof width, "%u bits @%u", f->bits, f->bit_off);
		else
			snprintf(width, sizeof width, "variable");
		printf("  %-6s %-34s %-14s default: %s", f->name, f->label, width,
		       field_default_text(f, dflt, sizeof dflt));
		int named = 0;
		for (const struct field_name *n = f->names; n && (n->keyword || n->meaning); n++)
			if (n->keyword)
				printf((f->flags & FF_HEX) ? "%s%s=0x%llx" : "%s%s=%llu",
				       named++ ? ", " : "; names: ", n->keyword,
				       (unsigned long long)n->value);
		print_applies(d, i);
		putchar('\n');
	}
}

int cmd_fields(struct options *opt)
{
	for (int i = 0; i < L_COUNT; i++) {
		const struct layer_def *d = craft_layers[i];
		bool wanted = opt->nfiles == 0;
		for (int k = 0; k < opt->nfiles; k++)
			wanted |= strcmp(opt->files[k], d->name) == 0;
		if (wanted)
			print_layer(d);
	}
	for (int k = 0; k < opt->nfiles; k++)
		if (!layer_by_name(opt->files[k], strlen(opt->files[k]))) {
			fail("unknown layer '%s'", opt->files[k]);
			return EXIT_INPUT;
		}
	return EXIT_OK;
}
