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
 */
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
/* A working set of 4 MiB, and the work alone at both sizes. */
#define SWITCH_WS(p0, t0, p4, t4)                                                                  \
	SWITCH_SAME(p0, t0)                                                                        \
	SWITCH_AT(process, "same-cpu", 4194304, p4)                                                \
	SWITCH_AT(thread, "same-cpu", 4194304, t4)                                                 \
	"fig alone 10 working_set_bytes=0\nfig alone 1000 working_set_bytes=4194304\n"

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
#define SPEEDUP(p, t)                                                                              \
	"exp parallel\nfig cpu_work " #p " kind=process fill=ncpu\nfig cpu_work " #t               \
	" kind=thread fill=ncpu\n"

#define SERVER_AT(fig, model, load, value)                                                         \
	"fig " #fig " " #value " model=" #model " load=" #load " work_us=0\n"
#define SERVER_LOST(model, n) "fig poison_lost " #n " model=" #model "\n"
/* pss prefork/pool, keep-alive throughput pool/prefork, churn thread/process, lost. */
#define SERVER(pss_pre, pss_pool, tp_pool, tp_pre, ch_thr, ch_proc, lost_thr, lost_proc)           \
	"exp server\n" SERVER_AT(server_pss, prefork, keepalive,                                   \
				 pss_pre) SERVER_AT(server_pss, thread_pool, keepalive, pss_pool)  \
		SERVER_AT(throughput, thread_pool, keepalive,                                      \
			  tp_pool) SERVER_AT(throughput, prefork, keepalive, tp_pre)               \
			SERVER_AT(throughput, thread_per_connection, churn, ch_thr) SERVER_AT(     \
				throughput, process_per_connection, churn, ch_proc)                \
				SERVER_LOST(thread_pool, lost_thr) SERVER_LOST(prefork, lost_proc) \
					SERVER_LOST(thread_per_connection, lost_thr)               \
						SERVER_LOST(process_per_connection, lost_proc)     \
							SERVER_LOST(event_loop, lost_thr)

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
	{ "switch.tlb.no_pcid", YES, "env pcid=no\n" SWITCH_WS(12000, 6000, 130000, 120000) },
	{ "switch.tlb.no_pcid", NO, "env pcid=yes\n" SWITCH_WS(12000, 6000, 130000, 120000) },
	{ "switch.tlb.pcid", YES, "env pcid=yes\n" SWITCH_WS(12000, 6000, 130000, 120000) },
	{ "switch.tlb.pcid", NO, "env pcid=no\n" SWITCH_WS(12000, 6000, 130000, 120000) },
	{ "switch.tlb.ratio_grows", YES, SWITCH_WS(8000, 8000, 200000, 160000) },
	{ "switch.tlb.ratio_grows", NO, SWITCH_WS(12000, 6000, 130000, 120000) },
	{ "switch.tlb.ratio_falls", YES, SWITCH_WS(12000, 6000, 130000, 120000) },
	{ "switch.tlb.ratio_falls", NO, SWITCH_WS(8000, 8000, 200000, 160000) },
	{ "switch.tlb.ratio_falls", NO, SWITCH_WS(8000, 8000, 160000, 160000) },
	{ "switch.tlb.all_negligible", YES, SWITCH_WS(8000, 8000, 160000, 160000) },
	{ "switch.tlb.all_negligible", NO, SWITCH_WS(8000, 8000, 200000, 160000) },
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
	{ "par.speedup.same", YES, SPEEDUP(30000000, 30000000) },
	{ "par.speedup.same", NO, SPEEDUP(60000000, 30000000) },
	{ "par.speedup.differs", YES, SPEEDUP(60000000, 30000000) },
	{ "par.speedup.differs", YES, SPEEDUP(20000000, 30000000) },
	{ "par.speedup.differs", NO, SPEEDUP(30000000, 30000000) },
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
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.keepalive_same", NO,
	  SERVER(1900000, 700000, 66000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.keepalive_threads", YES,
	  SERVER(1900000, 700000, 66000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.keepalive_threads", NO,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.keepalive_processes", YES,
	  SERVER(1900000, 700000, 30000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.keepalive_processes", NO,
	  SERVER(1900000, 700000, 44000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.memory", YES, SERVER(1900000, 700000, 44000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.memory", NO, SERVER(700000, 700000, 44000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.churn", YES, SERVER(1900000, 700000, 44000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.churn", NO, SERVER(1900000, 700000, 44000, 44000, 1800, 1800, 449, 1) },
	{ "app.server.isolation", YES, SERVER(1900000, 700000, 44000, 44000, 12000, 1800, 449, 1) },
	{ "app.server.isolation", NO, SERVER(1900000, 700000, 44000, 44000, 12000, 1800, 1, 1) },
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

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct report_opts o = { .width = 80 };
	ck_assert_int_eq(render_html.render(f, &r, v, &o), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "<span data-mechanism=\"switch.cost.no_pcid\">"));
	ck_assert_ptr_null(strstr(buf, "data-mechanism=\"switch.cost.pcid\""));
	free(buf);

	f = open_memstream(&buf, &len);
	ck_assert_int_eq(render_text.render(f, &r, v, &o), 0);
	fclose(f);
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
	suite_add_tcase(s, tc);

	tc = tcase_create("mechanisms of real runs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_real_runs);
	suite_add_tcase(s, tc);
}
