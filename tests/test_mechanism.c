// SPDX-License-Identifier: MIT
/*
 * Tests of explanations chosen by evidence (claims/mechanism.c and the
 * paragraphs of claims/claims_why.c), in the claims suite.
 *
 * Every guarded paragraph is driven both ways on synthetic runs: a table
 * of cases, each a small run written in a line-based notation (below),
 * the paragraph, and what its guard must say; a test checks that every
 * guarded paragraph of the catalogue has a case that says yes and one
 * that says no. Then the machinery: three-valued logic, the evidence each
 * accessor records, the JSON and HTML renderings. Last, every real run of
 * tests/fixtures/runs and ../shared/runs is judged, and every paragraph's
 * guard evaluated again: a chosen one says yes with the same evidence, an
 * unchosen one does not say yes; the no-PCID machine gets the no-PCID
 * paragraphs and none that presume PCID, the PCID machine the reverse.
 *
 * The real runs come from cli_each_real_run() (tests/cli_util.h).
 *
 * The notation, one statement a line:
 *   env KEY=VALUE...      pcid, pti, virt (yes/no), hv_kernel, thp, syscall (ns)
 *   exp NAME              the result that the next lines fill
 *   fig NAME MEDIAN K=V...  a figure of 21 samples spread ±2% about MEDIAN
 *   obs NAME WORD         an observation, one word
 *   tok NAME TEXT...      an observation, one token (the rest of the line)
 *   leg NAME TEXT...      an observation as ptlab 0.1.0 wrote it (prose)
 *   srv MODEL WORD        the server's "isolation model=MODEL" (form server.isolation:
 *                         survived WORD, 3 requests failed, 40 ms until they succeed)
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims/claims.h"
#include "claims/mechanism.h"
#include "model/json.h"
#include "model/run.h"
#include "report/report.h"
#include "cli_util.h"
#include "suites.h"
#include "util/xalloc.h"

#define SAMPLES 21

/* ---- building runs ------------------------------------------------------ */

static void add_figure(struct exp_result *e, const char *name, double median, char **conds,
		       size_t n_conds)
{
	struct mparam params[16];
	size_t n = 0;
	for (size_t i = 0; i < n_conds && n < 16; i++) {
		char *eq = strchr(conds[i], '=');
		ck_assert_ptr_nonnull(eq);
		*eq = '\0';
		char *end;
		long long num = strtoll(eq + 1, &end, 10);
		params[n++] = (struct mparam){
			.key = conds[i], .str = eq + 1, .num = num, .is_num = eq[1] && *end == '\0'
		};
	}
	uint64_t raw[SAMPLES];
	for (size_t i = 0; i < SAMPLES; i++) {
		double off = 0.02 * ((double)i - (SAMPLES - 1) / 2.0) / ((SAMPLES - 1) / 2.0);
		raw[i] = (uint64_t)llround(median * (1.0 + off));
	}
	struct metric m = {
		.name = (char *)name,
		.unit = "ns",
		.dir = DIR_LOWER_IS_BETTER,
		.params = params,
		.n_params = n,
		.batch = 1,
		.raw = raw,
		.n = SAMPLES,
	};
	exp_result_add_metric(e, &m);
}

static enum sysinfo_flag flag(const char *v)
{
	return strcmp(v, "yes") == 0 ? SYSINFO_YES : SYSINFO_NO;
}

/* Builds r (initialised here) from the notation of the file's comment. */
static void build(struct run *r, const char *spec)
{
	run_init(r);
	r->seed = 7;
	r->env.pcid = true;
	r->env.null_syscall_ns = NAN;
	char *copy = xstrdup(spec), *save = NULL;
	struct exp_result *e = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *words[24], *ws = NULL;
		size_t n = 0;
		char *rest = strchr(line, ' ');
		char *text = NULL;
		if (rest) {
			text = strchr(rest + 1, ' ');
			text = text ? text + 1 : NULL; /* after the verb and the name */
		}
		char *dup = xstrdup(line);
		for (char *w = strtok_r(dup, " ", &ws); w && n < 24; w = strtok_r(NULL, " ", &ws))
			words[n++] = w;
		ck_assert_uint_ge(n, 1);
		if (strcmp(words[0], "env") == 0) {
			for (size_t i = 1; i < n; i++) {
				char *eq = strchr(words[i], '=');
				ck_assert_ptr_nonnull(eq);
				*eq++ = '\0';
				if (strcmp(words[i], "pcid") == 0)
					r->env.pcid = strcmp(eq, "yes") == 0;
				else if (strcmp(words[i], "virt") == 0)
					r->env.virtualized = strcmp(eq, "yes") == 0;
				else if (strcmp(words[i], "pti") == 0)
					r->env.pti = flag(eq);
				else if (strcmp(words[i], "hv_kernel") == 0)
					snprintf(r->env.hypervisor_kernel,
						 sizeof(r->env.hypervisor_kernel), "%s", eq);
				else if (strcmp(words[i], "thp") == 0)
					snprintf(r->env.thp, sizeof(r->env.thp), "%s", eq);
				else if (strcmp(words[i], "syscall") == 0)
					r->env.null_syscall_ns = atof(eq);
				else
					ck_abort_msg("env: %s", words[i]);
			}
		} else if (strcmp(words[0], "exp") == 0) {
			e = run_add_result(r, words[1]);
		} else if (strcmp(words[0], "fig") == 0) {
			ck_assert_ptr_nonnull(e);
			add_figure(e, words[1], atof(words[2]), words + 3, n - 3);
		} else if (strcmp(words[0], "obs") == 0) {
			exp_result_add_obs(e, words[1], &EV_MSG_OF(NULL, ev_word(words[2])));
		} else if (strcmp(words[0], "srv") == 0) {
			char key[96];
			snprintf(key, sizeof(key), "isolation model=%s", words[1]);
			exp_result_add_obs(e, key,
					   &EV_MSG_OF("server.isolation", ev_word(words[2]),
						      ev_count(3), ev_num(40e6, "ns")));
		} else if (strcmp(words[0], "tok") == 0 || strcmp(words[0], "leg") == 0) {
			ck_assert_ptr_nonnull(text);
			struct ev_val v = { .type = words[0][0] == 't' ? EV_TOKEN : EV_LEGACY,
					    .s = text };
			exp_result_add_obs(e, words[1],
					   &(struct ev_msg){ .vals = &v, .n_vals = 1 });
		} else {
			ck_abort_msg("unknown statement: %s", line);
		}
		free(dup);
	}
	free(copy);
}

/* ---- fragments of runs ---------------------------------------------------- */

#define SWITCH_AT(kind, place, ws, ns)                                                             \
	"fig futex " #ns " kind=" #kind " placement=" place " working_set_bytes=" #ws "\n"
/* The same-CPU round trips of switch.cost, process then thread. */
#define SWITCH_SAME(p, t)                                                                          \
	"exp switch\n" SWITCH_AT(process, "same-cpu", 0, p) SWITCH_AT(thread, "same-cpu", 0, t)
#define SWITCH_CROSS(p, t)                                                                         \
	SWITCH_AT(process, "cross-cpu", 0, p) SWITCH_AT(thread, "cross-cpu", 0, t)
/* Working sets of 0, 1 MiB and 4 MiB (a trend needs three sizes), and the work alone at each. */
#define SWITCH_WS(p0, t0, p1, t1, p4, t4)                                                          \
	SWITCH_SAME(p0, t0)                                                                        \
	SWITCH_AT(process, "same-cpu", 1048576, p1)                                                \
	SWITCH_AT(thread, "same-cpu", 1048576, t1)                                                 \
	SWITCH_AT(process, "same-cpu", 4194304, p4)                                                \
	SWITCH_AT(thread, "same-cpu", 4194304, t4)                                                 \
	"fig alone 10 working_set_bytes=0\nfig alone 500 working_set_bytes=1048576\n"              \
	"fig alone 1000 working_set_bytes=4194304\n"
/* The gap flat at 6 µs; growing from 6 to 16 µs; shrinking to nothing; none at any size. */
#define TLB_FLAT SWITCH_WS(12000, 6000, 20000, 14000, 30000, 24000)
#define TLB_GROWS SWITCH_WS(12000, 6000, 20000, 10000, 40000, 24000)
#define TLB_SHRINKS SWITCH_WS(12000, 6000, 20000, 16000, 30000, 30000)
#define TLB_NONE SWITCH_WS(8000, 8000, 20000, 20000, 30000, 30000)

