// SPDX-License-Identifier: MIT
/*
 * claims: the catalogue. One entry per claim of CLAIMS.md, in its order,
 * with the seeds' own table cells where a seed's table has the claim, and
 * for the claims an experiment feeds, the metrics that decide and the
 * paragraphs that explain the result (claims_why.c, each chosen by the
 * run's evidence). The judging rules are in verdict.c.
 */
#include "claims/claims.h"

#include "experiments/catalog.h"
#include "claims/claims_why.h"

#include <string.h>

#include "util/i18n.h"

/* Conditions used by several claims. */
static const char *const no_extra[] = { "extra_bytes=0", NULL };
static const char *const create_flat[] = { "vfork", "posix_spawn", NULL };
static const char *const switch_same_process[] = { "kind=process", "placement=same-cpu",
						   "working_set_bytes=0", NULL };
static const char *const switch_same_thread[] = { "kind=thread", "placement=same-cpu",
						  "working_set_bytes=0", NULL };
static const char *const switch_context[] = { "pipe", "yield_fifo", NULL };
static const char *const switch_ws_process[] = { "kind=process", "placement=same-cpu", NULL };
static const char *const switch_ws_thread[] = { "kind=thread", "placement=same-cpu", NULL };
static const char *const switch_alloc_evidence[] = { "alloc.switches", "alloc.minor_faults",
						     "alloc.major_faults", "alloc.rss_change_bytes",
						     NULL };
static const char *const ipc_lat_process[] = { "measure=latency", "bytes=64", "placement=same-cpu",
					       "kind=process", NULL };
static const char *const ipc_lat_thread[] = { "measure=latency", "bytes=64", "placement=same-cpu",
					      "kind=thread", NULL };
static const char *const ipc_busy_poll[] = { "shm_spin", NULL };
static const char *const ipc_needed_evidence[] = { "plain_variable_seen", "shared_mapping_seen",
						   NULL };
static const struct claim_question ipc_faster_questions[] = {
	{ "a", N_("(a) the same mechanism between processes and between threads") },
	{ "b", N_("(b) threads' shared memory against processes' pipe or socket") },
	{ NULL, NULL },
};
/* A part of ipc.faster_threads: question q, process figure pa against thread figure tb. */
#define IPC_PART(q, text, pa, tb)                                                                  \
	{                                                                                          \
		.label = text, .a = { pa, ipc_lat_process }, .b = { tb, ipc_lat_thread },          \
		.question = q                                                                      \
	}
static const struct claim_part ipc_faster_parts[] = {
	IPC_PART("a", N_("(a) a pipe between processes, and between threads"), "pipe", "pipe"),
	IPC_PART("a", N_("(a) a UNIX socket between processes, and between threads"), "unix_stream",
		 "unix_stream"),
	IPC_PART("a", N_("(a) a shared-memory ring between processes, and between threads"),
		 "shm_futex", "shm_futex"),
	IPC_PART("b", N_("(b) processes over a pipe, threads over shared memory"), "pipe",
		 "shm_futex"),
	IPC_PART("b", N_("(b) processes over a UNIX socket, threads over shared memory"),
		 "unix_stream", "shm_futex"),
	IPC_PART("b", N_("(b) processes over a pipe, threads with a mutex and a condition"), "pipe",
		 "mutex_cond"),
	{ .label = NULL },
};
/* The server's conditions: a model under keep-alive or churn, without CPU work. */
#define SERVER_AT(model, load)                                                                     \
	(const char *const[])                                                                      \
	{                                                                                          \
		"model=" model, "load=" load, "work_us=0", NULL                                    \
	}
#define SERVER_MODEL(model)                                                                        \
	(const char *const[])                                                                      \
	{                                                                                          \
		"model=" model, NULL                                                               \
	}
static const struct claim_question app_server_questions[] = {
	/* The keys are shown too, translated: "(efficiency) holds". */
	{ N_("efficiency"), N_("(efficiency) threads serve with less") },
	{ N_("isolation"), N_("(isolation) a crash stays in its process") },
	{ NULL, NULL },
};
#define SERVER_PART(text, fig, pa, tb)                                                             \
	{                                                                                          \
		.label = text, .a = { fig, pa }, .b = { fig, tb }, .question = "efficiency"        \
	}
