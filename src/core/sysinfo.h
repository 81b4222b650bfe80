// SPDX-License-Identifier: MIT
/*
 * sysinfo: the environment a run was measured in, recorded with every
 * result so that a figure can be read in its context: CPU model, count and
 * topology, kernel, virtual machine or not, PCID (a process switch need not
 * flush the TLB), frequency and idle governors, transparent huge pages,
 * load average at start, glibc and compiler versions, the timer.
 * Everything is read from /proc, /sys, uname, cpuid-derived flags in
 * /proc/cpuinfo and confstr; a field that cannot be read is left empty
 * ("" or -1), never guessed.
 */
#ifndef PTLAB_CORE_SYSINFO_H
#define PTLAB_CORE_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

#define SYSINFO_STR 128

/* Shares its tag with glibc's struct sysinfo: never include <sys/sysinfo.h> beside this. */
struct sysinfo {
	char cpu_model[SYSINFO_STR];
	int cpus_online;	  /* sysconf(_SC_NPROCESSORS_ONLN) */
	int cpus_allowed;	  /* CPUs in this process's affinity mask */
	int cores;		  /* distinct (package, core) pairs; -1 unknown */
	int packages;		  /* distinct physical packages; -1 unknown */
	int threads_per_core;	  /* -1 unknown */
	char kernel[SYSINFO_STR]; /* uname -r */
	char machine[32];	  /* uname -m */
	char hostname[64];
	bool virtualized;	/* "hypervisor" CPU flag, or DMI says so */
	char hypervisor[32];	/* "KVM", "VMware"... from /sys/hypervisor or DMI; "" if unknown */
	bool pcid;		/* x86 pcid flag (or an equivalent ASID feature) */
	char governor[32];	/* cpufreq scaling governor of cpu0, "" if none */
	char idle_governor[32]; /* cpuidle current governor, "" if none */
	char thp[32];	 /* transparent_hugepage/enabled choice: "always", "madvise", "never", "" */
	double loadavg1; /* 1-minute load average at collection; -1 unknown */
	uint64_t mem_total_bytes;
	uint64_t mem_available_bytes;
	char glibc[32];	   /* gnu_get_libc_version() */
	char compiler[64]; /* __VERSION__ of the compiler that built ptlab */
	struct clock_info clock;
};

/* Collects everything (including clock_calibrate()). Returns 0; missing facts stay empty. */
int sysinfo_collect(struct sysinfo *out);

/*
 * True when the machine looks too busy for fine verdicts: a 1-minute load
 * average above half the online CPUs. why (size len) receives a sentence.
 */
bool sysinfo_noisy(const struct sysinfo *s, char *why, size_t len);

#endif