#define CREATE_AT(name, kind, bytes, ns)                                                           \
	"fig " #name " " #ns " extra_bytes=" #bytes " kind=" #kind " placement=same-cpu\n"
#define CREATE_ZERO(f, vf, spawn, fx)                                                              \
	"exp create\n" CREATE_AT(fork, process, 0, f) CREATE_AT(pthread_create, thread, 0, 30000)  \
		CREATE_AT(vfork, process, 0, vf) CREATE_AT(posix_spawn, process, 0, spawn)         \
			CREATE_AT(fork_exec, process, 0, fx)
/* fork grows along a line; pthread_create and vfork stay; posix_spawn as given. */
#define CREATE_TREND(spawn0, spawn1g)                                                              \
	"exp create\n" CREATE_AT(fork, process, 0, 300000) CREATE_AT(                              \
		fork, process, 16777216, 800000) CREATE_AT(fork, process, 1073741824, 40000000)    \
		CREATE_AT(pthread_create, thread, 0, 30000) CREATE_AT(pthread_create, thread,      \
								      16777216, 30000)             \
			CREATE_AT(pthread_create, thread, 1073741824,                              \
				  30000) CREATE_AT(vfork, process, 0, 40000)                       \
				CREATE_AT(vfork, process, 16777216,                                \
					  40000) CREATE_AT(vfork, process, 1073741824, 40000)      \
					CREATE_AT(posix_spawn, process, 0, spawn0)                 \
						CREATE_AT(posix_spawn, process, 16777216, spawn0)  \
							CREATE_AT(posix_spawn, process,            \
								  1073741824, spawn1g)

/* sec.isolation's barriers, root not tried. */
#define SEC(other, nodump, same)                                                                   \
	"exp isolation\nobs sec.isolation.other_uid " #other                                       \
	"\nobs sec.isolation.non_dumpable " #nodump "\nobs sec.isolation.same_uid " #same "\n"
/* switch.cost with the shared-address-space control beside process and thread. */
#define SWITCH_CONTROL(p, t, c) SWITCH_SAME(p, t) SWITCH_AT(clone_vm, "same-cpu", 0, c)

#define IPC_AT(name, kind, ns)                                                                     \
	"fig " #name " " #ns " measure=latency bytes=64 placement=same-cpu kind=" #kind "\n"
#define IPC_CROSS(name, ns)                                                                        \
	"fig " #name " " #ns " measure=latency bytes=64 placement=cross-cpu kind=process\n"
/* Part (a): each mechanism between processes and threads; (b) mutex_cond for threads. */
#define IPC(pipe_p, pipe_t, unix_p, unix_t, shm_p, shm_t, mutex_t)                                 \
	"exp ipc\n" IPC_AT(pipe, process, pipe_p) IPC_AT(pipe, thread, pipe_t)                     \
		IPC_AT(unix_stream, process, unix_p) IPC_AT(unix_stream, thread, unix_t)           \
			IPC_AT(shm_futex, process, shm_p) IPC_AT(shm_futex, thread, shm_t)         \
				IPC_AT(mutex_cond, thread, mutex_t)

#define PIPELINE(pipe, shm, threads)                                                               \
	"exp parallel\nfig pipeline " #pipe " variant=processes_pipe\nfig pipeline " #shm          \
	" variant=processes_shm\nfig pipeline " #threads " variant=threads_queue\n"
/* cpu_work of each kind with one unit and with two (the CPUs). */
#define SPEEDUP(p1, p2, t1, t2)                                                                    \
	"exp parallel\nfig cpu_work " #p1 " kind=process units=1 fill=partial\nfig cpu_work " #p2  \
	" kind=process units=2 fill=ncpu\nfig cpu_work " #t1                                       \
	" kind=thread units=1 fill=partial\nfig cpu_work " #t2 " kind=thread units=2 fill=ncpu\n"

#define SERVER_AT(fig, model, load, value)                                                         \
	"fig " #fig " " #value " model=" #model " load=" #load " work_us=0\n"
#define SERVER_SURVIVED(model, word) "srv " #model " " #word "\n"
/* pss prefork/pool, keep-alive throughput pool/prefork, churn thread/process, survived. */
#define SERVER(pss_pre, pss_pool, tp_pool, tp_pre, ch_thr, ch_proc, surv_thr, surv_proc)           \
	"exp server\n" SERVER_AT(server_pss, prefork, keepalive, pss_pre) SERVER_AT(               \
		server_pss, thread_pool, keepalive,                                                \
		pss_pool) SERVER_AT(throughput, thread_pool, keepalive,                            \
				    tp_pool) SERVER_AT(throughput, prefork, keepalive, tp_pre)     \
		SERVER_AT(throughput, thread_per_connection, churn,                                \
			  ch_thr) SERVER_AT(throughput, process_per_connection, churn, ch_proc)    \
			SERVER_SURVIVED(thread_pool, surv_thr) SERVER_SURVIVED(prefork, surv_proc) \
				SERVER_SURVIVED(thread_per_connection, surv_thr)                   \
					SERVER_SURVIVED(process_per_connection, surv_proc)         \
						SERVER_SURVIVED(event_loop, surv_thr)

/* ---- the cases --------------------------------------------------------------- */

struct gcase {
	const char *para;
	enum guard_result want;
	const char *run;
};

#define YES GUARD_YES
#define NO GUARD_NO
#define UNKNOWN GUARD_UNKNOWN