/*
 * Isolation per model, a fact (the server experiment's observation
 * "isolation model=M", form server.isolation: survived yes or no, the
 * requests that failed, the time until requests succeed again): the
 * process models are expected to survive a crashing handler, the thread
 * models and the event loop not.
 */
#define SERVER_SURVIVES(text, model, want)                                                         \
	{                                                                                          \
		.label = text, .fact_obs = "isolation model=" model, .expect = want,               \
		.question = "isolation"                                                            \
	}
static const struct claim_part app_server_parts[] = {
	/* First: a process figure against a thread figure, the cells of the seeds' table. */
	SERVER_PART(N_("(efficiency) memory under keep-alive, prefork / thread pool"), "server_pss",
		    SERVER_AT("prefork", "keepalive"), SERVER_AT("thread_pool", "keepalive")),
	SERVER_PART(
		N_("(efficiency) keep-alive throughput, thread pool / prefork (above 1: threads "
		   "serve more)"),
		"throughput", SERVER_AT("thread_pool", "keepalive"),
		SERVER_AT("prefork", "keepalive")),
	SERVER_PART(N_("(efficiency) a connection per request, thread per connection / process per "
		       "connection (above 1: threads serve more)"),
		    "throughput", SERVER_AT("thread_per_connection", "churn"),
		    SERVER_AT("process_per_connection", "churn")),
	SERVER_PART(N_("(efficiency) keep-alive latency, prefork / thread pool"), "latency",
		    SERVER_AT("prefork", "keepalive"), SERVER_AT("thread_pool", "keepalive")),
	SERVER_PART(N_("(efficiency) memory under keep-alive, process / thread per connection"),
		    "server_pss", SERVER_AT("process_per_connection", "keepalive"),
		    SERVER_AT("thread_per_connection", "keepalive")),
	SERVER_SURVIVES(N_("(isolation) process per connection: did the server survive a crashing "
			   "handler?"),
			"process_per_connection", "yes"),
	SERVER_SURVIVES(N_("(isolation) prefork: did the server survive a crashing handler?"),
			"prefork", "yes"),
	SERVER_SURVIVES(N_("(isolation) thread per connection: did the server survive a crashing "
			   "handler?"),
			"thread_per_connection", "no"),
	SERVER_SURVIVES(N_("(isolation) thread pool: did the server survive a crashing handler?"),
			"thread_pool", "no"),
	SERVER_SURVIVES(N_("(isolation) event loop: did the server survive a crashing handler?"),
			"event_loop", "no"),
	{ .label = NULL },
};
static const char *const ev_server[] = { "poison model=process_per_connection",
					 "poison model=prefork",
					 "poison model=thread_per_connection",
					 "poison model=thread_pool",
					 "poison model=event_loop",
					 NULL };
static const char *const ev_def_unit[] = { "def.unit.tasks", "def.unit.tids", "def.unit.cpus",
					   NULL };
static const char *const ev_mem_separate[] = { "mem.separate.cow_faults", NULL };
static const char *const ev_mem_stack[] = { "mem.stack.default_bytes", "mem.stack.resident_bytes",
					    "mem.stack.overflow", NULL };
static const char *const ev_res_fd[] = { "res.fd.threads", "res.fd.process", "res.fd.offset_shared",
					 NULL };
static const char *const ev_res_env[] = { "res.env.thread", "res.env.process", NULL };
static const char *const ev_sec[] = { "sec.isolation.arrangement", "sec.isolation.read_errno",
				      NULL };
/*
 * sec.isolation, one fact part per barrier (the isolation experiment's
 * observations, each the bare word "refused" or "read", absent when not
 * tried). A run without them is judged by its one fact, as before.
 */
#define SEC_PART(text, key, want, why_absent)                                                      \
	{                                                                                          \
		.label = text, .fact_obs = "sec.isolation." key, .expect = want,                   \
		.absent = why_absent                                                               \
	}
