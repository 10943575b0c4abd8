/* bindings.h - what a reply binds beyond its header fields: the lengths
 * of its data and the values of its TCP options (scenario_bind's part). */
#ifndef CRAFT_BINDINGS_H
#define CRAFT_BINDINGS_H

#include "../core/layer.h"
#include "../core/vars.h"

/* NAME.tcp.len (the segment's data bytes), NAME.payload.len, and of the
 * TCP options present NAME.tcp.opts.mss, .ws, .ts.val, .ts.ecr. */
void bind_widths(struct vars *vars, const char *name, const struct frame *f);
/* The same names, each at a value of its kind, for the pre-send check. */
void bind_width_placeholders(struct vars *vars, const char *name);

#endif