static const struct gcase cases[] = {
	/* iso.error_thread */
	{ "iso.error_thread.seeds", YES,
	  "exp crash\nobs iso.error_thread yes\nobs iso.crash_thread yes" },
	{ "iso.error_thread.seeds", NO,
	  "exp crash\nobs iso.error_thread yes\nobs iso.crash_thread no" },
	{ "iso.error_thread.seeds", UNKNOWN, "exp crash\nobs iso.error_thread yes" },
	/* sec.isolation: the arrangement as 0.1.0 wrote it, as a token, as a word */
	{ "sec.isolation.root", YES,
	  "exp isolation\nobs sec.isolation yes\nleg sec.isolation.arrangement reader dropped to "
	  "uid "
	  "65534; target non-dumpable" },
	{ "sec.isolation.root", YES,
	  "exp isolation\nobs sec.isolation.arrangement reader_dropped" },
	{ "sec.isolation.root", NO,
	  "exp isolation\ntok sec.isolation.arrangement reader runs as uid 1000, the target's own; "
	  "target non-dumpable; Yama ptrace_scope 1" },
	{ "sec.isolation.root", UNKNOWN, "exp isolation\nobs sec.isolation yes" },
	{ "sec.isolation.root", UNKNOWN, "exp isolation\nobs sec.isolation.arrangement unknown" },
	{ "sec.isolation.same_user", YES,
	  "exp isolation\ntok sec.isolation.arrangement reader runs as uid 1000, the target's own; "
	  "target non-dumpable" },
	{ "sec.isolation.same_user", NO,
	  "exp isolation\nleg sec.isolation.arrangement reader dropped to uid 65534; target "
	  "non-dumpable" },
	/* create.cost */
	{ "create.cost.vfork", YES, CREATE_ZERO(300000, 40000, 800000, 1000000) },
	{ "create.cost.vfork", NO, CREATE_ZERO(300000, 290000, 800000, 1000000) },
	{ "create.cost.vfork", UNKNOWN, "exp create\n" CREATE_AT(fork, process, 0, 300000) },
	{ "create.cost.spawn_cheaper", YES, CREATE_ZERO(900000, 40000, 2500000, 3200000) },
	{ "create.cost.spawn_cheaper", NO, CREATE_ZERO(900000, 40000, 2200000, 2300000) },
	{ "create.cost.spawn_not_cheaper", YES, CREATE_ZERO(900000, 40000, 2200000, 2300000) },
	{ "create.cost.spawn_not_cheaper", YES, CREATE_ZERO(900000, 40000, 2200000, 1000000) },
	{ "create.cost.spawn_not_cheaper", NO, CREATE_ZERO(900000, 40000, 2500000, 3200000) },
	/* create.memory */
	{ "create.memory.flat", YES, CREATE_TREND(800000, 800000) },
	{ "create.memory.flat", NO, CREATE_TREND(800000, 1800000) },
	{ "create.memory.not_flat", YES, CREATE_TREND(800000, 1800000) },
	{ "create.memory.not_flat", NO, CREATE_TREND(800000, 800000) },
	{ "create.memory.small_pages", YES, "exp create\nobs thp_used nohugepage" },
	{ "create.memory.small_pages", YES, "env thp=madvise\nexp create\nobs thp_used default" },
	{ "create.memory.small_pages", YES, "exp create\nleg hugepages madvise-nohuge" },
	{ "create.memory.small_pages", NO, "env thp=madvise\nexp create\nobs thp_used hugepage" },
	{ "create.memory.small_pages", NO, "env thp=always\nexp create\nobs thp_used default" },
	{ "create.memory.small_pages", UNKNOWN, "exp create\nobs thp_used default" },
	{ "create.memory.huge_pages", YES, "env thp=madvise\nexp create\nobs thp_used hugepage" },
	{ "create.memory.huge_pages", YES, "env thp=always\nexp create\nobs thp_used default" },
	{ "create.memory.huge_pages", YES,
	  "env thp=always\nexp create\nleg hugepages madvise-huge" },
	{ "create.memory.huge_pages", NO, "env thp=never\nexp create\nobs thp_used hugepage" },
	{ "create.memory.huge_pages", NO, "env thp=madvise\nexp create\nobs thp_used nohugepage" },
	{ "create.memory.huge_pages", NO, "exp create\nleg hugepages madvise-nohuge" },
	/* sec.isolation: one part per barrier (words refused / read, absent when not tried) */
	{ "sec.isolation.other_user", YES, SEC(refused, refused, read) },
	{ "sec.isolation.other_user", NO, SEC(read, refused, read) },
	{ "sec.isolation.other_user", UNKNOWN, "exp isolation\nobs sec.isolation yes" },
	{ "sec.isolation.non_dumpable", YES, SEC(refused, refused, read) },
	{ "sec.isolation.non_dumpable", NO, SEC(refused, read, read) },
	{ "sec.isolation.same_user_read", YES, SEC(refused, refused, read) },
	{ "sec.isolation.same_user_read", NO, SEC(refused, refused, refused) },
	{ "sec.isolation.same_user_refused", YES, SEC(refused, refused, refused) },
	{ "sec.isolation.same_user_refused", NO, SEC(refused, refused, read) },
	{ "sec.isolation.root_read", YES,
	  SEC(refused, refused, read) "obs sec.isolation.root read\n" },
	{ "sec.isolation.root_read", NO,
	  SEC(refused, refused, read) "obs sec.isolation.root refused\n" },
	{ "sec.isolation.root_read", UNKNOWN, SEC(refused, refused, read) },
	/* switch.cost: the machine */
	{ "switch.cost.no_pcid", YES, "env pcid=no\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.no_pcid", NO, "env pcid=yes\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.no_pcid_negligible", YES, "env pcid=no\n" SWITCH_SAME(6000, 6000) },
	{ "switch.cost.no_pcid_negligible", NO, "env pcid=no\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.no_pcid_negligible", NO, "env pcid=yes\n" SWITCH_SAME(6000, 6000) },
	{ "switch.cost.pvm", YES, "env hv_kernel=PVM\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pvm", NO, "env hv_kernel=KVM\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pvm", UNKNOWN, SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pcid", YES, "env pcid=yes\n" SWITCH_SAME(6000, 6000) },
	{ "switch.cost.pcid", NO, "env pcid=no\n" SWITCH_SAME(6000, 6000) },
	{ "switch.cost.pcid_negligible", YES, "env pcid=yes\n" SWITCH_SAME(6000, 6000) },
	{ "switch.cost.pcid_negligible", NO, "env pcid=yes\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pcid_negligible", NO, "env pcid=no\n" SWITCH_SAME(6000, 6000) },
	{ "switch.cost.pcid_holds", YES, "env pcid=yes\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pcid_holds", NO, "env pcid=yes\n" SWITCH_SAME(6000, 6000) },
	{ "switch.cost.pcid_holds", NO, "env pcid=no\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pti", YES, "env pti=yes\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pti", NO, "env pti=no\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pti", UNKNOWN, SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pti_no_pcid", YES, "env pti=yes pcid=no\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pti_no_pcid", NO, "env pti=yes pcid=yes\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.pti_no_pcid", NO, "env pti=no pcid=no\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.syscall_dear", YES, "env syscall=1000\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.syscall_dear", NO, "env syscall=90\n" SWITCH_SAME(12000, 6000) },
	{ "switch.cost.syscall_dear", UNKNOWN, SWITCH_SAME(12000, 6000) },
	/* switch.cost: the shared-address-space control */
	{ "switch.cost.address_space_whole", YES, SWITCH_CONTROL(12900, 6500, 6300) },
	{ "switch.cost.address_space_whole", NO, SWITCH_CONTROL(12900, 6500, 9700) },
	{ "switch.cost.address_space_whole", UNKNOWN, SWITCH_SAME(12900, 6500) },
	{ "switch.cost.address_space_whole", UNKNOWN, SWITCH_CONTROL(6500, 6500, 6500) },
	{ "switch.cost.address_space_part", YES, SWITCH_CONTROL(12900, 6500, 9700) },
	{ "switch.cost.address_space_part", NO, SWITCH_CONTROL(12900, 6500, 6500) },
	{ "switch.cost.address_space_part", UNKNOWN, SWITCH_SAME(12900, 6500) },
	/* switch.cost: across CPUs against one CPU */
	{ "switch.cost.cross_slower", YES, SWITCH_SAME(12000, 6000) SWITCH_CROSS(40000, 20000) },
	{ "switch.cost.cross_slower", NO, SWITCH_SAME(12000, 6000) SWITCH_CROSS(12000, 6000) },
	{ "switch.cost.cross_slower", NO, SWITCH_SAME(12000, 6000) SWITCH_CROSS(40000, 1600) },
	{ "switch.cost.cross_slower", UNKNOWN, SWITCH_SAME(12000, 6000) },
	{ "switch.cost.cross_vm", YES,
	  "env virt=yes\n" SWITCH_SAME(12000, 6000) SWITCH_CROSS(40000, 20000) },
	{ "switch.cost.cross_vm", NO,
	  "env virt=no\n" SWITCH_SAME(12000, 6000) SWITCH_CROSS(40000, 20000) },
	{ "switch.cost.cross_vm", NO,
	  "env virt=yes\n" SWITCH_SAME(12000, 6000) SWITCH_CROSS(12000, 6000) },
	{ "switch.cost.cross_same", YES, SWITCH_SAME(12000, 6000) SWITCH_CROSS(13000, 6500) },
	{ "switch.cost.cross_same", NO, SWITCH_SAME(12000, 6000) SWITCH_CROSS(40000, 6500) },
	{ "switch.cost.cross_faster", YES, SWITCH_SAME(12000, 6000) SWITCH_CROSS(4000, 2000) },
	{ "switch.cost.cross_faster", NO, SWITCH_SAME(12000, 6000) SWITCH_CROSS(4000, 20000) },
	/* switch.alloc */
	{ "switch.alloc.none_seen", YES, "exp switch\nobs switch.alloc no" },
	{ "switch.alloc.none_seen", NO, "exp switch\nobs switch.alloc yes" },
	{ "switch.alloc.faults_seen", YES, "exp switch\nobs switch.alloc yes" },
	{ "switch.alloc.faults_seen", NO, "exp switch\nobs switch.alloc no" },
	/* switch.tlb */
	{ "switch.tlb.no_pcid", YES, "env pcid=no\n" TLB_FLAT },
	{ "switch.tlb.no_pcid", NO, "env pcid=yes\n" TLB_FLAT },
	{ "switch.tlb.pcid", YES, "env pcid=yes\n" TLB_FLAT },
	{ "switch.tlb.pcid", NO, "env pcid=no\n" TLB_FLAT },
	{ "switch.tlb.fixed_gap", YES, TLB_FLAT },
	{ "switch.tlb.fixed_gap", NO, TLB_NONE },
	{ "switch.tlb.no_fixed_gap", YES, TLB_NONE },
	{ "switch.tlb.no_fixed_gap", NO, TLB_GROWS },
	{ "switch.tlb.gap_grows", YES, TLB_GROWS },
	{ "switch.tlb.gap_grows", NO, TLB_FLAT },
	{ "switch.tlb.gap_grows", NO, TLB_SHRINKS },
	{ "switch.tlb.gap_flat", YES, TLB_FLAT },
	{ "switch.tlb.gap_flat", YES, TLB_NONE },
	{ "switch.tlb.gap_flat", NO, TLB_GROWS },
	{ "switch.tlb.gap_shrinks", YES, TLB_SHRINKS },
	{ "switch.tlb.gap_shrinks", NO, TLB_FLAT },
	{ "switch.tlb.all_negligible", YES, TLB_NONE },
	{ "switch.tlb.all_negligible", NO, TLB_FLAT },
	/* Two sizes are no trend: the gap's paragraphs are not shown. */
	{ "switch.tlb.gap_flat", NO,
	  SWITCH_SAME(12000, 6000) SWITCH_AT(process, "same-cpu", 4194304, 18000)
		  SWITCH_AT(thread, "same-cpu", 4194304, 12000) },
	/* ipc.faster_threads */
	{ "ipc.faster_threads.same_mechanism_not_dearer", YES,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.same_mechanism_not_dearer", YES,
	  IPC(7000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.same_mechanism_not_dearer", NO,
	  IPC(16000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.same_mechanism_dearer", YES,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) },
	{ "ipc.faster_threads.same_mechanism_dearer", NO,
	  IPC(16000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.same_mechanism_mixed", YES,
	  IPC(16000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.same_mechanism_mixed", NO,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.same_mechanism_mixed", NO,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) },
	{ "ipc.faster_threads.shared_memory", YES,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) },
	{ "ipc.faster_threads.shared_memory", NO,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.shared_memory_no_better", YES,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.shared_memory_no_better", NO,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) },
	{ "ipc.faster_threads.shm_process_same", YES,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.shm_process_same", NO,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) },
	{ "ipc.faster_threads.mutex_like_pipe", YES,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 18000) },
	{ "ipc.faster_threads.mutex_like_pipe", NO,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.mutex_dearer", YES,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	{ "ipc.faster_threads.mutex_dearer", NO,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 18000) },
	{ "ipc.faster_threads.address_space", YES,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) IPC_AT(pipe, clone_vm, 10100)
		  IPC_AT(unix_stream, clone_vm, 13000) IPC_AT(shm_futex, clone_vm, 7000) },
	{ "ipc.faster_threads.address_space", NO,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) IPC_AT(pipe, clone_vm, 10100)
		  IPC_AT(unix_stream, clone_vm, 25000) IPC_AT(shm_futex, clone_vm, 7000) },
	{ "ipc.faster_threads.address_space", UNKNOWN,
	  IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) },
	/* ipc.mechanisms */
	{ "ipc.mechanisms.spin_fastest_across", YES,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) IPC_CROSS(pipe, 17000)
		  IPC_CROSS(shm_spin, 220) IPC_CROSS(shm_futex, 16000) },
	{ "ipc.mechanisms.spin_fastest_across", NO,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) IPC_CROSS(pipe, 17000)
		  IPC_CROSS(shm_spin, 22000) IPC_CROSS(shm_futex, 16000) },
	{ "ipc.mechanisms.spin_fastest_across", UNKNOWN,
	  IPC(8000, 8000, 18000, 18000, 9000, 9000, 20000) },
	/* sync.race */
	{ "sync.race.none_lost", YES, "exp sync\nobs sync.race no" },
	{ "sync.race.none_lost", NO, "exp sync\nobs sync.race yes" },
	/* par.speedup */
	{ "par.speedup.parallel", YES, SPEEDUP(60000000, 30000000, 60000000, 30000000) },
	{ "par.speedup.parallel", NO, SPEEDUP(30000000, 36000000, 60000000, 30000000) },
	{ "par.speedup.not_parallel", YES, SPEEDUP(30000000, 36000000, 60000000, 30000000) },
	{ "par.speedup.not_parallel", YES, SPEEDUP(60000000, 30000000, 30000000, 36000000) },
	{ "par.speedup.not_parallel", NO, SPEEDUP(60000000, 30000000, 60000000, 30000000) },
	{ "par.speedup.same", YES, SPEEDUP(60000000, 30000000, 60000000, 30000000) },
	{ "par.speedup.same", NO, SPEEDUP(60000000, 45000000, 60000000, 30000000) },
	{ "par.speedup.differs", YES, SPEEDUP(60000000, 45000000, 60000000, 30000000) },
	{ "par.speedup.differs", YES, SPEEDUP(60000000, 20000000, 60000000, 30000000) },
	{ "par.speedup.differs", NO, SPEEDUP(60000000, 30000000, 60000000, 30000000) },
	/* par.comm */
	{ "par.comm.pipe_dearer", YES, PIPELINE(1450, 50, 90) },
	{ "par.comm.pipe_dearer", NO, PIPELINE(90, 50, 90) },
	{ "par.comm.shm_same", YES, PIPELINE(1450, 90, 90) },
	{ "par.comm.shm_same", NO, PIPELINE(1450, 50, 90) },
	{ "par.comm.shm_faster", YES, PIPELINE(1450, 50, 90) },
	{ "par.comm.shm_faster", NO, PIPELINE(1450, 54000, 90) },
	{ "par.comm.shm_dearer", YES, PIPELINE(54000, 54000, 90) },
	{ "par.comm.shm_dearer", NO, PIPELINE(1450, 90, 90) },
	/* app.server */
	{ "app.server.keepalive_same", YES,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.keepalive_same", NO,
	  SERVER(1900000, 700000, 66000, 44000, 12000, 1800, no, yes) },
	{ "app.server.keepalive_threads", YES,
	  SERVER(1900000, 700000, 66000, 44000, 12000, 1800, no, yes) },
	{ "app.server.keepalive_threads", NO,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.keepalive_processes", YES,
	  SERVER(1900000, 700000, 30000, 44000, 12000, 1800, no, yes) },
	{ "app.server.keepalive_processes", NO,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.memory", YES, SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.memory", NO, SERVER(700000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.churn", YES, SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.churn", NO, SERVER(1900000, 700000, 44000, 44000, 1800, 1800, no, yes) },
	{ "app.server.isolation", YES,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.isolation", NO,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, yes, yes) },
	{ "app.server.isolation", NO, SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, no) },
	{ "app.server.thread_survived", YES,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, yes, yes) },
	{ "app.server.thread_survived", NO,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, no, yes) },
	{ "app.server.thread_survived", UNKNOWN,
	  "exp server\n" SERVER_AT(server_pss, prefork, keepalive, 100) },
	{ "app.server.isolation", UNKNOWN,
	  "exp server\n" SERVER_AT(server_pss, prefork, keepalive, 100) },
};