static const struct claim_part sec_parts[] = {
	SEC_PART(N_("a reader of another user reads the target's memory"), "other_uid", "refused",
		 NULL),
	SEC_PART(N_("a reader of the same user reads a target that made itself non-dumpable"),
		 "non_dumpable", "refused", NULL),
	SEC_PART(N_("a reader of the same user reads a dumpable target"), "same_uid", "read", NULL),
	SEC_PART(N_("root reads the target's memory"), "root", "read",
		 N_("tried only when ptlab runs as root")),
	{ .label = NULL },
};
static const char *const ev_crash_process[] = { "iso.crash_process.signal",
						"iso.crash_process.survivors", NULL };
static const char *const ev_crash_thread[] = { "iso.crash_thread.signal",
					       "iso.crash_thread.progress",
					       "iso.crash_thread.abort", "iso.crash_thread.fpe",
					       NULL };
static const char *const ev_error_thread[] = { "iso.error_thread.error", NULL };
static const char *const ev_corruption[] = { "iso.corruption.thread", "iso.corruption.process",
					     NULL };
static const char *const footprint_process[] = { "kind=process", "units=100", NULL };
static const char *const footprint_thread[] = { "kind=thread", "units=100", NULL };
static const char *const ev_race[] = { "sync.race.plain",     "sync.race.atomic",
				       "sync.race.mutex",     "sync.race.spinlock",
				       "sync.race.semaphore", NULL };
static const char *const ev_race_process[] = { "sync.process.plain",	 "sync.process.mutex",
					       "sync.process.semaphore", "sync.robust",
					       "sync.robust.plain",	 NULL };
static const char *const sync_uncontended[] = { "kind=thread", "contenders=1", NULL };
static const char *const par_process[] = { "kind=process", NULL };
static const char *const par_thread[] = { "kind=thread", NULL };
static const char *const par_pipe[] = { "variant=processes_pipe", NULL };
static const char *const par_shm[] = { "variant=processes_shm", NULL };
static const char *const par_threads[] = { "variant=threads_queue", NULL };
static const struct claim_part par_comm_parts[] = {
	{ .label = N_("processes over pipes, threads over a shared queue"),
	  .a = { "pipeline", par_pipe },
	  .b = { "pipeline", par_threads } },
	{ .label = N_("processes over shared memory, threads over a shared queue"),
	  .a = { "pipeline", par_shm },
	  .b = { "pipeline", par_threads } },
	{ .label = NULL },
};
static const char *const create_context[] = { "clone_vm", "clone_thread", "vfork", "posix_spawn",
					      NULL };

