// SPDX-License-Identifier: MIT
/*
 * claims_why: each claim's explanation as paragraphs, with the guards
 * that choose them (claims/mechanism.h). A paragraph without a guard says
 * only what is true on every Linux machine; every sentence that depends
 * on the machine, on the sizes measured or on the outcome has a guard
 * that tests exactly that, over this run's evidence. Texts carry no
 * numbers: the figures are printed above them.
 *
 * Bounds: a figure "costs more" than another from CLAIM_THRESHOLD
 * (×1.25) up, "about the same" within CLAIM_MARGIN (×1.10) either way,
 * as the verdicts read them.
 */
#include "claims/claims_why.h"

#include <stddef.h>
#include <string.h>

#include "claims/claims.h"
#include "util/i18n.h"

/* The guards that only ask where the verdict, or one part of it, landed. */
#define STATUS_IS(name, mask)                                                                      \
	static enum guard_result name(struct guard *g)                                             \
	{                                                                                          \
		return guard_status_is(g, mask);                                                   \
	}
#define PART_IS(name, part, mask)                                                                  \
	static enum guard_result name(struct guard *g)                                             \
	{                                                                                          \
		return guard_part_is(g, part, mask);                                               \
	}

#define NEGLIGIBLE VS(V_NEGLIGIBLE)
#define ANY_REVERSED VS_REVERSED
#define ANY_HOLDS VS_HOLDS

static enum guard_result observed(struct guard *g)
{
	return guard_status_is(g, VS(V_OBSERVED));
}

static enum guard_result not_observed(struct guard *g)
{
	return guard_status_is(g, VS(V_NOT_OBSERVED));
}

STATUS_IS(negligible, NEGLIGIBLE)

/* ---- definition, memory, resources ---------------------------------------- */

