// SPDX-License-Identifier: MIT
/*
 * html_template: the shell of every HTML page (the run's report and
 * `ptlab compare`) and the two calls of report/html.h that write a page
 * around its body. The shell is src/report/template.html, a real HTML file
 * that a browser or a validator opens as it is, built into the program so
 * that ptlab needs no data file at run time: the assembler copies its
 * bytes (.incbin, with a path from the repository root, where make runs)
 * into .rodata and ends them with a NUL, so the text is also a C string;
 * ptlab_html_template_size counts the bytes without that NUL. The sections
 * are pushed and popped so that the compiler's own idea of the current
 * section stays true. The Makefile makes this object depend on the
 * template: editing it rebuilds this.
 *
 * The shell's markers: {{lang}} and {{title}} (before the body only),
 * <!--ptlab:body--> where the page's content goes and <!--ptlab:data-->
 * where its JSON goes.
 */
#include "report/html.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report/svg.h"
#include "util/i18n.h"

/* A size_t of this target: .quad on LP64, .long on ILP32. */
#if __SIZEOF_SIZE_T__ == 8
#define PTLAB_SIZE_T_DIRECTIVE ".quad"
#else
#define PTLAB_SIZE_T_DIRECTIVE ".long"
#endif

__asm__(".pushsection .rodata\n"
	".global ptlab_html_template\n"
	".type ptlab_html_template, @object\n"
	".balign 16\n"
	"ptlab_html_template:\n"
	".incbin \"src/report/template.html\"\n"
	".Lptlab_html_template_end:\n"
	".byte 0\n"
	".size ptlab_html_template, . - ptlab_html_template\n"
	".global ptlab_html_template_size\n"
	".type ptlab_html_template_size, @object\n"
	".balign 8\n"
	"ptlab_html_template_size:\n"
	"\t" PTLAB_SIZE_T_DIRECTIVE " .Lptlab_html_template_end - ptlab_html_template\n"
	".size ptlab_html_template_size, . - ptlab_html_template_size\n"
	".popsection\n"
	".pushsection .note.GNU-stack,\"\",@progbits\n"
	".popsection\n");

/* The symbols of the block above, for C (html.c and the tests declare them too). */
extern const char ptlab_html_template[];
extern const size_t ptlab_html_template_size;

#define BODY_MARK "<!--ptlab:body-->"
#define DATA_MARK "<!--ptlab:data-->"

/*
 * The language of the message catalogue in use, from its header
 * ("Language: id"): the page says the language its words are in, even
 * when a requested catalogue is missing and English shows. "en" without a
 * catalogue.
 */
static void page_lang(char *buf, size_t size)
{
	const char *empty = ""; /* a variable: the empty msgid is not for xgettext */
	const char *header = gettext(empty);
	const char *l = header ? strstr(header, "Language: ") : NULL;
	size_t n = 0;
	if (l) {
		l += strlen("Language: ");
		for (; n + 1 < size && (isalnum((unsigned char)l[n]) || l[n] == '_' || l[n] == '-');
		     n++)
			buf[n] = l[n] == '_' ? '-' : l[n];
	}
	if (n == 0)
		snprintf(buf, size, "en");
	else
		buf[n] = '\0';
}

/* Writes the template's bytes [from, to) with {{lang}} and {{title}} filled in. */
static void write_segment(FILE *out, const char *from, const char *to, const char *title)
{
	static const char lang_mark[] = "{{lang}}", title_mark[] = "{{title}}";
	char lang[16];
	page_lang(lang, sizeof(lang));
	while (from < to) {
		const char *m = memmem(from, (size_t)(to - from), "{{", 2);
		if (!m) {
			fwrite(from, 1, (size_t)(to - from), out);
			return;
		}
		fwrite(from, 1, (size_t)(m - from), out);
		if ((size_t)(to - m) >= sizeof(lang_mark) - 1 &&
		    memcmp(m, lang_mark, sizeof(lang_mark) - 1) == 0) {
			svg_escape(out, lang);
			from = m + sizeof(lang_mark) - 1;
		} else if ((size_t)(to - m) >= sizeof(title_mark) - 1 &&
			   memcmp(m, title_mark, sizeof(title_mark) - 1) == 0) {
			svg_escape(out, title ? title : "");
			from = m + sizeof(title_mark) - 1;
		} else {
			fwrite(m, 1, 2, out);
			from = m + 2;
		}
	}
}

int html_page_begin(FILE *out, const char *title)
{
	const char *t = ptlab_html_template, *end = t + ptlab_html_template_size;
	const char *body = strstr(t, BODY_MARK);
	write_segment(out, t, body ? body : end, title);
	return ferror(out) ? -EIO : 0;
}

/*
 * The JSON inside <script>: "</" becomes "<\/" so that no string ends the
 * element, and "<!--" becomes "<\u0021--" so that none opens the
 * script-data comment state; both are the same text to a JSON parser
 * ('<' only occurs inside strings).
 */
static int write_data(FILE *out, const json_t *data)
{
	char *text = json_dumps(data, JSON_COMPACT);
	if (!text)
		return -ENOMEM;
	fputs("<script type=\"application/json\" id=\"ptlab-data\">", out);
	const char *p = text;
	for (const char *lt; (lt = strchr(p, '<')) != NULL; p = lt + 1) {
		fwrite(p, 1, (size_t)(lt - p), out);
		if (lt[1] == '/')
			fputs("<\\", out);
		else if (strncmp(lt, "<!--", 4) == 0) {
			fputs("<\\u0021", out);
			lt++; /* past the '!' */
		} else
			fputc('<', out);
	}
	fputs(p, out);
	fputs("</script>\n", out);
	free(text);
	return 0;
}

int html_page_end(FILE *out, const json_t *data)
{
	const char *t = ptlab_html_template, *end = t + ptlab_html_template_size;
	const char *body = strstr(t, BODY_MARK);
	const char *from = body ? body + strlen(BODY_MARK) : end;
	const char *mark = strstr(from, DATA_MARK);
	write_segment(out, from, mark ? mark : end, NULL);
	if (mark) {
		int err = data ? write_data(out, data) : 0;
		if (err)
			return err;
		write_segment(out, mark + strlen(DATA_MARK), end, NULL);
	}
	return ferror(out) ? -EIO : 0;
}