const struct claim claims[] = {
	{
		.id = "def.unit",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_DEFINITION,
		.seeds = "all",
		.text = N_(
			"A thread runs inside a process; one process holds several threads, each "
			"scheduled on its own"),
		.process_says = N_("a program in execution"),
		.thread_says = N_("a unit of execution inside a process"),
		.fact_obs = "def.unit",
		.others = ev_def_unit,
		.why = why_def_unit,
	},
	{
		.id = "mem.separate",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_MEMORY,
		.seeds = "all",
		.text = N_(
			"Each process has its own address space: what one writes, another does not "
			"see"),
		.process_says = N_("separate memory"),
		.thread_says = N_("shared memory"),
		.fact_obs = "mem.separate",
		.others = ev_mem_separate,
		.why = why_mem_separate,
	},
	{
		.id = "mem.shared",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_MEMORY,
		.seeds = "all",
		.text = N_("Threads share globals and heap: a write by one thread is seen by the "
			   "others"),
		.fact_obs = "mem.shared",
		.why = why_mem_shared,
	},
	{
		.id = "mem.stack",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_MEMORY,
		.seeds = "000 001 002 003 004",
		.text = N_("Each thread has its own stack"),
		.fact_obs = "mem.stack",
		.others = ev_mem_stack,
		.why = why_mem_stack,
	},
	{
		.id = "res.fd",
		.kind = CLAIM_NUANCED,
		.aspect = ASPECT_RESOURCES,
		.seeds = "000",
		.text = N_("Threads share file descriptors; a process has its own"),
		.fact_obs = "res.fd",
		.others = ev_res_fd,
		.why = why_res_fd,
	},
	{
		.id = "res.env",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_RESOURCES,
		.seeds = "000",
		.text = N_("Environment and working directory belong to the process"),
		.fact_obs = "res.env",
		.others = ev_res_env,
		.why = why_res_env,
	},
	{
		.id = "iso.crash_process",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_CRASH,
		.seeds = "all",
		.text = N_("A crash in one process does not affect other processes"),
		.process_says = N_("a crash stays in its process"),
		.thread_says = N_("a crash takes down the process"),
		.fact_obs = "iso.crash_process",
		.others = ev_crash_process,
		.why = why_iso_crash_process,
	},
	{
		.id = "iso.crash_thread",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_CRASH,
		.seeds = "000 002 003 004",
		.text = N_(
			"A crash in one thread brings down the whole process and all its threads"),
		.fact_obs = "iso.crash_thread",
		.others = ev_crash_thread,
		.why = why_iso_crash_thread,
	},
	{
		.id = "iso.error_thread",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_CRASH,
		.seeds = "001",
		.text = N_("A thread that fails with a handled error leaves the other threads "
			   "working"),
		.fact_obs = "iso.error_thread",
		.others = ev_error_thread,
		.why = why_iso_error_thread,
	},
	{
		.id = "iso.corruption",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_ISOLATION,
		.seeds = "002 004",
		.text = N_(
			"A memory bug in one thread can corrupt the other threads' data; a process "
			"cannot corrupt another's memory"),
		.process_says = N_("isolated from other processes"),
		.thread_says = N_("not isolated: shares memory"),
		.fact_obs = "iso.corruption",
		.others = ev_corruption,
		.why = why_iso_corruption,
	},
	{
		.id = "sec.isolation",
		.kind = CLAIM_NUANCED,
		.aspect = ASPECT_ISOLATION,
		.seeds = "000",
		.text = N_("Processes are safer: one cannot read another's memory"),
		.fact_obs = "sec.isolation",
		.parts = sec_parts,
		.others = ev_sec,
		.why = why_sec_isolation,
	},
	{
		.id = "create.cost",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_CREATION,
		.seeds = "all",
		.text = N_("Creating a process is heavier and slower than creating a thread"),
		.process_says = N_("heavier and slower"),
		.thread_says = N_("lighter and faster"),
		.a = { "fork", no_extra },
		.b = { "pthread_create", no_extra },
		.others = create_context,
		.why = why_create_cost,
	},
	{
		.id = "create.memory",
		.kind = CLAIM_TREND,
		.aspect = ASPECT_CREATION,
		.seeds = "000 002 003",
		.text = N_("Process creation costs more because separate memory must be set up"),
		.a = { "fork", NULL },
		.b = { "pthread_create", NULL },
		.x_param = "extra_bytes",
		.others = create_flat,
		.why = why_create_memory,
	},
	{
		.id = "switch.cost",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_SWITCH,
		.seeds = "all",
		.text = N_("Switching between processes is slower than switching between threads"),
		.process_says = N_("slower: address space changes"),
		.thread_says = N_("faster: same address space"),
		.a = { "futex", switch_same_process },
		.b = { "futex", switch_same_thread },
		.others = switch_context,
		.control = "kind=clone_vm",
		.why = why_switch_cost,
	},
	{
		.id = "switch.alloc",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_SWITCH,
		.seeds = "000",
		.text = N_("A process switch involves memory allocation"),
		.fact_obs = "switch.alloc",
		.others = switch_alloc_evidence,
		.why = why_switch_alloc,
	},
	{
		.id = "switch.tlb",
		.kind = CLAIM_TREND,
		.aspect = ASPECT_SWITCH,
		.seeds = "003 004",
		.text = N_("A process switch changes the whole address space; a thread switch only "
			   "registers and stack"),
		.a = { "futex", switch_ws_process },
		.b = { "futex", switch_ws_thread },
		.x_param = "working_set_bytes",
		.baseline = "alone",
		.why = why_switch_tlb,
	},
	{
		.id = "ipc.needed",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_COMMUNICATION,
		.seeds = "all",
		.text = N_("Processes cannot talk through plain memory; they need IPC"),
		.process_says = N_("through IPC"),
		.thread_says = N_("directly, shared memory"),
		.fact_obs = "ipc.needed",
		.others = ipc_needed_evidence,
		.why = why_ipc_needed,
	},
	{
		.id = "ipc.faster_threads",
		.kind = CLAIM_NUANCED,
		.aspect = ASPECT_COMMUNICATION,
		.seeds = "all",
		.text = N_("Threads communicate faster than processes"),
		.parts = ipc_faster_parts,
		.questions = ipc_faster_questions,
		.control = "kind=clone_vm",
		.why = why_ipc_faster_threads,
	},
	{
		.id = "ipc.mechanisms",
		.kind = CLAIM_TABLE,
		.aspect = ASPECT_COMMUNICATION,
		.seeds = "all",
		.text = N_("IPC mechanisms differ in cost"),
		.a = { NULL, ipc_lat_process },
		.exclude = ipc_busy_poll,
		.ceiling = "xcopy",
		.why = why_ipc_mechanisms,
	},
	{
		.id = "sync.race",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_SYNC,
		.seeds = "000 003 004",
		.text = N_("Threads updating shared data without synchronization lose updates"),
		.fact_obs = "sync.race",
		.others = ev_race,
		.why = why_sync_race,
	},
	{
		.id = "sync.cost",
		.kind = CLAIM_TABLE,
		.aspect = ASPECT_SYNC,
		.seeds = "004",
		.text = N_("Mutexes, semaphores and locks prevent races, at a price"),
		.a = { NULL, sync_uncontended },
		.why = why_sync_cost,
	},
	{
		.id = "sync.process",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_SYNC,
		.seeds = "-",
		.text = N_(
			"Processes that share memory have the same races and need process-shared "
			"locks"),
		.fact_obs = "sync.process",
		.others = ev_race_process,
		.why = why_sync_process,
	},
	{
		.id = "mem.footprint",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_OVERHEAD,
		.seeds = "001 002 003",
		.text = N_("A process costs more memory than a thread"),
		.process_says = N_("larger (memory and time)"),
		.thread_says = N_("smaller"),
		.a = { "total_per_unit", footprint_process },
		.b = { "total_per_unit", footprint_thread },
		.why = why_mem_footprint,
	},
	{
		.id = "par.speedup",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_PARALLEL,
		.seeds = "000 003 004",
		.text = N_("Both processes and threads run in parallel on several cores"),
		.process_says = N_("parallel across processes"),
		.thread_says = N_("parallel within a process"),
		.a = { "cpu_work", par_process },
		.b = { "cpu_work", par_thread },
		.speedup = "units",
		.why = why_par_speedup,
	},
	{
		.id = "par.comm",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_PARALLEL,
		.seeds = "001 004",
		.text = N_("Threads are more efficient for closely related tasks that share data"),
		.parts = par_comm_parts,
		.why = why_par_comm,
	},
	{
		.id = "app.server",
		.kind = CLAIM_NUANCED,
		.aspect = ASPECT_USE_CASE,
		.seeds = "002 003 004",
		.text = N_(
			"A server handles requests with threads for efficiency, with processes for "
			"isolation"),
		.process_says = N_("tasks needing isolation"),
		.thread_says = N_("related tasks sharing data"),
		.parts = app_server_parts,
		.questions = app_server_questions,
		.others = ev_server,
		.why = why_app_server,
	},
	{ .id = NULL },
};

const char *claim_experiment(const struct claim *c)
{
	const struct experiment *x = catalog_feeding(c->id);
	return x ? x->name : NULL;
}

const struct claim *claims_find(const char *id)
{
	for (const struct claim *c = claims; c->id; c++)
		if (strcmp(c->id, id) == 0)
			return c;
	return NULL;
}

size_t claims_count(void)
{
	size_t n = 0;
	while (claims[n].id)
		n++;
	return n;
}

void claims_judge_all(const struct run *r, struct verdict *v)
{
	for (size_t i = 0; claims[i].id; i++)
		claims_judge(&claims[i], r, &v[i]);
}
