// SPDX-License-Identifier: MIT
/*
 * html: the page shell every HTML output shares (the run's report and
 * `ptlab compare`). The shell is a real HTML file in the source tree,
 * src/report/template.html, embedded into the program at build time: its
 * style (light and dark schemes, readable on a phone), and markers where
 * the title, the language, the body and the embedded JSON go. Nothing in a
 * page refers to anything outside it.
 */
#ifndef PTLAB_REPORT_HTML_H
#define PTLAB_REPORT_HTML_H

#include <jansson.h>
#include <stdio.h>

/*
 * Writes the template up to the body's content, with the page's title
 * (escaped) and language (the catalogue in use: "en" or "id"). Returns 0
 * or -EIO.
 */
int html_page_begin(FILE *out, const char *title);

/*
 * Writes the rest of the template. When data is not NULL it is embedded
 * as <script type="application/json" id="ptlab-data"> with "</" written
 * as "<\/" so that no string in it can end the element. Returns 0, -ENOMEM
 * or -EIO.
 */
int html_page_end(FILE *out, const json_t *data);

#endif
