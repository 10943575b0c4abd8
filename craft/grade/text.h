/* text.h - the grading formats' text: titles, messages and bytes a point
 * got are UTF-8 when they are text, and anything when a lab is wrong, so
 * each writer passes valid UTF-8 through as it is, writes U+FFFD for each
 * byte that is not, and escapes the controls its format cannot hold. */
#ifndef CRAFT_GRADE_TEXT_H
#define CRAFT_GRADE_TEXT_H

#include <stdbool.h>

#include "../util/strbuf.h"

/* A JSON string, quotes included: controls as \u00XX (\t, \n as such). */
void text_json(const char *s, struct strbuf *out);
/* A YAML double-quoted scalar, quotes included: controls as \xHH. */
void text_yaml(const char *s, struct strbuf *out);
/* XML character data, or an attribute's value when `attr` (newlines, tabs
 * and carriage returns as references, or a reader would make them spaces). */
void text_xml(const char *s, bool attr, struct strbuf *out);

#endif