const struct mechanism why_def_unit[] = {
	{ "def.unit.task", NULL, NULL,
	  N_("A thread is a task of its own, with its own TID, inside one thread group: the PID "
	     "is the group's, and /proc/PID/task lists every thread of it. Each thread is "
	     "scheduled on its own, so the threads of one process can run on different CPUs at "
	     "once.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_mem_separate[] = {
	{ "mem.separate.cow", NULL, NULL,
	  N_("After fork the child's pages are the parent's, marked copy-on-write: the child's "
	     "first write to each one faults and gets it a private copy. The parent's page is "
	     "never touched.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_mem_shared[] = {
	{ "mem.shared.one_space", NULL, NULL,
	  N_("Threads have one address space: a global or a heap value is one location, and "
	     "every thread's write lands there.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_mem_stack[] = {
	{ "mem.stack.mapping", NULL, NULL,
	  N_("Each thread gets a stack of its own, a separate mapping with a guard page below it: "
	     "large in address space, resident only where touched. Running off the end hits the "
	     "guard page, and the SIGSEGV it raises ends the whole process, not the thread.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_res_fd[] = {
	{ "res.fd.table", NULL, NULL,
	  N_("File descriptors are an index into a table: threads share one table, so a close in "
	     "one is a close for all; fork copies the table, so a child's close is its own. But "
	     "the copy points at the same open file descriptions, so the file offset is still "
	     "shared after fork: the isolation is of the table, not of the files.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_res_env[] = {
	{ "res.env.process", NULL, NULL,
	  N_("The environment lives in the process's memory and the working directory in its "
	     "fs_struct; threads share both, a child gets copies.") },
	{ NULL, NULL, NULL, NULL },
};

/* ---- crashes and isolation ------------------------------------------------------ */

const struct mechanism why_iso_crash_process[] = {
	{ "iso.crash_process.signal", NULL, NULL,
	  N_("A fault is delivered as a signal to the process that faulted; other processes have "
	     "their own address spaces and never see it.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_iso_crash_thread[] = {
	{ "iso.crash_thread.group", NULL, NULL,
	  N_("SIGSEGV, SIGABRT and SIGFPE are fatal to the whole thread group: the kernel kills "
	     "every thread of the process, and their work stops where it was. A crash is about "
	     "the signal, not the pointer.") },
	{ NULL, NULL, NULL, NULL },
};

static const char *const yes[] = { "yes", NULL };

/* A handled error stayed in its thread, and a crash took the whole process. */
static enum guard_result errors_contained_crashes_not(struct guard *g)
{
	return guard_and(guard_word_in(guard_obs(g, "iso.error_thread"), yes),
			 guard_word_in(guard_obs(g, "iso.crash_thread"), yes));
}

const struct mechanism why_iso_error_thread[] = {
	{ "iso.error_thread.own_business", NULL, NULL,
	  N_("A handled error is the thread's own business: it returns or exits and the others go "
	     "on.") },
	{ "iso.error_thread.seeds",
	  N_("where a handled error stayed in its thread and a crash in a thread ended the whole "
	     "process"),
	  errors_contained_crashes_not,
	  N_("Seed 001's music player is right about errors and the other seeds about crashes: "
	     "errors are contained, crashes are not.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_iso_corruption[] = {
	{ "iso.corruption.stray_write", NULL, NULL,
	  N_("An out-of-bounds write lands on whatever lies next in memory. Between threads that "
	     "is a sibling's data; in a child process it is the child's own copy-on-write page, "
	     "and the parent's data is untouched.") },
	{ NULL, NULL, NULL, NULL },
};

/*
 * Who read whom, as the isolation experiment arranged it: as root the
 * reader drops to an unprivileged user ("reader dropped to uid 65534",
 * or a word or form naming "dropped"); otherwise it runs as the target's
 * own user ("... the target's own", "own").
 */
static enum guard_result ran_as_root(struct guard *g)
{
	const char *a = guard_obs(g, "sec.isolation.arrangement");
	enum guard_result dropped = guard_has_token(a, "dropped");
	if (dropped == GUARD_NO && guard_has_token(a, "own") == GUARD_NO)
		return GUARD_UNKNOWN; /* neither: a wording this guard does not know */
	return dropped;
}

static enum guard_result ran_as_target_user(struct guard *g)
{
	const char *a = guard_obs(g, "sec.isolation.arrangement");
	enum guard_result own = guard_has_token(a, "own");
	if (own == GUARD_NO && guard_has_token(a, "dropped") == GUARD_NO)
		return GUARD_UNKNOWN;
	return guard_and(own, guard_not(guard_has_token(a, "dropped")));
}

/* sec.isolation's parts, one per barrier: 0 another user, 1 non-dumpable, 2 same user, 3 root. */
PART_IS(other_user_refused, 0, VS(V_OBSERVED))

PART_IS(non_dumpable_refused, 1, VS(V_OBSERVED))

PART_IS(same_user_read, 2, VS(V_OBSERVED))

PART_IS(same_user_refused, 2, VS(V_NOT_OBSERVED))

PART_IS(root_read, 3, VS(V_OBSERVED))

const struct mechanism why_sec_isolation[] = {
	{ "sec.isolation.ptrace", NULL, NULL,
	  N_("Any thread can read any address of its process. Another process's memory is out of "
	     "reach without IPC: reading it through process_vm_readv or /proc/PID/mem needs "
	     "ptrace access to that process, which the kernel grants to the same user over a "
	     "dumpable target, and to a holder of CAP_SYS_PTRACE such as root; Yama's "
	     "ptrace_scope can narrow it further.") },
	{ "sec.isolation.root", N_("where ptlab ran as root"), ran_as_root,
	  N_("ptlab ran as root, and root may read any process's memory: the reader first gave "
	     "up root for an unprivileged user, and as that user it has no access to the "
	     "target.") },
	{ "sec.isolation.same_user", N_("where ptlab ran as an ordinary user"), ran_as_target_user,
	  N_("The reader runs as the target's own user: what stands in its way is that the target "
	     "made itself non-dumpable.") },
	{ "sec.isolation.other_user", N_("where a reader of another user was refused"),
	  other_user_refused,
	  N_("A reader of another user was refused: without CAP_SYS_PTRACE, ptrace access needs "
	     "the target's own user.") },
	{ "sec.isolation.non_dumpable", N_("where a non-dumpable target refused its own user"),
	  non_dumpable_refused,
	  N_("A target that made itself non-dumpable (prctl with PR_SET_DUMPABLE) refused even a "
	     "reader of its own user: that is a barrier of its own, which a program must ask "
	     "for.") },
	{ "sec.isolation.same_user_read", N_("where a dumpable target of the same user was read"),
	  same_user_read,
	  N_("A dumpable target of the same user was read: between processes of one user the "
	     "barrier is a permission, not the separate address space. Processes are isolated "
	     "from other users, and from their own user only where they ask to be.") },
	{ "sec.isolation.same_user_refused",
	  N_("where even a dumpable target of the same user was refused"), same_user_refused,
	  N_("Here even a dumpable target of the same user was refused: Yama's ptrace_scope or "
	     "another security module narrows ptrace access beyond the user.") },
	{ "sec.isolation.root_read", N_("where root read the target"), root_read,
	  N_("Root read the target: CAP_SYS_PTRACE passes every one of these barriers.") },
	{ NULL, NULL, NULL, NULL },
};

/* ---- creation ------------------------------------------------------------------- */

static const char *const at_zero[] = { "extra_bytes=0", NULL };

/* a / b of two creation figures at the parent's smallest size. */
static double create_ratio(struct guard *g, const char *a, const char *b)
{
	return guard_figure(g, a, at_zero) / guard_figure(g, b, at_zero);
}

static enum guard_result vfork_cheaper(struct guard *g)
{
	return guard_above(create_ratio(g, "fork", "vfork"), CLAIM_THRESHOLD);
}

static enum guard_result spawn_cheaper(struct guard *g)
{
	return guard_above(create_ratio(g, "fork_exec", "posix_spawn"), CLAIM_THRESHOLD);
}

static enum guard_result spawn_not_cheaper(struct guard *g)
{
	return guard_below(create_ratio(g, "fork_exec", "posix_spawn"), CLAIM_MARGIN);
}

const struct mechanism why_create_cost[] = {
	{ "create.cost.address_space", NULL, NULL,
	  N_("fork builds a new address space: it copies the parent's page tables and marks every "
	     "private page copy-on-write, duplicates the file table and signal state, and the "
	     "exit tears all of it down again. pthread_create calls clone with CLONE_VM on a "
	     "stack glibc keeps cached: nothing of the address space is copied. clone_vm, a "
	     "process that shares its parent's memory, set beside fork shows how much of the "
	     "price is the memory.") },
	{ "create.cost.exec", NULL, NULL,
	  N_("posix_spawn and fork_exec start another program: both include an exec that loads "
	     "it, so they compare with each other, not with fork alone.") },
	{ "create.cost.vfork", N_("where fork costs at least a quarter more than vfork"),
	  vfork_cheaper,
	  N_("vfork borrows the parent's memory until the child execs or exits instead of copying "
	     "its page tables, and here it costs clearly less than fork.") },
	{ "create.cost.spawn_cheaper",
	  N_("where fork followed by exec costs at least a quarter more than posix_spawn"),
	  spawn_cheaper,
	  N_("To start another program, posix_spawn costs less here than fork followed by exec: "
	     "it borrows the parent's memory the way vfork does, and so skips the page-table "
	     "copy that exec would throw away at once.") },
	{ "create.cost.spawn_not_cheaper",
	  N_("where posix_spawn saves less than a tenth against fork followed by exec"),
	  spawn_not_cheaper,
	  N_("Here posix_spawn saves little or nothing against fork followed by exec: for a parent "
	     "this small the page-table copy it avoids weighs little beside the exec itself.") },
	{ NULL, NULL, NULL, NULL },
};

/* A line of the trend that does not grow: its growth negligible, or a fall. */
static enum guard_result flat_line(struct guard *g, const char *label)
{
	return guard_line_is(g, label, NEGLIGIBLE | ANY_REVERSED);
}

static enum guard_result others_flat(struct guard *g)
{
	return guard_and(guard_and(flat_line(g, "pthread_create"), flat_line(g, "vfork")),
			 flat_line(g, "posix_spawn"));
}

static enum guard_result others_grow(struct guard *g)
{
	return guard_or(guard_or(guard_line_is(g, "pthread_create", VS(V_HOLDS)),
				 guard_line_is(g, "vfork", VS(V_HOLDS))),
			guard_line_is(g, "posix_spawn", VS(V_HOLDS)));
}

static const char *const thp_never[] = { "never", NULL };
static const char *const thp_offers[] = { "always", "madvise", NULL };
static const char *const thp_madvise[] = { "madvise", NULL };

/*
 * Whether the parent's memory went without transparent huge pages. The
 * create experiment records what it used as thp_used: "nohugepage" (the
 * advice was taken), "hugepage", or "default" (madvise() refused, the
 * system's mode applied: under "never" and "madvise" that is no huge
 * page for unadvised memory). A run of ptlab 0.1.0 recorded only its
 * request, "hugepages" = "madvise-nohuge" or "madvise-huge".
 */
static enum guard_result small_pages(struct guard *g)
{
	const char *used = guard_obs(g, "thp_used");
	if (!used) {
		const char *asked = guard_obs(g, "hugepages");
		if (guard_word_in(asked, (const char *const[]){ "madvise-nohuge", NULL }) ==
		    GUARD_YES)
			return GUARD_YES;
		return guard_word_in(asked, (const char *const[]){ "madvise-huge", NULL }) ==
				       GUARD_YES
			       ? guard_word_in(guard_env_word(g, "thp"), thp_never)
			       : GUARD_UNKNOWN;
	}
	if (strcmp(used, "nohugepage") == 0)
		return GUARD_YES;
	const char *thp = guard_env_word(g, "thp");
	if (strcmp(used, "hugepage") == 0)
		return guard_word_in(thp, thp_never);
	if (strcmp(used, "default") == 0)
		return guard_or(guard_word_in(thp, thp_never), guard_word_in(thp, thp_madvise));
	return GUARD_UNKNOWN;
}

static enum guard_result huge_pages(struct guard *g)
{
	const char *used = guard_obs(g, "thp_used");
	if (!used) {
		const char *asked = guard_obs(g, "hugepages");
		if (guard_word_in(asked, (const char *const[]){ "madvise-huge", NULL }) !=
		    GUARD_YES)
			return asked ? GUARD_NO : GUARD_UNKNOWN;
		return guard_word_in(guard_env_word(g, "thp"), thp_offers);
	}
	if (strcmp(used, "nohugepage") == 0)
		return GUARD_NO;
	const char *thp = guard_env_word(g, "thp");
	if (strcmp(used, "hugepage") == 0)
		return guard_word_in(thp, thp_offers);
	if (strcmp(used, "default") == 0)
		return guard_word_in(thp, (const char *const[]){ "always", NULL });
	return GUARD_UNKNOWN;
}

const struct mechanism why_create_memory[] = {
	{ "create.memory.copy", NULL, NULL,
	  N_("fork copies one page-table entry for every resident page of the parent and "
	     "write-protects it for copy-on-write, so its cost grows with the parent's memory: "
	     "the slope is that copy rate. vfork and posix_spawn (CLONE_VM | CLONE_VFORK) borrow "
	     "the parent's address space until the child execs or exits, and pthread_create "
	     "shares it for good: none of them copies a page table.") },
	{ "create.memory.flat",
	  N_("where pthread_create, vfork and posix_spawn did not grow with the parent's memory"),
	  others_flat, N_("Here they stay flat as the parent grows.") },
	{ "create.memory.not_flat",
	  N_("where pthread_create, vfork or posix_spawn grew with the parent's memory"),
	  others_grow,
	  N_("Here not all of them stay flat: a figure that grows although it copies no page "
	     "tables points to a cost outside fork's copy, and the lines above show which.") },
	{ "create.memory.small_pages",
	  N_("where the parent's memory went without transparent huge pages"), small_pages,
	  N_("The parent's memory was kept out of transparent huge pages, so every base page (4 "
	     "KiB on x86) has an entry of its own to copy; with huge pages one entry covers 2 MiB "
	     "(the create experiment's hugepages parameter tries it).") },
	{ "create.memory.huge_pages",
	  N_("where the parent's memory was offered transparent huge pages"), huge_pages,
	  N_("The parent's memory was offered transparent huge pages: wherever the kernel gave "
	     "one, a single entry covers 2 MiB, so fork has far fewer entries to copy.") },
	{ NULL, NULL, NULL, NULL },
};

/* ---- switching ------------------------------------------------------------------ */

static enum guard_result pcid(struct guard *g)
{
	return guard_env_flag(g, "pcid");
}

static enum guard_result no_pcid(struct guard *g)
{
	return guard_not(guard_env_flag(g, "pcid"));
}

static enum guard_result no_pcid_negligible(struct guard *g)
{
	return guard_and(no_pcid(g), negligible(g));
}

static enum guard_result pcid_negligible(struct guard *g)
{
	return guard_and(pcid(g), negligible(g));
}

static enum guard_result pcid_holds(struct guard *g)
{
	return guard_and(pcid(g), guard_status_is(g, ANY_HOLDS));
}

static enum guard_result pti(struct guard *g)
{
	return guard_env_flag(g, "pti");
}

static enum guard_result pti_no_pcid(struct guard *g)
{
	return guard_and(pti(g), no_pcid(g));
}

static enum guard_result pvm(struct guard *g)
{
	return guard_word_in(guard_env_word(g, "hypervisor_kernel"),
			     (const char *const[]){ "PVM", NULL });
}

static enum guard_result syscall_dear(struct guard *g)
{
	return guard_above(guard_env_num(g, "null_syscall_ns"), 500);
}

static const char *const fx_process_same[] = { "kind=process", "placement=same-cpu",
					       "working_set_bytes=0", NULL };
static const char *const fx_process_cross[] = { "kind=process", "placement=cross-cpu",
						"working_set_bytes=0", NULL };
static const char *const fx_thread_same[] = { "kind=thread", "placement=same-cpu",
					      "working_set_bytes=0", NULL };
static const char *const fx_thread_cross[] = { "kind=thread", "placement=cross-cpu",
					       "working_set_bytes=0", NULL };

/* The futex round trip across CPUs over the same on one CPU is within (lo, hi), for both kinds. */
static enum guard_result cross_over_same(struct guard *g, double lo, double hi)
{
	double p = guard_figure(g, "futex", fx_process_cross) /
		   guard_figure(g, "futex", fx_process_same);
	double t = guard_figure(g, "futex", fx_thread_cross) /
		   guard_figure(g, "futex", fx_thread_same);
	return guard_and(guard_and(guard_above(p, lo), guard_below(p, hi)),
			 guard_and(guard_above(t, lo), guard_below(t, hi)));
}

static enum guard_result cross_slower(struct guard *g)
{
	return cross_over_same(g, CLAIM_THRESHOLD, 1e300);
}

static enum guard_result cross_slower_vm(struct guard *g)
{
	return guard_and(cross_slower(g), guard_env_flag(g, "virtualized"));
}

static enum guard_result cross_same(struct guard *g)
{
	return cross_over_same(g, 1.0 / CLAIM_THRESHOLD, CLAIM_THRESHOLD);
}

static enum guard_result cross_faster(struct guard *g)
{
	return cross_over_same(g, 0, 1.0 / CLAIM_THRESHOLD);
}

/*
 * The shared-address-space control: the whole futex gap is the address
 * space where its share's interval reaches 1 and stays above one half;
 * only part where the interval lies between 0 and 1.
 */
static enum guard_result switch_gap_whole(struct guard *g)
{
	return guard_attribution_whole(g, "futex", 0.5);
}

static enum guard_result switch_gap_part(struct guard *g)
{
	struct ratio_ci s;
	if (guard_attribution(g, "futex", &s) != GUARD_YES)
		return GUARD_UNKNOWN;
	return guard_and(guard_below(s.hi, 1), guard_above(s.lo, 0));
}

const struct mechanism why_switch_cost[] = {
	{ "switch.cost.round_trip", NULL, NULL,
	  N_("A round trip is two hand-overs through a futex on one CPU: each side sleeps, and the "
	     "scheduler saves its registers and picks the other. Between threads the address "
	     "space stays; between processes the kernel loads the other's page-table root.") },
	{ "switch.cost.no_pcid", N_("where the CPU has no PCID"), no_pcid,
	  N_("Without PCID, loading another page-table root flushes the TLB: after every process "
	     "switch the address translations are refilled one miss at a time, which a thread "
	     "switch never needs.") },
	{ "switch.cost.no_pcid_negligible",
	  N_("where the CPU has no PCID and the two switches cost the same"), no_pcid_negligible,
	  N_("Here that flush costs little beside the rest of the round trip.") },
	{ "switch.cost.pvm", N_("where the kernel names the PVM hypervisor"), pvm,
	  N_("Under the PVM hypervisor the guest's page-table switches and TLB flushes are calls "
	     "into the hypervisor, so a process switch pays that trip as well.") },
	{ "switch.cost.pcid", N_("where the CPU has PCID"), pcid,
	  N_("With PCID (ASIDs on other processors) loading another page-table root keeps the TLB "
	     "entries of both address spaces: a process switch need not flush them.") },
	{ "switch.cost.pcid_negligible",
	  N_("where the CPU has PCID and the two switches cost the same"), pcid_negligible,
	  N_("So little is left to pay for a process switch here: the system calls, the futex and "
	     "the scheduler dominate both.") },
	{ "switch.cost.pcid_holds",
	  N_("where the CPU has PCID and the process switch still costs more"), pcid_holds,
	  N_("Yet a process switch still costs more here: the page-table switch and the kernel's "
	     "bookkeeping for a change of address space are work a thread switch skips.") },
	{ "switch.cost.pti", N_("where the kernel isolates its page tables (PTI)"), pti,
	  N_("With page-table isolation every system call and interrupt switches page tables on "
	     "the way into and out of the kernel, in threads and processes alike: both round "
	     "trips pay it.") },
	{ "switch.cost.pti_no_pcid",
	  N_("where the kernel isolates its page tables and the CPU "
	     "has no PCID"),
	  pti_no_pcid,
	  N_("Without PCID each of those switches flushes the TLB too, so even a thread's round "
	     "trip keeps refilling it.") },
	{ "switch.cost.syscall_dear", N_("where a null system call costs more than 500 ns"),
	  syscall_dear,
	  N_("A system call is dear on this machine, and every round trip makes several: that "
	     "weighs on threads and processes alike.") },
	{ "switch.cost.cross_slower",
	  N_("where a round trip across two CPUs costs at least a quarter more than on one CPU, "
	     "for processes and for threads"),
	  cross_slower,
	  N_("Across two CPUs every hand-over must also wake the other CPU, and here that costs "
	     "more than a switch on one CPU, for processes and threads alike: an inter-processor "
	     "interrupt, and a sleeping CPU's way back to work.") },
	{ "switch.cost.cross_vm",
	  N_("where the round trip across CPUs costs more, in a virtual machine"), cross_slower_vm,
	  N_("In a virtual machine both go through the hypervisor: the interrupt is delivered to "
	     "a virtual CPU, and an idle one must be scheduled again by the host.") },
	{ "switch.cost.cross_same",
	  N_("where a round trip across two CPUs costs about what it costs on one CPU (within a "
	     "quarter), for processes and for threads"),
	  cross_same,
	  N_("Across two CPUs a hand-over costs about what it costs on one CPU here: waking the "
	     "other CPU is about as cheap as switching on one.") },
	{ "switch.cost.cross_faster",
	  N_("where a round trip across two CPUs costs at least a fifth less than on one CPU, for "
	     "processes and for threads"),
	  cross_faster,
	  N_("Across two CPUs a hand-over costs less here than on one: each side keeps its own "
	     "CPU, and the other CPU wakes quickly.") },
	{ "switch.cost.address_space_whole",
	  N_("where a process that shares its parent's memory switches as fast as a thread (the "
	     "interval of the share of the gap it explains reaches the whole gap, and excludes "
	     "half of it)"),
	  switch_gap_whole,
	  N_("A process that shares its parent's address space (clone with CLONE_VM, without "
	     "CLONE_THREAD) switches as fast as a thread here: the whole gap is the "
	     "address-space switch, not being a process.") },
	{ "switch.cost.address_space_part",
	  N_("where the address-space switch explains only part of the gap"), switch_gap_part,
	  N_("A process that shares its parent's address space still switches slower than a "
	     "thread here: the address-space switch explains only part of the gap, and the rest "
	     "comes with being another process, even in the same memory.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_switch_alloc[] = {
	{ "switch.alloc.nothing", NULL, NULL,
	  N_("A context switch saves and restores registers and switches the page-table root: it "
	     "maps nothing and allocates nothing. The page faults and resident memory of both "
	     "processes are counted across many switches; faults in proportion to the switches "
	     "would mean memory was set up for them.") },
	{ "switch.alloc.none_seen", N_("where the switches came without faults"), not_observed,
	  N_("Here the switches came with no memory set up for them: a stray fault per thousand "
	     "switches or less is the counting itself.") },
	{ "switch.alloc.faults_seen", N_("where faults came with the switches"), observed,
	  N_("Here faults came with the switches, more than one per thousand: something beside "
	     "the switch, such as other work in the two processes, set up memory meanwhile.") },
	{ NULL, NULL, NULL, NULL },
};

/* The gap's growth: holds, flat, shrinking (the verdict, claims/verdict.c judge_gap_trend). */
STATUS_IS(tlb_gap_grows, ANY_HOLDS)
STATUS_IS(tlb_gap_flat, NEGLIGIBLE)
STATUS_IS(tlb_gap_shrinks, ANY_REVERSED)

/* At the smallest working set: processes slower than threads, or the same. */
static enum guard_result tlb_fixed_gap(struct guard *g)
{
	return guard_line_at_is(g, 0, ANY_HOLDS);
}

static enum guard_result tlb_no_fixed_gap(struct guard *g)
{
	return guard_line_at_is(g, 0, NEGLIGIBLE);
}

static enum guard_result tlb_all_negligible(struct guard *g)
{
	size_t n = guard_n_lines(g);
	enum guard_result r = n > 0 ? GUARD_YES : GUARD_UNKNOWN;
	for (size_t i = 0; i < n; i++)
		r = guard_and(r, guard_line_at_is(g, (long)i, NEGLIGIBLE));
	return r;
}

const struct mechanism why_switch_tlb[] = {
	{ "switch.tlb.method", NULL, NULL,
	  N_("Each side reads and writes its own buffer between hand-overs. The same hops done by "
	     "one unit alone give the cost of the work itself; the rest is what the switches "
	     "add. The caches hold data by physical address for processes and threads alike: as "
	     "the buffers outgrow them, refilling them costs both kinds the same. So the claim is "
	     "read from the gap between a process and a thread round trip, each net of the same "
	     "work alone, as the working set grows: TLB refill after a process switch would make "
	     "that gap grow.") },
	{ "switch.tlb.no_pcid", N_("where the CPU has no PCID"), no_pcid,
	  N_("Without PCID every process switch flushes the TLB, so after each hand-over a process "
	     "refills the translations of its buffer, which a thread does not have to do.") },
	{ "switch.tlb.pcid", N_("where the CPU has PCID"), pcid,
	  N_("With PCID the TLB entries of both address spaces survive the switch, as far as the "
	     "TLB can hold them: after a hand-over a process need not refill its buffer's "
	     "translations any more than a thread does.") },
	{ "switch.tlb.fixed_gap",
	  N_("where a process round trip costs more than a thread's at the smallest working set"),
	  tlb_fixed_gap,
	  N_("Already at the smallest working set a process round trip costs more than a thread's: "
	     "that is the fixed cost of a process switch, the change of address space itself "
	     "(switch.cost).") },
	{ "switch.tlb.no_fixed_gap",
	  N_("where processes and threads cost the same at the smallest working set"),
	  tlb_no_fixed_gap,
	  N_("At the smallest working set a process round trip costs what a thread's does: a "
	     "process switch adds no fixed cost here.") },
	{ "switch.tlb.gap_grows", N_("where the process-thread gap grows with the working set"),
	  tlb_gap_grows,
	  N_("Here the gap grows with the working set: what a process switch adds grows with the "
	     "memory each side touches, as refilling the TLB after each switch would.") },
	{ "switch.tlb.gap_flat",
	  N_("where the process-thread gap stays flat (within the margin) as the working set "
	     "grows"),
	  tlb_gap_flat,
	  N_("Here the gap does not grow: what a process switch adds is a fixed cost, not TLB "
	     "refill.") },
	{ "switch.tlb.gap_shrinks",
	  N_("where the process-thread gap shrinks as the working set grows"), tlb_gap_shrinks,
	  N_("Here the gap shrinks as the working set grows: nothing that a process switch adds "
	     "grows with the memory touched.") },
	{ "switch.tlb.all_negligible",
	  N_("where processes and threads cost the same at every working set"), tlb_all_negligible,
	  N_("Here processes and threads cost the same at every working-set size: a process "
	     "switch adds nothing that a thread switch does not.") },
	{ NULL, NULL, NULL, NULL },
};

/* ---- communication ---------------------------------------------------------------- */

const struct mechanism why_ipc_needed[] = {
	{ "ipc.needed.cow", NULL, NULL,
	  N_("fork gives the child a copy-on-write copy of the parent's memory: the child's write "
	     "to a global makes it a page of its own, and the parent never sees it. A mapping "
	     "made MAP_SHARED before the fork is the same physical page in both, so a write "
	     "there is seen: shared memory is IPC too, set up on purpose.") },
	{ NULL, NULL, NULL, NULL },
};

/* ipc.faster_threads: parts 0-2 are (a), the same mechanism; 3-5 are (b). */
static enum guard_result same_parts_all(struct guard *g, unsigned mask)
{
	enum guard_result r = GUARD_YES;
	for (size_t i = 0; i < 3; i++)
		r = guard_and(r, guard_part_is(g, i, mask));
	return r;
}

static enum guard_result same_parts_any(struct guard *g, unsigned mask)
{
	enum guard_result r = GUARD_NO;
	for (size_t i = 0; i < 3; i++)
		r = guard_or(r, guard_part_is(g, i, mask));
	return r;
}

static enum guard_result same_mechanism_not_dearer(struct guard *g)
{
	return same_parts_all(g, NEGLIGIBLE | ANY_REVERSED);
}

static enum guard_result same_mechanism_dearer(struct guard *g)
{
	return same_parts_all(g, ANY_HOLDS);
}

static enum guard_result same_mechanism_mixed(struct guard *g)
{
	return guard_and(same_parts_any(g, ANY_HOLDS),
			 same_parts_any(g, NEGLIGIBLE | ANY_REVERSED));
}

static enum guard_result shared_memory_wins(struct guard *g)
{
	return guard_and(guard_part_is(g, 3, ANY_HOLDS), guard_part_is(g, 4, ANY_HOLDS));
}

PART_IS(shared_memory_no_better, 3, NEGLIGIBLE | ANY_REVERSED)

PART_IS(shm_ring_same, 2, NEGLIGIBLE)

PART_IS(mutex_like_pipe, 5, NEGLIGIBLE)

PART_IS(mutex_dearer, 5, ANY_REVERSED)

/*
 * The control over every part (a) that has a gap to explain: the whole of
 * each is the address-space switch.
 */
static enum guard_result ipc_gap_whole(struct guard *g)
{
	static const char *const figs[] = { "pipe", "unix_stream", "shm_futex" };
	enum guard_result r = GUARD_UNKNOWN;
	for (size_t i = 0; i < 3; i++) {
		enum guard_result w = guard_attribution_whole(g, figs[i], 0.5);
		if (w == GUARD_NO)
			return GUARD_NO;
		if (w == GUARD_YES)
			r = GUARD_YES;
	}
	return r;
}

const struct mechanism why_ipc_faster_threads[] = {
	{ "ipc.faster_threads.method", NULL, NULL,
	  N_("A pipe or a socket copies through the kernel and wakes the reader, between threads "
	     "as between processes, and a ring in shared memory is shared memory for both: part "
	     "(a) sets each mechanism against itself. Part (b) sets what threads are usually "
	     "given, memory they already share, against the pipe or socket processes are usually "
	     "given.") },
	{ "ipc.faster_threads.same_mechanism_not_dearer",
	  N_("where no part (a) holds: the same mechanism costs no more between processes"),
	  same_mechanism_not_dearer,
	  N_("Here the same mechanism costs no more between processes than between threads: the "
	     "mechanism, not the kind of unit, sets the price.") },
	{ "ipc.faster_threads.same_mechanism_dearer",
	  N_("where every part (a) holds: the same mechanism costs more between processes"),
	  same_mechanism_dearer,
	  N_("Here the same mechanism costs more between processes than between threads: under "
	     "every hand-over lies a switch to another address space, which a thread hand-over "
	     "does not make (see switch.cost).") },
	{ "ipc.faster_threads.same_mechanism_mixed",
	  N_("where some parts (a) hold and others do not"), same_mechanism_mixed,
	  N_("Here the parts (a) disagree: some mechanisms cost more between processes, others no "
	     "more; where one does, the difference is the switch to another address space under "
	     "each hand-over.") },
	{ "ipc.faster_threads.shared_memory",
	  N_("where threads over shared memory beat processes over a pipe and over a socket"),
	  shared_memory_wins,
	  N_("What makes threads faster in practice is the mechanism they are usually given: "
	     "memory they already share, against the system calls and copies of a pipe or a "
	     "socket (part b).") },
	{ "ipc.faster_threads.shared_memory_no_better",
	  N_("where threads over shared memory are no faster than processes over a pipe"),
	  shared_memory_no_better,
	  N_("Here threads over shared memory are no faster than processes over a pipe: on one "
	     "CPU every message waits for the other side to be switched in, and that switch, "
	     "more than the copy, sets the price.") },
	{ "ipc.faster_threads.shm_process_same",
	  N_("where a shared-memory ring costs the same between processes and between threads"),
	  shm_ring_same,
	  N_("A process that maps shared memory gets the same speed as a thread here.") },
	{ "ipc.faster_threads.mutex_like_pipe",
	  N_("where threads with a mutex and a condition cost about what processes over a pipe "
	     "cost"),
	  mutex_like_pipe,
	  N_("A mutex and a condition variable still put the waiting thread to sleep and wake it "
	     "through the kernel: between threads they cost about what a pipe costs between "
	     "processes here.") },
	{ "ipc.faster_threads.mutex_dearer",
	  N_("where threads with a mutex and a condition cost more than processes over a pipe"),
	  mutex_dearer,
	  N_("A mutex and a condition variable, which put the waiting thread to sleep and wake it "
	     "through the kernel, cost threads more here than a pipe costs processes.") },
	{ "ipc.faster_threads.address_space",
	  N_("where a process that shares its parent's memory communicates as fast as a thread, "
	     "over every mechanism whose gap was measured"),
	  ipc_gap_whole,
	  N_("A process that shares its parent's address space communicates as fast as a thread "
	     "over the same mechanism here: the difference between processes and threads is the "
	     "address-space switch under each hand-over, not the mechanism.") },
	{ NULL, NULL, NULL, NULL },
};

static const char *const ipc_cross_process[] = { "measure=latency", "bytes=64",
						 "placement=cross-cpu", "kind=process", NULL };

static enum guard_result spin_fastest_across(struct guard *g)
{
	return guard_word_in(guard_fastest(g, ipc_cross_process, NULL),
			     (const char *const[]){ "shm_spin", NULL });
}

const struct mechanism why_ipc_mechanisms[] = {
	{ "ipc.mechanisms.ranking", NULL, NULL,
	  N_("Every mechanism ranked by the round trip of a 64-byte message between two processes "
	     "on one CPU; the verdict compares the slowest with the fastest, leaving out the "
	     "spinning ring: on one CPU a spinner can only yield, so its figure there measures "
	     "the scheduler, not the mechanism. Kernel-copying mechanisms pay two system calls "
	     "and two copies per message; shared-memory rings pay a copy, and a wake-up only "
	     "when the reader sleeps; spinning pays no wake-up at all but burns a CPU. The "
	     "streams are set against their ceiling, measured beside each: a buffer written "
	     "on one CPU and copied on the other, with nothing but a turn to take between "
	     "them; memcpy on one CPU is shown beside it.") },
	{ "ipc.mechanisms.spin_fastest_across",
	  N_("where the spinning ring has the fastest round trip between processes on two CPUs"),
	  spin_fastest_across,
	  N_("Across two CPUs, where a spinner never has to yield, the spinning ring is the "
	     "fastest of all here.") },
	{ NULL, NULL, NULL, NULL },
};

/* ---- synchronisation -------------------------------------------------------------- */

const struct mechanism why_sync_race[] = {
	{ "sync.race.load_add_store", NULL, NULL,
	  N_("count++ is a load, an add and a store: two threads that load the same value both "
	     "store value + 1, and one update is lost. An atomic add does the three in one locked "
	     "instruction; a mutex, a spinlock or a semaphore lets one thread at a time through "
	     "the three.") },
	{ "sync.race.none_lost", N_("where no update was lost"), not_observed,
	  N_("Here no update was lost: a race needs two threads inside those three steps at once, "
	     "which a run on one CPU, or a lucky schedule, can miss.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_sync_cost[] = {
	{ "sync.cost.primitives", NULL, NULL,
	  N_("Every primitive ranked by the cost of one operation, uncontended, between threads: "
	     "an atomic add is one locked instruction; a spinlock or a mutex that nobody holds is "
	     "one atomic and no system call; a System V semaphore always enters the kernel; a "
	     "hand-off through a futex or a condition variable pays a wake-up. Contended, every "
	     "primitive pays the cache line moving between CPUs, and the sleeping ones a system "
	     "call.") },
	{ NULL, NULL, NULL, NULL },
};

const struct mechanism why_sync_process[] = {
	{ "sync.process.same_race", NULL, NULL,
	  N_("Processes that share a mapping race exactly as threads do: the race is in the "
	     "memory, not in the kind of unit. Process-shared mutexes and semaphores in that "
	     "mapping fix it; a robust mutex also tells a survivor (EOWNERDEAD) that the owner "
	     "died holding it, where a plain one stays held.") },
	{ NULL, NULL, NULL, NULL },
};

/* ---- overhead, parallelism, use case ------------------------------------------------ */

const struct mechanism why_mem_footprint[] = {
	{ "mem.footprint.what_each_brings", NULL, NULL,
	  N_("A process brings its own page tables, a kernel stack, its own copies of every page "
	     "it writes, and the kernel objects of a process (mm, files, signal handlers); a "
	     "thread brings a kernel stack, a task and a user stack that is mostly untouched "
	     "address space. Proportional set size counts shared pages once, split among their "
	     "users.") },
	{ NULL, NULL, NULL, NULL },
};

/* The context: the process over the thread time at N, by the ratio rule. */
static enum guard_result speedup_context_is(struct guard *g, unsigned mask)
{
	struct ratio_ci r;
	if (guard_ratio_ci(g, &r) != GUARD_YES)
		return GUARD_UNKNOWN;
	return (VS(verdict_ratio_rule(&r, CLAIM_THRESHOLD, CLAIM_MARGIN)) & mask) ? GUARD_YES
										  : GUARD_NO;
}

static enum guard_result speedup_same(struct guard *g)
{
	return speedup_context_is(g, NEGLIGIBLE);
}

static enum guard_result speedup_differs(struct guard *g)
{
	return speedup_context_is(g, ANY_HOLDS | ANY_REVERSED);
}

/* A kind whose speed-up lies at or below 1: it did not run in parallel here. */
static enum guard_result speedup_none(struct guard *g)
{
	return guard_or(guard_line_at_is(g, 0, VS(V_NOT_OBSERVED)),
			guard_line_at_is(g, 1, VS(V_NOT_OBSERVED)));
}

const struct mechanism why_par_speedup[] = {
	{ "par.speedup.tasks", NULL, NULL,
	  N_("The scheduler runs tasks, and a process and a thread are both tasks: CPU-bound work "
	     "split over as many units as CPUs runs in parallel either way. Memory-bound work "
	     "shares the memory bandwidth whatever the units are. Each kind is judged by its own "
	     "speed-up: its time with one unit over its time with as many units as CPUs, set "
	     "against no gain at all and against the number of units (the ideal).") },
	{ "par.speedup.parallel", N_("where both kinds ran faster with more units"), observed,
	  N_("Here both kinds ran the same work faster split over several units: both ran in "
	     "parallel.") },
	{ "par.speedup.not_parallel", N_("where a kind ran no faster with more units"),
	  speedup_none,
	  N_("Here one kind ran no faster split over several units: its units did not run at the "
	     "same time. Another load on the machine, or fewer CPUs than it reports (a virtual "
	     "machine's CPUs share the host's), does that to either kind.") },
	{ "par.speedup.same", N_("where processes and threads took the same time"), speedup_same,
	  N_("Here the same work took the same time with processes as with threads.") },
	{ "par.speedup.differs", N_("where processes and threads took different times"),
	  speedup_differs,
	  N_("Here the two took different times for the same work; nothing in the work differs "
	     "between processes and threads, so read the spread and the machine's load before "
	     "taking it for a property of either.") },
	{ NULL, NULL, NULL, NULL },
};

PART_IS(pipe_dearer, 0, ANY_HOLDS)

PART_IS(comm_shm_same, 1, NEGLIGIBLE)

PART_IS(comm_shm_faster, 1, ANY_REVERSED)

PART_IS(comm_shm_dearer, 1, ANY_HOLDS)

const struct mechanism why_par_comm[] = {
	{ "par.comm.per_item", NULL, NULL,
	  N_("Many small items between two units cost what the mechanism costs per item: a pipe "
	     "pays two system calls and two copies per item; a ring in shared memory pays a "
	     "copy, and a futex wake-up only when the consumer sleeps.") },
	{ "par.comm.pipe_dearer",
	  N_("where processes over a pipe pay more per item than threads over a shared ring"),
	  pipe_dearer,
	  N_("Here processes over a pipe pay more per item than threads over a shared ring: "
	     "system calls and copies, against plain memory.") },
	{ "par.comm.shm_same",
	  N_("where processes over the shared ring cost the same as threads over it"),
	  comm_shm_same,
	  N_("Processes over the same shared ring get what threads get here: it is the pipe, not "
	     "being a process, that costs.") },
	{ "par.comm.shm_faster",
	  N_("where processes over the shared ring cost less than threads over it"),
	  comm_shm_faster,
	  N_("Processes over the same shared ring even beat the threads here: it is the pipe, not "
	     "being a process, that costs.") },
	{ "par.comm.shm_dearer",
	  N_("where processes over the shared ring cost more than threads over it"),
	  comm_shm_dearer,
	  N_("Processes over the same shared ring are slower than threads here, though the ring, "
	     "the items and the futex are the same: what differs is waking and switching to a "
	     "process rather than a thread, the cost switch.cost measures.") },
	{ NULL, NULL, NULL, NULL },
};

/*
 * app.server's parts: 0 memory prefork / pool, 1 keep-alive throughput
 * pool / prefork, 2 churn throughput thread / process per connection,
 * 3 keep-alive latency, 4 memory per connection (the question
 * "efficiency"); 5-9 whether the server survived a crashing handler,
 * process per connection, prefork, thread per connection, thread pool,
 * event loop (the question "isolation", facts).
 */
PART_IS(keepalive_same, 1, NEGLIGIBLE)

PART_IS(keepalive_threads, 1, ANY_HOLDS)

PART_IS(keepalive_processes, 1, ANY_REVERSED)

PART_IS(workers_memory, 0, ANY_HOLDS)

PART_IS(churn_gap, 2, ANY_HOLDS)

/* Every model behaved as expected: the process models survived, the others did not. */
static enum guard_result isolation_as_expected(struct guard *g)
{
	enum guard_result r = GUARD_YES;
	for (size_t i = 5; i <= 9; i++)
		r = guard_and(r, guard_part_is(g, i, VS(V_OBSERVED)));
	return r;
}

/* A thread model or the event loop survived a crashing handler. */
static enum guard_result thread_model_survived(struct guard *g)
{
	enum guard_result r = GUARD_NO;
	for (size_t i = 7; i <= 9; i++)
		r = guard_or(r, guard_part_is(g, i, VS(V_NOT_OBSERVED)));
	return r;
}

const struct mechanism why_app_server[] = {
	{ "app.server.models", NULL, NULL,
	  N_("With keep-alive a prefork worker and a pool thread run the same loop on an open "
	     "connection: read, answer, write, with no process or thread made per request. With "
	     "a connection per request, one model forks a process and the other starts a thread "
	     "for every connection. The event loop serves every connection from one thread with "
	     "no switch between them, until a request's CPU work stalls every other connection "
	     "behind it.") },
	{ "app.server.keepalive_same",
	  N_("where prefork and the thread pool serve the same under keep-alive"), keepalive_same,
	  N_("Under keep-alive prefork and the thread pool serve about as fast here: the loop is "
	     "the same.") },
	{ "app.server.keepalive_threads",
	  N_("where the thread pool serves more than prefork under keep-alive"), keepalive_threads,
	  N_("Under keep-alive the thread pool serves more than prefork here, though the loop is "
	     "the same: what remains is switching between the workers, dearer between processes "
	     "(see switch.cost).") },
	{ "app.server.keepalive_processes",
	  N_("where prefork serves more than the thread pool under keep-alive"),
	  keepalive_processes,
	  N_("Under keep-alive prefork serves more than the thread pool here: with the loop the "
	     "same, being processes costs the workers nothing.") },
	{ "app.server.memory", N_("where prefork takes more memory than the thread pool"),
	  workers_memory,
	  N_("The processes take more memory: each worker has its own stack, heap and page "
	     "tables.") },
	{ "app.server.churn",
	  N_("where a thread per connection serves more than a process per connection"), churn_gap,
	  N_("A connection per request is where the textbook gap appears: a fork and an exit for "
	     "every connection cost more than starting a thread.") },
	{ "app.server.crash", NULL, NULL,
	  N_("A NULL write in a handler ends the process it runs in: in the process models that "
	     "is one worker (prefork's master starts another, the model's own behaviour; the "
	     "acceptor goes on); in the thread models and the event loop it is the whole server, "
	     "every connection on it, until the supervisor, the same for every model, restarts "
	     "it. Each model's part says whether the server survived, how many requests failed "
	     "and how long until requests succeeded again: facts, not a ratio, since the "
	     "requests lost grow with the arrival rate and the time the restart takes.") },
	{ "app.server.isolation",
	  N_("where every process model survived a crashing handler and no thread model nor the "
	     "event loop did"),
	  isolation_as_expected,
	  N_("Here the process models survived the crash and the thread models and the event "
	     "loop did not: isolation is on the processes' side.") },
	{ "app.server.thread_survived",
	  N_("where a thread model or the event loop survived a crashing handler"),
	  thread_model_survived,
	  N_("A thread model survived the crash here: the handler's fault was caught before it "
	     "ended the process, or it never ran; read its part before crediting threads with "
	     "isolation.") },
	{ NULL, NULL, NULL, NULL },
};