/* The claim whose explanation holds paragraph id, and the paragraph. */
static const struct mechanism *find_para(const char *id, const struct claim **claim)
{
	for (const struct claim *c = claims; c->id; c++)
		for (const struct mechanism *m = c->why; m && m->id; m++)
			if (strcmp(m->id, id) == 0) {
				*claim = c;
				return m;
			}
	ck_abort_msg("no paragraph %s", id);
	return NULL;
}

static bool chosen(const struct verdict *v, const char *id)
{
	for (size_t i = 0; i < v->n_mechanisms; i++)
		if (strcmp(v->mechanisms[i].m->id, id) == 0)
			return true;
	return false;
}

/* The value the paragraph's guard read for key, or NULL. */
static const char *evidence(const struct mech_choice *m, const char *key)
{
	for (size_t i = 0; i < m->n_evidence; i++)
		if (strcmp(m->evidence[i].key, key) == 0)
			return m->evidence[i].value;
	return NULL;
}

/* What rd renders of r and its verdicts v, 80 columns wide, as a new string (caller frees). */
static char *rendered(const struct renderer *rd, const struct run *r, const struct verdict *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	struct report_opts o = { .width = 80, .details = true };
	ck_assert_int_eq(rd->render(f, r, v, &o), 0);
	fclose(f);
	return buf;
}

