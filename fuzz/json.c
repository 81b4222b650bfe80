// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a saved run, as `ptlab report` and `ptlab compare` read it.
 * A run file is hostile input: it comes from another machine, a hand edit
 * or a truncated copy, and every field of it reaches the statistics, the
 * verdict rules and the renderers. The bytes go through what run_load()
 * does after reading the file (jansson with duplicate keys refused, then
 * run_from_json()); a document that is accepted is then judged
 * (claims_judge_all()) and rendered in every format `report` writes, and
 * compared as `compare` would with an empty run and with a copy of itself
 * in which every other figure doubled, all into /dev/null.
 *
 * Two properties are checked besides memory safety and undefined
 * behaviour: a document refused gets a sentence saying why, and what the
 * reader accepts, the writer writes, and reading that back and writing it
 * again gives the same bytes (model/json.c promises write -> read -> write
 * is exact). A failed check aborts, so libFuzzer keeps the input.
 *
 * The options of the renderers (colour, charts) and the format of the
 * comparison (text or HTML) follow the input's length, so that every
 * choice is covered without spending input bytes on it.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "model/json.h"
#include "model/run.h"
#include "report/compare.h"
#include "report/report.h"
#include "util/xalloc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;
/* A run with no experiment, on a made-up machine: the second run of every comparison. */
static struct run empty;

static const char empty_json[] =
	"{\"schema\":\"ptlab-run\",\"schema_version\":1,\"ptlab_version\":\"0.1.0\","
	"\"started\":\"2026-11-23T01:55:49Z\",\"preset\":\"quick\",\"seed\":1,\"cpus\":\"all\","
	"\"environment\":{\"cpu_model\":\"AMD EPYC\",\"cpus_online\":2,\"cpus_allowed\":2,"
	"\"cores\":2,\"packages\":1,\"threads_per_core\":1,\"kernel\":\"6.18.44\","
	"\"machine\":\"x86_64\",\"hostname\":\"vm\",\"virtualized\":true,\"hypervisor\":\"KVM\","
	"\"pcid\":true,\"governor\":\"\",\"idle_governor\":\"haltpoll\",\"thp\":\"madvise\","
	"\"loadavg1\":0.87890625,\"mem_total_bytes\":25276502016,"
	"\"mem_available_bytes\":24880910336,\"glibc\":\"2.36\",\"compiler\":\"gcc 12.2.0\","
	"\"clock\":{\"overhead_ns\":22.224,\"resolution_ns\":20,\"reported_resolution_ns\":1,"
	"\"source\":\"tsc\"}},\"experiments\":[]}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[512];
	(void)argc;
	(void)argv;
	devnull = fopen("/dev/null", "w");
	json_t *root = json_loads(empty_json, 0, NULL);
	run_init(&empty);
	if (!devnull || !root || run_from_json(root, &empty, err, sizeof(err)) != 0)
		abort();
	json_decref(root);
	return 0;
}

/* The run as run_save() writes it; a new string (free()), NULL on allocation failure. */
static char *run_text(const struct run *r)
{
	json_t *j = json_from_run(r);
	char *s = j ? json_dumps(j, JSON_INDENT(1)) : NULL;
	json_decref(j);
	return s;
}

/* Aborts unless r written, read back and written again gives the same bytes. */
static void check_round_trip(const struct run *r)
{
	char err[512];
	struct run back;
	char *first = run_text(r);
	if (!first)
		abort();
	json_t *root = json_loads(first, JSON_REJECT_DUPLICATES, NULL);
	run_init(&back);
	if (!root || run_from_json(root, &back, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz/json: the writer's output is not read back: %s\n%s\n",
			root ? err : "(not JSON)", first);
		abort();
	}
	char *second = run_text(&back);
	if (!second || strcmp(first, second) != 0) {
		fprintf(stderr, "fuzz/json: write -> read -> write changed the run:\n%s\n---\n%s\n",
			first, second ? second : "(NULL)");
		abort();
	}
	free(second);
	json_decref(root);
	run_free(&back);
	free(first);
}

/*
 * A copy of r in which every other figure took twice as long (or was
 * twice as large): against r, half the figures differ and some verdicts
 * may change, which a comparison of r with itself never shows.
 */
static void read_doubled(const json_t *root, struct run *out)
{
	char err[512];
	if (run_from_json(root, out, err, sizeof(err)) != 0)
		abort(); /* it was read once already */
	for (size_t i = 0; i < out->n_results; i++) {
		struct exp_result *e = &out->results[i];
		for (size_t k = 0; k < e->n_metrics; k += 2) {
			struct metric *m = &e->metrics[k];
			for (size_t j = 0; j < m->n; j++)
				m->raw[j] = m->raw[j] > UINT64_MAX / 2 ? UINT64_MAX : m->raw[j] * 2;
			metric_summarize(m);
		}
	}
}

/*
 * Everything `ptlab report FILE --json --html --csv --openmetrics` prints,
 * then `ptlab compare` of r, an empty run and r doubled: figures present
 * in some runs only, ratios that differ and verdicts that change.
 */
static void render_all(const json_t *root, const struct run *r, size_t size)
{
	static const struct renderer *const renderers[] = {
		&render_text, &render_json, &render_csv, &render_openmetrics, &render_html,
	};
	size_t nc = claims_count();
	struct verdict *v = xcalloc(3 * nc, sizeof(*v));
	struct report_opts ro = { .color = size & 1, .charts = size & 2, .width = 80 };
	struct run doubled;
	claims_judge_all(r, v);
	for (size_t i = 0; i < sizeof(renderers) / sizeof(renderers[0]); i++)
		renderers[i]->render(devnull, r, v, &ro);

	run_init(&doubled);
	read_doubled(root, &doubled);
	claims_judge_all(&empty, v + nc);
	claims_judge_all(&doubled, v + 2 * nc);
	struct compare_input in[3] = {
		{ r, v, "run.json" },
		{ &empty, v + nc, "empty.json" },
		{ &doubled, v + 2 * nc, "doubled.json" },
	};
	/* One format of the comparison per input: its bootstraps are most of the time spent. */
	if (size & 4)
		compare_render_html(devnull, in, 3, &ro);
	else
		compare_render_text(devnull, in, 3, &ro);
	run_free(&doubled);
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct run r;
	json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
	if (!root)
		return 0;
	run_init(&r);
	err[0] = '\0';
	if (run_from_json(root, &r, err, sizeof(err)) == 0) {
		check_round_trip(&r);
		render_all(root, &r, size);
	} else if (!err[0]) {
		fprintf(stderr, "fuzz/json: a run refused without a reason\n");
		abort();
	}
	run_free(&r);
	json_decref(root);
	return 0;
}
