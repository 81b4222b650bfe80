// SPDX-License-Identifier: MIT
/*
 * markdown renderer: the report a teacher pastes into a handout and an
 * engineer into an issue (GitHub-flavoured Markdown). The run and the
 * machine, the seeds' table with a row per claim (report/view.h, as the
 * terminal shows it), the rankings in a table of their own shape, and the
 * legend. Figures and mechanisms stay in the text, HTML and JSON reports.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/view.h"
#include "util/i18n.h"

/* Writes s as table-cell text: '|' escaped, a line break as a space. */
static void cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", out);
		else if (*s == '\n')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

/* One table row from its cells. */
static void row(FILE *out, const char *const *cells, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputs(i ? " | " : "| ", out);
		cell(out, cells[i]);
	}
	fputs(" |\n", out);
}

static void head(FILE *out, const char *const *cells, size_t n)
{
	row(out, cells, n);
	for (size_t i = 0; i < n; i++)
		fputs(i ? "---|" : "|---|", out);
	fputc('\n', out);
}

/* A claim id as code, "`create.cost`". */
static const char *code(const char *id, char *buf, size_t size)
{
	snprintf(buf, size, "`%s`", id);
	return buf;
}

static int markdown_render(FILE *out, const struct run *r, const struct verdict *v,
			   const struct report_opts *o)
{
	(void)o;
	struct view vw;
	char line[640], id[64];
	view_build(&vw, r, v);
	fprintf(out, "# %s\n\n", _("ptlab: processes and threads, measured on this machine"));
	fprintf(out, "%s  \n", view_run_line(r, line, sizeof(line)));
	fprintf(out, "%s\n\n", view_machine_line(r, line, sizeof(line)));
	fprintf(out, "## %s\n\n", view_title());
	const char *h[] = { _("Aspect"),  _("Claim"),  _("Compared"),
			    _("Process"), _("Thread"), _("Verdict") };
	head(out, h, 6);
	size_t rankings = 0;
	for (size_t i = 0; i < vw.n; i++) {
		const struct view_row *w = &vw.rows[i];
		bool ranking = w->shape == VIEW_RANKING;
		rankings += ranking;
		const char *cells[] = { w->first ? aspect_label(w->aspect) : "",
					code(w->v->claim->id, id, sizeof(id)),
					ranking ? _("a ranking, below") : w->what,
					ranking ? "" : w->left,
					ranking ? "" : w->right,
					w->headline };
		row(out, cells, 6);
	}
	if (rankings) {
		fprintf(out, "\n### %s\n\n", _("Rankings"));
		const char *rh[] = { _("Claim"), _("Compared"), _("Fastest"), _("Slowest"),
				     _("Verdict") };
		head(out, rh, 5);
		for (size_t i = 0; i < vw.n; i++) {
			const struct view_row *w = &vw.rows[i];
			if (w->shape != VIEW_RANKING)
				continue;
			const char *cells[] = { code(w->v->claim->id, id, sizeof(id)), w->what,
						w->left, w->right, w->headline };
			row(out, cells, 5);
		}
	}
	fprintf(out, "\n%s\n", view_legend());
	view_free(&vw);
	return ferror(out) ? -EIO : 0;
}

const struct renderer render_markdown = { "markdown", markdown_render };