START_TEST(test_guard_cases)
{
	const struct gcase *k = &cases[_i];
	const struct claim *c;
	const struct mechanism *m = find_para(k->para, &c);
	struct run r;
	struct verdict v;
	struct mech_choice got;
	build(&r, k->run);
	claims_judge(c, &r, &v);
	enum guard_result res = mechanism_eval(m, &r, &v, &got);
	ck_assert_msg(res == k->want, "case %d: %s says %s, want %s (verdict %s)", _i, k->para,
		      guard_result_name(res), guard_result_name(k->want),
		      verdict_status_name(v.status));
	/* Judging chose it exactly when its guard says yes, with the same evidence. */
	ck_assert_msg(chosen(&v, k->para) == (res == GUARD_YES), "case %d: %s chosen: %d", _i,
		      k->para, chosen(&v, k->para));
	ck_assert_msg(got.n_evidence > 0 && !got.truncated, "case %d: %s read %zu values", _i,
		      k->para, got.n_evidence);
	for (size_t i = 0; i < v.n_mechanisms; i++) {
		if (v.mechanisms[i].m != m)
			continue;
		ck_assert_uint_eq(v.mechanisms[i].n_evidence, got.n_evidence);
		for (size_t e = 0; e < got.n_evidence; e++) {
			ck_assert_str_eq(v.mechanisms[i].evidence[e].key, got.evidence[e].key);
			ck_assert_str_eq(v.mechanisms[i].evidence[e].value, got.evidence[e].value);
		}
	}
	run_free(&r);
}
END_TEST

/* Every guarded paragraph is driven both ways by the cases above. */
START_TEST(test_every_guard_both_ways)
{
	size_t n = sizeof(cases) / sizeof(cases[0]);
	for (const struct claim *c = claims; c->id; c++) {
		for (const struct mechanism *m = c->why; m && m->id; m++) {
			if (!m->guard)
				continue;
			bool yes = false, no = false;
			for (size_t i = 0; i < n; i++) {
				if (strcmp(cases[i].para, m->id) != 0)
					continue;
				yes = yes || cases[i].want == GUARD_YES;
				no = no || cases[i].want == GUARD_NO;
			}
			ck_assert_msg(yes && no, "%s: no case where its guard says %s", m->id,
				      yes ? "no" : "yes");
		}
	}
}
END_TEST

/* The catalogue of paragraphs: ids unique and named after their claim, texts and conditions set. */
START_TEST(test_paragraph_catalogue)
{
	for (const struct claim *c = claims; c->id; c++) {
		size_t len = strlen(c->id), n = mechanism_count(c->why);
		ck_assert_msg(!claim_experiment(c) || n > 0, "%s: no paragraph", c->id);
		ck_assert_msg(n <= VERDICT_MAX_MECHANISMS, "%s: %zu paragraphs, room for %d", c->id,
			      n, VERDICT_MAX_MECHANISMS);
		for (const struct mechanism *m = c->why; m && m->id; m++) {
			ck_assert_msg(strncmp(m->id, c->id, len) == 0 && m->id[len] == '.',
				      "%s: paragraph %s not named after it", c->id, m->id);
			ck_assert_msg(m->text && m->text[0], "%s: no text", m->id);
			ck_assert_msg(!m->guard == !m->when, "%s: a guard goes with its when",
				      m->id);
			/* No number in a text but names and fixed sizes: figures are printed above. */
			static const char *const allowed[] = { "001", "4 KiB",	 "2 MiB",
							       "x86", "64-byte", "value + 1",
							       NULL };
			char *t = xstrdup(m->text);
			for (const char *const *a = allowed; *a; a++)
				for (char *p = strstr(t, *a); p; p = strstr(p, *a))
					memset(p, '_', strlen(*a));
			ck_assert_msg(strpbrk(t, "0123456789") == NULL, "%s: a number in the text",
				      m->id);
			free(t);
			for (const struct claim *d = claims; d->id; d++)
				for (const struct mechanism *o = d->why; o && o->id; o++)
					ck_assert_msg(o == m || strcmp(o->id, m->id) != 0,
						      "%s: id used twice", m->id);
		}
	}
}
END_TEST

/* ---- the machinery ------------------------------------------------------------ */

START_TEST(test_logic)
{
	const enum guard_result y = GUARD_YES, n = GUARD_NO, u = GUARD_UNKNOWN;
	ck_assert_int_eq(guard_and(y, y), y);
	ck_assert_int_eq(guard_and(y, n), n);
	ck_assert_int_eq(guard_and(u, n), n);
	ck_assert_int_eq(guard_and(y, u), u);
	ck_assert_int_eq(guard_or(n, n), n);
	ck_assert_int_eq(guard_or(u, y), y);
	ck_assert_int_eq(guard_or(n, u), u);
	ck_assert_int_eq(guard_not(y), n);
	ck_assert_int_eq(guard_not(n), y);
	ck_assert_int_eq(guard_not(u), u);
	ck_assert_int_eq(guard_above(2, 1.25), y);
	ck_assert_int_eq(guard_above(1.25, 1.25), n);
	ck_assert_int_eq(guard_above(NAN, 1.25), u);
	ck_assert_int_eq(guard_below(0.5, 0.8), y);
	ck_assert_int_eq(guard_below(NAN, 0.8), u);
	static const char *const words[] = { "never", "madvise", NULL };
	ck_assert_int_eq(guard_word_in("madvise", words), y);
	ck_assert_int_eq(guard_word_in("always", words), n);
	ck_assert_int_eq(guard_word_in(NULL, words), u);
	ck_assert_int_eq(guard_has_token("reader dropped to uid 65534", "dropped"), y);
	ck_assert_int_eq(guard_has_token("isolation.reader_dropped", "dropped"), y);
	ck_assert_int_eq(guard_has_token("undropped", "dropped"), n);
	ck_assert_int_eq(guard_has_token("the target's own; x", "own"), y);
	ck_assert_int_eq(guard_has_token("unknown", "own"), n);
	ck_assert_int_eq(guard_has_token(NULL, "own"), u);
	ck_assert_str_eq(guard_result_name(y), "yes");
	ck_assert_str_eq(guard_result_name(n), "no");
	ck_assert_str_eq(guard_result_name(u), "unknown");
}
END_TEST

/* What the accessors write down: keys, values, unknowns. */
START_TEST(test_evidence_recorded)
{
	struct run r;
	struct verdict v;
	build(&r,
	      "env pcid=no pti=yes virt=yes\n" SWITCH_SAME(12000, 6000) SWITCH_CROSS(40000, 20000));
	claims_judge(claims_find("switch.cost"), &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	ck_assert(chosen(&v, "switch.cost.round_trip"));
	ck_assert(chosen(&v, "switch.cost.no_pcid"));
	ck_assert(chosen(&v, "switch.cost.pti_no_pcid"));
	ck_assert(chosen(&v, "switch.cost.cross_vm"));
	ck_assert(!chosen(&v, "switch.cost.pcid"));
	ck_assert(!chosen(&v, "switch.cost.syscall_dear")); /* unknown: not shown */
	for (size_t i = 0; i < v.n_mechanisms; i++) {
		const struct mech_choice *m = &v.mechanisms[i];
		if (strcmp(m->m->id, "switch.cost.round_trip") == 0)
			ck_assert_uint_eq(m->n_evidence, 0);
		if (strcmp(m->m->id, "switch.cost.pti_no_pcid") == 0) {
			ck_assert_uint_eq(m->n_evidence, 2);
			ck_assert_str_eq(evidence(m, "env.pti"), "yes");
			ck_assert_str_eq(evidence(m, "env.pcid"), "no");
		}
		if (strcmp(m->m->id, "switch.cost.cross_vm") == 0) {
			ck_assert_str_eq(evidence(m, "env.virtualized"), "yes");
			ck_assert_str_eq(evidence(m,
						  "figure.futex{kind=process,placement=cross-cpu,"
						  "working_set_bytes=0}.median_ns"),
					 "40000");
			ck_assert_str_eq(evidence(m, "figure.futex{kind=thread,placement=same-cpu,"
						     "working_set_bytes=0}.median_ns"),
					 "6000");
		}
	}
	/* An unknown field is written down as unknown. */
	struct mech_choice got;
	const struct claim *c;
	const struct mechanism *m = find_para("switch.cost.syscall_dear", &c);
	ck_assert_int_eq(mechanism_eval(m, &r, &v, &got), GUARD_UNKNOWN);
	ck_assert_str_eq(evidence(&got, "env.null_syscall_ns"), "unknown");
	m = find_para("switch.cost.pvm", &c);
	ck_assert_int_eq(mechanism_eval(m, &r, &v, &got), GUARD_UNKNOWN);
	ck_assert_str_eq(evidence(&got, "env.hypervisor_kernel"), "unknown");
	run_free(&r);

	/* Parts, observations and the verdict itself. */
	build(&r, IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000));
	claims_judge(claims_find("ipc.faster_threads"), &r, &v);
	m = find_para("ipc.faster_threads.same_mechanism_dearer", &c);
	ck_assert_int_eq(mechanism_eval(m, &r, &v, &got), GUARD_YES);
	ck_assert_str_eq(evidence(&got, "part.0.status"), "holds");
	ck_assert_str_eq(evidence(&got, "part.2.status"), "holds");
	run_free(&r);

	build(&r, "exp create\nobs thp_used nohugepage");
	claims_judge(claims_find("create.memory"), &r, &v);
	ck_assert(chosen(&v, "create.memory.small_pages"));
	m = find_para("create.memory.small_pages", &c);
	mechanism_eval(m, &r, &v, &got);
	ck_assert_str_eq(evidence(&got, "obs.create.thp_used"), "nohugepage");
	ck_assert_int_eq(v.status, V_NO_DATA);
	/* Paragraphs without guard are still chosen when the claim has no data. */
	ck_assert(chosen(&v, "create.memory.copy"));
	run_free(&r);

	build(&r, "exp switch\nobs switch.alloc no");
	claims_judge(claims_find("switch.alloc"), &r, &v);
	m = find_para("switch.alloc.none_seen", &c);
	mechanism_eval(m, &r, &v, &got);
	ck_assert_str_eq(evidence(&got, "status"), "not_observed");
	run_free(&r);
}
END_TEST

