// SPDX-License-Identifier: MIT
/*
 * claims: the catalogue. One entry per claim of CLAIMS.md, in its order,
 * with the seeds' own table cells where a seed's table has the claim, and
 * for the claims an experiment feeds, the metrics that decide and the
 * mechanism that explains the result. The judging rules are in verdict.c.
 */
#include "claims/claims.h"

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
static const struct claim_part ipc_faster_parts[] = {
	{ N_("(a) a pipe between processes, and between threads"),
	  { "pipe", ipc_lat_process },
	  { "pipe", ipc_lat_thread } },
	{ N_("(a) a UNIX socket between processes, and between threads"),
	  { "unix_stream", ipc_lat_process },
	  { "unix_stream", ipc_lat_thread } },
	{ N_("(a) a shared-memory ring between processes, and between threads"),
	  { "shm_futex", ipc_lat_process },
	  { "shm_futex", ipc_lat_thread } },
	{ N_("(b) processes over a pipe, threads over shared memory"),
	  { "pipe", ipc_lat_process },
	  { "shm_futex", ipc_lat_thread } },
	{ N_("(b) processes over a UNIX socket, threads over shared memory"),
	  { "unix_stream", ipc_lat_process },
	  { "shm_futex", ipc_lat_thread } },
	{ N_("(b) processes over a pipe, threads with a mutex and a condition"),
	  { "pipe", ipc_lat_process },
	  { "mutex_cond", ipc_lat_thread } },
	{ NULL, { NULL, NULL }, { NULL, NULL } },
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
static const struct claim_part app_server_parts[] = {
	/* First: a process figure against a thread figure, the cells of the seeds' table. */
	{ N_("(efficiency) memory under keep-alive, prefork / thread pool"),
	  { "server_pss", SERVER_AT("prefork", "keepalive") },
	  { "server_pss", SERVER_AT("thread_pool", "keepalive") } },
	{ N_("(efficiency) keep-alive throughput, thread pool / prefork (above 1: threads "
	     "serve more)"),
	  { "throughput", SERVER_AT("thread_pool", "keepalive") },
	  { "throughput", SERVER_AT("prefork", "keepalive") } },
	{ N_("(efficiency) a connection per request, thread per connection / process per "
	     "connection (above 1: threads serve more)"),
	  { "throughput", SERVER_AT("thread_per_connection", "churn") },
	  { "throughput", SERVER_AT("process_per_connection", "churn") } },
	{ N_("(efficiency) keep-alive latency, prefork / thread pool"),
	  { "latency", SERVER_AT("prefork", "keepalive") },
	  { "latency", SERVER_AT("thread_pool", "keepalive") } },
	{ N_("(efficiency) memory under keep-alive, process / thread per connection"),
	  { "server_pss", SERVER_AT("process_per_connection", "keepalive") },
	  { "server_pss", SERVER_AT("thread_per_connection", "keepalive") } },
	{ N_("(isolation) requests lost to one crash, thread pool / prefork"),
	  { "poison_lost", SERVER_MODEL("thread_pool") },
	  { "poison_lost", SERVER_MODEL("prefork") } },
	{ N_("(isolation) requests lost to one crash, thread / process per connection"),
	  { "poison_lost", SERVER_MODEL("thread_per_connection") },
	  { "poison_lost", SERVER_MODEL("process_per_connection") } },
	{ N_("(isolation) requests lost to one crash, event loop / prefork"),
	  { "poison_lost", SERVER_MODEL("event_loop") },
	  { "poison_lost", SERVER_MODEL("prefork") } },
	{ NULL, { NULL, NULL }, { NULL, NULL } },
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
static const char *const par_process[] = { "kind=process", "fill=ncpu", NULL };
static const char *const par_thread[] = { "kind=thread", "fill=ncpu", NULL };
static const char *const par_pipe[] = { "variant=processes_pipe", NULL };
static const char *const par_shm[] = { "variant=processes_shm", NULL };
static const char *const par_threads[] = { "variant=threads_queue", NULL };
static const struct claim_part par_comm_parts[] = {
	{ N_("processes over pipes, threads over a shared queue"),
	  { "pipeline", par_pipe },
	  { "pipeline", par_threads } },
	{ N_("processes over shared memory, threads over a shared queue"),
	  { "pipeline", par_shm },
	  { "pipeline", par_threads } },
	{ NULL, { NULL, NULL }, { NULL, NULL } },
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
		.experiment = "isolation",
		.fact_obs = "def.unit",
		.others = ev_def_unit,
		.why = N_("A thread is a task of its own (its own TID, scheduled on its own, here "
			  "on different CPUs at once) inside one thread group: the PID is the "
			  "group's, and /proc/PID/task lists every thread of it."),
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
		.experiment = "isolation",
		.fact_obs = "mem.separate",
		.others = ev_mem_separate,
		.why = N_("After fork the child's pages are the parent's, marked copy-on-write: "
			  "the child's first write to each one faults (the count above) and gets "
			  "it a private copy. The parent's page is never touched."),
	},
	{
		.id = "mem.shared",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_MEMORY,
		.seeds = "all",
		.text = N_("Threads share globals and heap: a write by one thread is seen by the "
			   "others"),
		.experiment = "isolation",
		.fact_obs = "mem.shared",
		.why = N_("Threads have one address space: a global or a heap value is one "
			  "location, and every thread's write lands there."),
	},
	{
		.id = "mem.stack",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_MEMORY,
		.seeds = "000 001 002 003 004",
		.text = N_("Each thread has its own stack"),
		.experiment = "isolation",
		.fact_obs = "mem.stack",
		.others = ev_mem_stack,
		.why = N_("Each thread gets a stack of its own, a separate mapping with a guard "
			  "page below it: large in address space, resident only where touched. "
			  "Running off the end hits the guard page, and the SIGSEGV it raises ends "
			  "the whole process, not the thread."),
	},
	{
		.id = "res.fd",
		.kind = CLAIM_NUANCED,
		.aspect = ASPECT_NONE,
		.seeds = "000",
		.text = N_("Threads share file descriptors; a process has its own"),
		.experiment = "isolation",
		.fact_obs = "res.fd",
		.others = ev_res_fd,
		.why = N_("File descriptors are an index into a table: threads share one table, "
			  "so a close in one is a close for all; fork copies the table, so a "
			  "child's close is its own. But the copy points at the same open file "
			  "descriptions, so the file offset is still shared after fork: the "
			  "isolation is of the table, not of the files."),
	},
	{
		.id = "res.env",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_NONE,
		.seeds = "000",
		.text = N_("Environment and working directory belong to the process"),
		.experiment = "isolation",
		.fact_obs = "res.env",
		.others = ev_res_env,
		.why = N_("The environment lives in the process's memory and the working "
			  "directory in its fs_struct; threads share both, a child gets copies."),
	},
	{
		.id = "iso.crash_process",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_CRASH,
		.seeds = "all",
		.text = N_("A crash in one process does not affect other processes"),
		.process_says = N_("a crash stays in its process"),
		.thread_says = N_("a crash takes down the process"),
		.experiment = "crash",
		.fact_obs = "iso.crash_process",
		.others = ev_crash_process,
		.why = N_("A fault is delivered as a signal to the process that faulted; other "
			  "processes have their own address spaces and never see it."),
	},
	{
		.id = "iso.crash_thread",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_CRASH,
		.seeds = "000 002 003 004",
		.text = N_(
			"A crash in one thread brings down the whole process and all its threads"),
		.experiment = "crash",
		.fact_obs = "iso.crash_thread",
		.others = ev_crash_thread,
		.why = N_("SIGSEGV, SIGABRT and SIGFPE are fatal to the whole thread group: the "
			  "kernel kills every thread of the process, and their work stops where it "
			  "was. A crash is about the signal, not the pointer."),
	},
	{
		.id = "iso.error_thread",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_CRASH,
		.seeds = "001",
		.text = N_("A thread that fails with a handled error leaves the other threads "
			   "working"),
		.experiment = "crash",
		.fact_obs = "iso.error_thread",
		.others = ev_error_thread,
		.why = N_("A handled error is the thread's own business: it returns or exits and "
			  "the others go on. Seed 001's music player is right about errors and the "
			  "other seeds about crashes: errors are contained, crashes are not."),
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
		.experiment = "crash",
		.fact_obs = "iso.corruption",
		.others = ev_corruption,
		.why = N_("An out-of-bounds write lands on whatever lies next in memory. Between "
			  "threads that is a sibling's data; in a child process it is the child's "
			  "own copy-on-write page, and the parent's data is untouched."),
	},
	{
		.id = "sec.isolation",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_ISOLATION,
		.seeds = "000",
		.text = N_("Processes are safer: one cannot read another's memory"),
		.experiment = "isolation",
		.fact_obs = "sec.isolation",
		.others = ev_sec,
		.why = N_("Any thread can read any address of its process. Another process's "
			  "memory is out of reach without IPC, and reading it through "
			  "process_vm_readv or /proc/PID/mem needs ptrace rights over it: a "
			  "different user or a non-dumpable target is refused."),
	},
	{
		.id = "create.cost",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_CREATION,
		.seeds = "all",
		.text = N_("Creating a process is heavier and slower than creating a thread"),
		.process_says = N_("heavier and slower"),
		.thread_says = N_("lighter and faster"),
		.experiment = "create",
		.a = { "fork", no_extra },
		.b = { "pthread_create", no_extra },
		.others = create_context,
		.why = N_(
			"fork builds a new address space: it copies the parent's page tables and "
			"marks every private page copy-on-write, duplicates the file table and "
			"signal state, and the exit tears all of it down again. pthread_create "
			"calls clone with CLONE_VM on a stack glibc keeps cached: nothing of the "
			"address space is copied. Compare clone_vm (a process that shares its "
			"parent's memory) with fork to see how much of the price is the memory; "
			"posix_spawn and vfork avoid the copy the same way, which is why they are "
			"the cheap way to start another program."),
	},
	{
		.id = "create.memory",
		.kind = CLAIM_TREND,
		.aspect = ASPECT_CREATION,
		.seeds = "000 002 003",
		.text = N_("Process creation costs more because separate memory must be set up"),
		.experiment = "create",
		.a = { "fork", NULL },
		.b = { "pthread_create", NULL },
		.x_param = "extra_bytes",
		.others = create_flat,
		.why = N_(
			"fork copies one page-table entry for every resident page of the parent "
			"and write-protects it for copy-on-write, so its cost grows with the "
			"parent's memory: the slope is that copy rate. vfork and posix_spawn "
			"(CLONE_VM | CLONE_VFORK) borrow the parent's address space until the "
			"child execs or exits, and pthread_create shares it for good: none of "
			"them copies anything, so they stay flat. With transparent huge pages one "
			"entry covers 2 MiB and the slope nearly vanishes."),
	},
	{
		.id = "switch.cost",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_SWITCH,
		.seeds = "all",
		.text = N_("Switching between processes is slower than switching between threads"),
		.process_says = N_("slower: address space changes"),
		.thread_says = N_("faster: same address space"),
		.experiment = "switch",
		.a = { "futex", switch_same_process },
		.b = { "futex", switch_same_thread },
		.others = switch_context,
		.why = N_(
			"A round trip is two hand-overs through a futex on one CPU: each side "
			"sleeps, the scheduler saves its registers and picks the other. Between "
			"threads the address space stays; between processes the kernel loads the "
			"other page-table root (CR3). With PCID (ASIDs elsewhere) that load keeps "
			"the TLB entries of both, so little is left to pay for the process switch: "
			"the system calls, the futex and the scheduler dominate both. Across two "
			"CPUs every hand-over wakes the other CPU; in a virtual machine that is an "
			"inter-processor interrupt through the hypervisor and an idle vCPU coming "
			"back, ten times a switch and more, for processes and threads alike."),
	},
	{
		.id = "switch.alloc",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_SWITCH,
		.seeds = "000",
		.text = N_("A process switch involves memory allocation"),
		.experiment = "switch",
		.fact_obs = "switch.alloc",
		.others = switch_alloc_evidence,
		.why = N_("A context switch saves and restores registers and switches the "
			  "page-table root: it maps nothing and allocates nothing. The page faults "
			  "and resident memory of both processes are counted across a million "
			  "switches; a fault or a page would mean memory was set up for them."),
	},
	{
		.id = "switch.tlb",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_SWITCH,
		.seeds = "003 004",
		.text = N_("A process switch changes the whole address space; a thread switch only "
			   "registers and stack"),
		.experiment = "switch",
		.a = { "futex", switch_ws_process },
		.b = { "futex", switch_ws_thread },
		.x_param = "working_set_bytes",
		.baseline = "alone",
		.why = N_("Each side reads and writes its own buffer per hop. If a process switch "
			  "flushed the TLB, every hop would refill it and the process/thread ratio "
			  "would grow with the working set. With PCID the entries survive the "
			  "switch, and the caches are shared by both kinds anyway: what grows with "
			  "the working set is the cache refill, for threads as for processes. The "
			  "same hops done by one unit alone give the cost of the work itself; the "
			  "rest is what the switches add."),
	},
	{
		.id = "ipc.needed",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_COMMUNICATION,
		.seeds = "all",
		.text = N_("Processes cannot talk through plain memory; they need IPC"),
		.process_says = N_("through IPC"),
		.thread_says = N_("directly, shared memory"),
		.experiment = "ipc",
		.fact_obs = "ipc.needed",
		.others = ipc_needed_evidence,
		.why = N_("fork gives the child a copy-on-write copy of the parent's memory: the "
			  "child's write to a global makes it a page of its own, and the parent "
			  "never sees it. A mapping made MAP_SHARED before the fork is the same "
			  "physical page in both, so a write there is seen: shared memory is IPC "
			  "too, set up on purpose."),
	},
	{
		.id = "ipc.faster_threads",
		.kind = CLAIM_NUANCED,
		.aspect = ASPECT_COMMUNICATION,
		.seeds = "all",
		.text = N_("Threads communicate faster than processes"),
		.experiment = "ipc",
		.parts = ipc_faster_parts,
		.why = N_("The same mechanism costs the same between threads and between "
			  "processes: a pipe or a socket copies through the kernel and wakes the "
			  "reader either way, and a ring in shared memory is shared memory for "
			  "both (part a). What makes threads faster in practice is the mechanism "
			  "they are usually given: memory they already share, against the system "
			  "calls and copies of a pipe or a socket (part b). A process that maps "
			  "shared memory gets the same speed."),
	},
	{
		.id = "ipc.mechanisms",
		.kind = CLAIM_TABLE,
		.aspect = ASPECT_COMMUNICATION,
		.seeds = "all",
		.text = N_("IPC mechanisms differ in cost"),
		.experiment = "ipc",
		.a = { NULL, ipc_lat_process },
		.exclude = ipc_busy_poll,
		.why = N_("Every mechanism ranked by the round trip of a 64-byte message between "
			  "two processes on one CPU; the verdict compares the slowest with the "
			  "fastest, leaving out the spinning ring: on one CPU a spinner can only "
			  "yield, so its figure there measures the scheduler, not the mechanism "
			  "(across CPUs it is the fastest of all). Kernel-copying mechanisms pay "
			  "two system calls and two copies "
			  "per message; shared-memory rings pay a copy and a wake-up only when the "
			  "reader sleeps; spinning pays no wake-up at all but burns a CPU. The "
			  "streams are set against the machine's memcpy, their ceiling."),
	},
	{
		.id = "sync.race",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_NONE,
		.seeds = "000 003 004",
		.text = N_("Threads updating shared data without synchronization lose updates"),
		.experiment = "sync",
		.fact_obs = "sync.race",
		.others = ev_race,
		.why = N_("count++ is a load, an add and a store: two threads that load the same "
			  "value both store value + 1, and one update is lost. An atomic add does "
			  "the three in one locked instruction; a mutex, a spinlock or a semaphore "
			  "lets one thread at a time through the three."),
	},
	{
		.id = "sync.cost",
		.kind = CLAIM_TABLE,
		.aspect = ASPECT_NONE,
		.seeds = "004",
		.text = N_("Mutexes, semaphores and locks prevent races, at a price"),
		.experiment = "sync",
		.a = { NULL, sync_uncontended },
		.why = N_(
			"Every primitive ranked by the cost of one operation, uncontended, between "
			"threads: an atomic add is one locked instruction; a spinlock or a mutex "
			"that nobody holds is one atomic and no system call; a System V "
			"semaphore always enters the kernel; a hand-off through a futex or a "
			"condition variable pays a wake-up. Contended, every primitive pays the "
			"cache line moving between CPUs, and the sleeping ones a system call."),
	},
	{
		.id = "sync.process",
		.kind = CLAIM_FACT,
		.aspect = ASPECT_NONE,
		.seeds = "-",
		.text = N_(
			"Processes that share memory have the same races and need process-shared "
			"locks"),
		.experiment = "sync",
		.fact_obs = "sync.process",
		.others = ev_race_process,
		.why = N_("Processes that share a mapping race exactly as threads do: the race is "
			  "in the memory, not in the kind of unit. Process-shared mutexes and "
			  "semaphores in that mapping fix it; a robust mutex also tells a survivor "
			  "(EOWNERDEAD) that the owner died holding it, where a plain one stays "
			  "held."),
	},
	{
		.id = "mem.footprint",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_OVERHEAD,
		.seeds = "001 002 003",
		.text = N_("A process costs more memory than a thread"),
		.process_says = N_("larger (memory and time)"),
		.thread_says = N_("smaller"),
		.experiment = "memory",
		.a = { "total_per_unit", footprint_process },
		.b = { "total_per_unit", footprint_thread },
		.why = N_("A process brings its own page tables, a kernel stack, its own copies "
			  "of every page it writes, and the kernel objects of a process (mm, "
			  "files, signal handlers); a thread brings a kernel stack, a task and a "
			  "user stack that is mostly untouched address space. Proportional set "
			  "size counts shared pages once, split among their users."),
	},
	{
		.id = "par.speedup",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_PARALLEL,
		.seeds = "000 003 004",
		.text = N_("Both processes and threads run in parallel on several cores"),
		.process_says = N_("parallel across processes"),
		.thread_says = N_("parallel within a process"),
		.experiment = "parallel",
		.a = { "cpu_work", par_process },
		.b = { "cpu_work", par_thread },
		.why = N_("The scheduler runs tasks, and a process and a thread are both tasks: "
			  "the same CPU-bound work split over as many units as CPUs takes the same "
			  "time either way. Memory-bound work shares the memory bandwidth whatever "
			  "the units are."),
	},
	{
		.id = "par.comm",
		.kind = CLAIM_RATIO,
		.aspect = ASPECT_PARALLEL,
		.seeds = "001 004",
		.text = N_("Threads are more efficient for closely related tasks that share data"),
		.experiment = "parallel",
		.parts = par_comm_parts,
		.why = N_(
			"Many small items between two units cost what the mechanism costs: a "
			"pipe pays two system calls and two copies per item, a queue in shared "
			"memory a copy and, sometimes, a wake-up. Processes over shared memory get "
			"what threads get; it is the pipe, not being a process, that costs."),
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
		.experiment = "server",
		.parts = app_server_parts,
		.others = ev_server,
		.why = N_(
			"With keep-alive a prefork worker and a pool thread run the same loop on "
			"an "
			"open connection: read, answer, write, with no process or thread made per "
			"request, so they serve about as fast; the processes cost more memory "
			"(each "
			"worker's own stack, heap and page tables). A connection per request is "
			"where the textbook gap appears: fork and exit for every connection cost "
			"far more than a thread. The event loop does it all in one thread with "
			"no switch between connections, until a request's CPU work stalls every "
			"other connection behind it. Isolation is the other way round: a NULL "
			"write in a handler ends only that process in the process models (prefork "
			"restarts the worker, the acceptor goes on), but the whole server, every "
			"connection and every request after it, in the thread models and the event "
			"loop, until something restarts it."),
	},
	{ .id = NULL },
};

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