/* The JSON verdict lists the chosen paragraphs with their evidence; HTML tags each. */
START_TEST(test_rendered)
{
	struct run r;
	build(&r, "env pcid=no\n" SWITCH_SAME(12000, 6000));
	size_t n = claims_count();
	struct verdict *v = xcalloc(n, sizeof(*v));
	claims_judge_all(&r, v);
	json_t *a = report_verdicts_json(v, n);
	ck_assert_ptr_nonnull(a);
	bool seen = false;
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		json_t *mech = json_object_get(o, "mechanisms");
		ck_assert_msg(json_is_array(mech), "%s: no mechanisms",
			      json_string_value(json_object_get(o, "claim")));
		ck_assert_uint_eq(json_array_size(mech), v[i].n_mechanisms);
		if (strcmp(json_string_value(json_object_get(o, "claim")), "switch.cost") != 0)
			continue;
		for (size_t k = 0; k < json_array_size(mech); k++) {
			json_t *m = json_array_get(mech, k);
			if (strcmp(json_string_value(json_object_get(m, "id")),
				   "switch.cost.no_pcid") != 0)
				continue;
			json_t *ev = json_object_get(m, "evidence");
			ck_assert_str_eq(json_string_value(json_object_get(ev, "env.pcid")), "no");
			seen = true;
		}
	}
	ck_assert(seen);
	json_decref(a);

	char *buf = rendered(&render_html, &r, v);
	ck_assert_ptr_nonnull(strstr(buf, "<span data-mechanism=\"switch.cost.no_pcid\">"));
	ck_assert_ptr_null(strstr(buf, "data-mechanism=\"switch.cost.pcid\""));
	free(buf);

	buf = rendered(&render_text, &r, v);
	ck_assert_ptr_nonnull(strstr(buf, "Why: A round trip is two hand-overs"));
	ck_assert_ptr_nonnull(strstr(buf, "Without PCID, loading another"));
	free(buf);
	free(v);
	run_free(&r);
}
END_TEST

/* ---- real runs ------------------------------------------------------------------ */

/* The paragraphs that presume the CPU has PCID, and the ones that presume it has not. */
static const char *const presume_pcid[] = { "switch.cost.pcid", "switch.cost.pcid_negligible",
					    "switch.cost.pcid_holds", "switch.tlb.pcid", NULL };
static const char *const presume_no_pcid[] = { "switch.cost.no_pcid",
					       "switch.cost.no_pcid_negligible",
					       "switch.cost.pti_no_pcid", "switch.tlb.no_pcid",
					       NULL };

static bool in_list(const char *id, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(id, *list) == 0)
			return true;
	return false;
}

/* Judges the run at path and checks every claim's choice against its guards again. */
static void check_real_run(const char *name, const char *path)
{
	struct run r;
	char err[512];
	run_init(&r);
	ck_assert_msg(run_load(path, &r, err, sizeof(err)) == 0, "%s: %s", name, err);
	size_t n = claims_count();
	struct verdict *v = xcalloc(n, sizeof(*v));
	claims_judge_all(&r, v);
	bool pcid = r.env.pcid;
	for (size_t i = 0; i < n; i++) {
		const struct claim *c = v[i].claim;
		size_t k = 0;
		for (const struct mechanism *m = c->why; m && m->id; m++) {
			struct mech_choice got;
			enum guard_result res = mechanism_eval(m, &r, &v[i], &got);
			bool is_chosen = k < v[i].n_mechanisms && v[i].mechanisms[k].m == m;
			ck_assert_msg(!got.truncated, "%s: %s read too much", name, m->id);
			if (!is_chosen) {
				ck_assert_msg(res != GUARD_YES,
					      "%s: %s says yes but was not chosen", name, m->id);
				continue;
			}
			const struct mech_choice *ch = &v[i].mechanisms[k++];
			ck_assert_msg(res == GUARD_YES, "%s: %s chosen, its guard says %s", name,
				      m->id, guard_result_name(res));
			ck_assert_uint_eq(ch->n_evidence, got.n_evidence);
			for (size_t e = 0; e < got.n_evidence; e++) {
				ck_assert_str_eq(ch->evidence[e].key, got.evidence[e].key);
				ck_assert_str_eq(ch->evidence[e].value, got.evidence[e].value);
			}
			/* What a paragraph presumes about PCID, the machine has. */
			ck_assert_msg(!in_list(m->id, pcid ? presume_no_pcid : presume_pcid),
				      "%s (pcid %s): %s chosen", name, pcid ? "yes" : "no", m->id);
		}
		ck_assert_uint_eq(k, v[i].n_mechanisms);
		if (claim_experiment(c) && run_find_result(&r, claim_experiment(c)))
			ck_assert_msg(v[i].n_mechanisms > 0, "%s: %s explained by nothing", name,
				      c->id);
	}
	/* Each machine gets its own: the no-PCID paragraphs there, the PCID ones here. */
	const struct verdict *sc = &v[0], *tlb = &v[0];
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].claim->id, "switch.cost") == 0)
			sc = &v[i];
		if (strcmp(v[i].claim->id, "switch.tlb") == 0)
			tlb = &v[i];
	}
	ck_assert_msg(chosen(sc, pcid ? "switch.cost.pcid" : "switch.cost.no_pcid"), "%s", name);
	ck_assert_msg(chosen(tlb, pcid ? "switch.tlb.pcid" : "switch.tlb.no_pcid"), "%s", name);
	free(v);
	run_free(&r);
}

/* Counts the runs of machines with and without PCID as it checks them. */
struct seen {
	size_t pcid, no_pcid;
};

static void each_real_run(const char *name, const char *json, void *arg)
{
	struct seen *seen = arg;
	check_real_run(name, json);
	if (strstr(name, "nopcid"))
		seen->no_pcid++;
	else if (strstr(name, "pcid"))
		seen->pcid++;
}

/* ---- questions, fact parts, attribution (issue 15) ------------------------ */

static void judge_spec(const char *id, const char *spec, struct run *r, struct verdict *v)
{
	build(r, spec);
	claims_judge(claims_find(id), r, v);
}

/* ipc.faster_threads: each question its own verdict; neither hides the other. */
/*
 * A claim of parts without questions (par.comm): the class its parts
 * share; split only when two parts firmly disagree; a part that could not
 * be told makes the claim inconclusive, never split.
 */
START_TEST(test_parts_combine)
{
	struct run r;
	struct verdict v;
	judge_spec("par.comm", PIPELINE(1450, 1450, 90), &r, &v);
	ck_assert_int_eq(v.status, V_HOLDS);
	run_free(&r);
	judge_spec("par.comm", PIPELINE(1450, 90, 90), &r, &v);
	ck_assert_int_eq(v.lines[1].grows, V_NEGLIGIBLE);
	ck_assert_int_eq(v.status, V_SPLIT);
	run_free(&r);
	judge_spec("par.comm", PIPELINE(1450, 99, 90), &r, &v);
	ck_assert_int_eq(v.lines[1].grows, V_INCONCLUSIVE);
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	ck_assert_str_ne(v.reason, "");
	run_free(&r);
}
END_TEST

START_TEST(test_questions)
{
	struct run r;
	struct verdict v;
	char cell[256];
	/* Everything holds: both questions hold, and so does the claim. */
	judge_spec("ipc.faster_threads", IPC(18000, 10000, 31000, 13000, 15000, 7000, 10000), &r,
		   &v);
	ck_assert_uint_eq(v.n_questions, 2);
	ck_assert_str_eq(v.questions[0].q->key, "a");
	ck_assert_int_eq(v.questions[0].status, V_HOLDS);
	ck_assert_int_eq(v.questions[1].status, V_HOLDS);
	ck_assert_int_eq(v.status, V_HOLDS);
	run_free(&r);
	/* (b)'s mutex part is negligible: (b) inconclusive, naming it; (a) still holds. */
	judge_spec("ipc.faster_threads", IPC(18000, 10000, 31000, 13000, 15000, 7000, 18000), &r,
		   &v);
	ck_assert_int_eq(v.questions[0].status, V_HOLDS);
	ck_assert_int_eq(v.questions[1].status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.questions[1].reason, "mutex and a condition (negligible)"));
	ck_assert_ptr_nonnull(strstr(v.questions[1].reason, "disagree"));
	ck_assert_ptr_null(strstr(v.questions[0].reason, "disagree"));
	/* One question firm, the other not told: the claim is inconclusive, not split. */
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	verdict_questions_cell(&v, cell, sizeof(cell));
	ck_assert_str_eq(cell, "(a) holds, (b) inconclusive");
	/* Questions of one verdict share it. */
	struct verdict same = { .claim = v.claim, .n_questions = 2 };
	for (size_t i = 0; i < 2; i++)
		same.questions[i] = (struct question_verdict){ .q = &v.claim->questions[i],
							       .status = V_INCONCLUSIVE };
	verdict_questions_cell(&same, cell, sizeof(cell));
	ck_assert_str_eq(cell, "(a, b) inconclusive");
	run_free(&r);
	/* The same mechanism costs the same: (a) negligible, (b) its own verdict. */
	judge_spec("ipc.faster_threads", IPC(8000, 8000, 18000, 18000, 9000, 9000, 5000), &r, &v);
	ck_assert_int_eq(v.questions[0].status, V_NEGLIGIBLE);
	ck_assert_int_eq(v.questions[1].status, V_INCONCLUSIVE);
	run_free(&r);
	/* Only part (a)'s pipe measured: (b) has no data, the claim is (a)'s. */
	judge_spec("ipc.faster_threads",
		   "exp ipc\n" IPC_AT(pipe, process, 18000) IPC_AT(pipe, thread, 9000), &r, &v);
	ck_assert_int_eq(v.questions[0].status, V_HOLDS);
	ck_assert_int_eq(v.questions[1].status, V_NO_DATA);
	ck_assert_int_eq(v.status, V_HOLDS);
	run_free(&r);
}
END_TEST

/* sec.isolation: one fact part per barrier; a run of 0.1.0 judged by its one fact. */
START_TEST(test_fact_parts)
{
	struct run r;
	struct verdict v;
	char line[512];
	judge_spec("sec.isolation", SEC(refused, refused, read), &r, &v);
	ck_assert_uint_eq(v.n_lines, 4);
	ck_assert_int_eq(v.lines[0].grows, V_OBSERVED);
	ck_assert_int_eq(v.lines[2].grows, V_OBSERVED);
	ck_assert_int_eq(v.lines[3].grows, V_NO_DATA); /* root: not tried */
	ck_assert_int_eq(v.status, V_OBSERVED);
	verdict_fact_line_text(&v, &v.lines[0], line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "another user"));
	ck_assert_ptr_nonnull(strstr(line, "refused"));
	ck_assert_ptr_nonnull(strstr(line, "observed"));
	verdict_fact_line_text(&v, &v.lines[3], line, sizeof(line));
	ck_assert_ptr_nonnull(strstr(line, "not tried"));
	ck_assert_ptr_nonnull(strstr(line, "as root"));
	run_free(&r);
	/* Root read too: still observed. Another user read: the barriers disagree. */
	judge_spec("sec.isolation", SEC(refused, refused, read) "obs sec.isolation.root read\n", &r,
		   &v);
	ck_assert_int_eq(v.lines[3].grows, V_OBSERVED);
	ck_assert_int_eq(v.status, V_OBSERVED);
	run_free(&r);
	judge_spec("sec.isolation", SEC(read, refused, read), &r, &v);
	ck_assert_int_eq(v.lines[0].grows, V_NOT_OBSERVED);
	ck_assert_int_eq(v.status, V_SPLIT);
	run_free(&r);
	/* Runs of 0.1.0 and of issue 14: the one fact decides, as before. */
	judge_spec("sec.isolation", "exp isolation\nobs sec.isolation yes", &r, &v);
	ck_assert_int_eq(v.status, V_OBSERVED);
	ck_assert_uint_eq(v.n_lines, 0);
	run_free(&r);
	judge_spec("sec.isolation", "exp isolation\nobs sec.isolation no", &r, &v);
	ck_assert_int_eq(v.status, V_NOT_OBSERVED);
	run_free(&r);
	judge_spec("sec.isolation", "exp isolation\nobs other 1", &r, &v);
	ck_assert_int_eq(v.status, V_NO_DATA);
	run_free(&r);
}
END_TEST

/* app.server: isolation per model as a fact, efficiency as ratios, each its question. */
START_TEST(test_server_isolation_facts)
{
	struct run r;
	struct verdict v;
	judge_spec("app.server", SERVER(1900000, 700000, 66000, 44000, 12000, 1800, no, yes), &r,
		   &v);
	ck_assert_uint_eq(v.n_questions, 2);
	ck_assert_str_eq(v.questions[1].q->key, "isolation");
	ck_assert_int_eq(v.questions[1].status, V_OBSERVED);
	size_t facts = 0;
	for (size_t i = 0; i < v.n_lines; i++)
		if (v.lines[i].part->fact_obs) {
			facts++;
			ck_assert_int_eq(v.lines[i].grows, V_OBSERVED);
			ck_assert_ptr_nonnull(v.lines[i].obs);
		}
	ck_assert_uint_eq(facts, 5);
	run_free(&r);
	/* A thread model survived: the isolation question is inconclusive, naming them. */
	judge_spec("app.server", SERVER(1900000, 700000, 66000, 44000, 12000, 1800, yes, yes), &r,
		   &v);
	ck_assert_int_eq(v.questions[1].status, V_INCONCLUSIVE);
	ck_assert_ptr_nonnull(strstr(v.questions[1].reason, "thread pool"));
	ck_assert_int_eq(v.status, V_INCONCLUSIVE);
	run_free(&r);
}
END_TEST

/* The share of the gap the address-space switch explains, both ways, and its absence. */
START_TEST(test_attribution)
{
	struct run r;
	struct verdict v;
	char text[512];
	/* The control costs what a thread costs: the whole gap. */
	judge_spec("switch.cost", SWITCH_CONTROL(12900, 6500, 6500), &r, &v);
	ck_assert_uint_eq(v.n_attributions, 1);
	ck_assert_str_eq(v.attributions[0].label, "futex");
	ck_assert_double_eq_tol(v.attributions[0].share.ratio, 1.0, 1e-9);
	ck_assert(v.attributions[0].share.lo < 1 && v.attributions[0].share.hi > 1);
	ck_assert(v.attributions[0].share.lo > 0.5);
	verdict_attribution_text(&v.attributions[0], text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "explains 100%"));
	ck_assert_ptr_nonnull(strstr(text, "costs what a thread costs"));
	run_free(&r);
	/* The control halfway: half the gap, and the interval excludes the whole. */
	judge_spec("switch.cost", SWITCH_CONTROL(12900, 6500, 9700), &r, &v);
	ck_assert_uint_eq(v.n_attributions, 1);
	ck_assert_double_eq_tol(v.attributions[0].share.ratio, 0.5, 1e-9);
	ck_assert(v.attributions[0].share.hi < 1 && v.attributions[0].share.lo > 0);
	verdict_attribution_text(&v.attributions[0], text, sizeof(text));
	ck_assert_ptr_null(strstr(text, "costs what a thread costs"));
	run_free(&r);
	/* No control (an old run): nothing is said. */
	judge_spec("switch.cost", SWITCH_SAME(12900, 6500), &r, &v);
	ck_assert_uint_eq(v.n_attributions, 0);
	run_free(&r);
	/* No gap to explain: the control in numbers, no share, and no guard reads one. */
	judge_spec("switch.cost", SWITCH_CONTROL(6500, 6500, 6500), &r, &v);
	ck_assert_uint_eq(v.n_attributions, 1);
	ck_assert(isnan(v.attributions[0].share.ratio));
	verdict_attribution_text(&v.attributions[0], text, sizeof(text));
	ck_assert_ptr_nonnull(strstr(text, "no process-thread gap to attribute"));
	for (size_t i = 0; i < v.n_mechanisms; i++)
		ck_assert_ptr_null(strstr(v.mechanisms[i].m->id, "address_space_"));
	run_free(&r);
	/* ipc: one per part (a) with a gap, none for the parts (b). */
	judge_spec("ipc.faster_threads",
		   IPC(18000, 10000, 31000, 13000, 15000, 7000, 17000) IPC_AT(pipe, clone_vm, 10000)
			   IPC_AT(shm_futex, clone_vm, 11000),
		   &r, &v);
	ck_assert_uint_eq(v.n_attributions, 2);
	ck_assert_str_eq(v.attributions[0].label, "pipe");
	ck_assert_str_eq(v.attributions[1].label, "shm_futex");
	ck_assert_double_eq_tol(v.attributions[1].share.ratio, 0.5, 1e-9);
	run_free(&r);
	/* A negligible gap (its interval above 1, inside the margin) is not attributed. */
	judge_spec("ipc.faster_threads",
		   IPC(18000, 10000, 18000, 17500, 15000, 7000, 17000)
			   IPC_AT(unix_stream, clone_vm, 13600),
		   &r, &v);
	ck_assert_int_eq(v.lines[1].grows, V_NEGLIGIBLE);
	ck_assert(v.lines[1].growth.lo > 1);
	ck_assert_uint_eq(v.n_attributions, 0);
	run_free(&r);
}
END_TEST

/* The bootstrap of the share: seeded, and refused without a gap. */
START_TEST(test_share_ci)
{
	double p[31], t[31], c[31];
	for (size_t i = 0; i < 31; i++) {
		p[i] = 2000 + (double)(i * 7 % 31);
		t[i] = 1000 + (double)(i * 11 % 31);
		c[i] = 1500 + (double)(i * 13 % 31);
	}
	struct ratio_ci a, b;
	ck_assert_int_eq(verdict_share_ci(p, 31, t, 31, c, 31, 5, &a), 0);
	ck_assert_int_eq(verdict_share_ci(p, 31, t, 31, c, 31, 5, &b), 0);
	ck_assert(a.lo == b.lo && a.hi == b.hi && a.ratio == b.ratio);
	ck_assert_double_eq_tol(a.ratio, 0.5, 1e-9);
	ck_assert(a.lo <= a.ratio && a.ratio <= a.hi);
	ck_assert_int_eq(verdict_share_ci(t, 31, p, 31, c, 31, 5, &a), -EINVAL);
	ck_assert_int_eq(verdict_share_ci(p, 0, t, 31, c, 31, 5, &a), -EINVAL);
}
END_TEST

/* Questions, fact parts and attributions in the JSON, the HTML and the text. */
START_TEST(test_rendered_questions)
{
	struct run r;
	build(&r, SWITCH_CONTROL(12900, 6500, 6500) IPC(18000, 10000, 31000, 13000, 15000, 7000,
							18000) SEC(refused, refused, read));
	size_t n = claims_count();
	struct verdict *v = xcalloc(n, sizeof(*v));
	claims_judge_all(&r, v);
	json_t *a = report_verdicts_json(v, n);
	ck_assert_ptr_nonnull(a);
	size_t checked = 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *id = json_string_value(json_object_get(o, "claim"));
		if (strcmp(id, "ipc.faster_threads") == 0) {
			json_t *q = json_object_get(o, "questions");
			ck_assert_uint_eq(json_array_size(q), 2);
			json_t *qb = json_array_get(q, 1);
			ck_assert_str_eq(json_string_value(json_object_get(qb, "key")), "b");
			ck_assert_str_eq(json_string_value(json_object_get(qb, "status")),
					 "inconclusive");
			ck_assert_ptr_nonnull(json_object_get(qb, "reason"));
			json_t *l0 = json_array_get(json_object_get(o, "lines"), 0);
			ck_assert_str_eq(json_string_value(json_object_get(l0, "question")), "a");
			checked++;
		} else if (strcmp(id, "switch.cost") == 0) {
			json_t *at = json_array_get(json_object_get(o, "attributions"), 0);
			ck_assert_str_eq(json_string_value(json_object_get(at, "metric")), "futex");
			json_t *share = json_object_get(at, "share");
			ck_assert_double_eq_tol(json_real_value(json_object_get(share, "value")),
						1.0, 1e-9);
			checked++;
		} else if (strcmp(id, "sec.isolation") == 0) {
			json_t *lines = json_object_get(o, "lines");
			json_t *root = json_array_get(lines, 3);
			ck_assert_str_eq(json_string_value(json_object_get(root, "observation")),
					 "sec.isolation.root");
			ck_assert(json_is_null(json_object_get(root, "seen")));
			ck_assert_str_eq(json_string_value(json_object_get(root, "status")),
					 "no_data");
			json_t *other = json_array_get(lines, 0);
			ck_assert_str_eq(json_string_value(json_object_get(other, "seen")),
					 "refused");
			ck_assert_str_eq(json_string_value(json_object_get(other, "expected")),
					 "refused");
			checked++;
		}
	}
	ck_assert_uint_eq(checked, 3);
	json_decref(a);

	char *buf = rendered(&render_html, &r, v);
	ck_assert_ptr_nonnull(strstr(buf, "<li data-question=\"b\">"));
	ck_assert_ptr_nonnull(strstr(buf, "<li data-attribution=\"futex\">"));
	ck_assert_ptr_nonnull(strstr(buf, "<span class=\"questions\">(a) "));
	ck_assert_ptr_nonnull(strstr(buf, "not tried in this run"));
	free(buf);

	buf = rendered(&render_text, &r, v);
	ck_assert_ptr_nonnull(strstr(buf, "futex: of the 6.40 µs gap, the address-space switch"));
	ck_assert_ptr_nonnull(strstr(buf, "(a) holds, (b)"));
	ck_assert_ptr_nonnull(strstr(buf, "the whole gap is the address-space switch, not being"));
	free(buf);
	free(v);
	run_free(&r);
}
END_TEST

START_TEST(test_real_runs)
{
	struct seen seen = { 0, 0 };
	int n = cli_each_real_run(each_real_run, &seen);
	if (n < 0) {
		fprintf(stderr, "note: claims: test_real_runs skipped: no xz to unpack the runs\n");
		return;
	}
	ck_assert_msg(seen.pcid > 0, "no fixture of a machine with PCID");
	if (seen.no_pcid == 0)
		fprintf(stderr, "note: claims: ../shared/runs is not there: %d runs read\n", n);
}
END_TEST

void mechanism_tcases(Suite *s)
{
	TCase *tc = tcase_create("mechanisms");
	tcase_add_loop_test(tc, test_guard_cases, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_every_guard_both_ways);
	tcase_add_test(tc, test_paragraph_catalogue);
	tcase_add_test(tc, test_logic);
	tcase_add_test(tc, test_evidence_recorded);
	tcase_add_test(tc, test_rendered);
	tcase_add_test(tc, test_questions);
	tcase_add_test(tc, test_parts_combine);
	tcase_add_test(tc, test_fact_parts);
	tcase_add_test(tc, test_server_isolation_facts);
	tcase_add_test(tc, test_attribution);
	tcase_add_test(tc, test_share_ci);
	tcase_add_test(tc, test_rendered_questions);
	suite_add_tcase(s, tc);

	tc = tcase_create("mechanisms of real runs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_real_runs);
	suite_add_tcase(s, tc);
}
