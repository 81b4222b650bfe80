// SPDX-License-Identifier: MIT
/*
 * sysinfo: the environment a run was measured in, recorded with every
 * result so that a figure can be read in its context: CPU model, count and
 * topology, kernel, virtual machine or not, PCID (a process switch need not
 * flush the TLB), frequency and idle governors, transparent huge pages,
 * load average at start, glibc and compiler versions, the timer; and the
 * machine facts that decide how a mechanism costs: INVPCID, page-table
 * isolation and every line of the kernel's CPU vulnerability report, the
 * hypervisor by its CPUID signature and by the kernel's own word, cache
 * and TLB sizes, the measured cost of a null system call.
 * Everything is read from /proc, /sys, uname, the CPUID instruction,
 * cpuid-derived flags in /proc/cpuinfo, the kernel log and confstr; a
 * field that cannot be read is left empty ("", -1, NaN, none), never
 * guessed.
 */
#ifndef PTLAB_CORE_SYSINFO_H
#define PTLAB_CORE_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/clock.h"

#define SYSINFO_STR 128
#define SYSINFO_VULNS_MAX 32 /* files of /sys/devices/system/cpu/vulnerabilities kept */
#define SYSINFO_CACHES_MAX 8 /* cache/index* folders of cpu0 kept */

/* A fact that may be unknown: a run of ptlab 0.1.0 never recorded it. */
enum sysinfo_flag {
	SYSINFO_UNKNOWN = 0, /* what zeroed memory says */
	SYSINFO_NO,
	SYSINFO_YES,
};

/* One file of /sys/devices/system/cpu/vulnerabilities: "meltdown" = "Mitigation: PTI". */
struct sysinfo_vuln {
	char name[48];
	char text[256];
};

/* One cache of cpu0 as sysfs describes it: level 1, "Data", 32 KiB. */
struct sysinfo_cache {
	int level;
	char type[16]; /* the kernel's word: "Data", "Instruction", "Unified" */
	uint64_t size_bytes;
};

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
	bool virtualized;	    /* "hypervisor" CPU flag, or DMI says so */
	char hypervisor[32];	    /* "KVM"...: CPUID, /sys/hypervisor or DMI; "" unknown */
	char hypervisor_cpuid[16];  /* CPUID 0x40000000 signature as is: "bhyve bhyve " */
	char hypervisor_kernel[32]; /* kernel log "Hypervisor detected: X", /sys/hypervisor */
	bool pcid;		    /* x86 pcid flag (or an equivalent ASID feature) */
	enum sysinfo_flag invpcid;  /* x86 invpcid flag */
	enum sysinfo_flag pti;	    /* page-table isolation ("Mitigation: PTI", pti flag) */
	char governor[32];	    /* cpufreq scaling governor of cpu0, "" if none */
	char idle_governor[32];	    /* cpuidle current governor, "" if none */
	char thp[32];	 /* transparent_hugepage/enabled choice: "always", "madvise", "never", "" */
	double loadavg1; /* 1-minute load average at collection; -1 unknown */
	uint64_t mem_total_bytes;
	uint64_t mem_available_bytes;
	char glibc[32];	   /* gnu_get_libc_version() */
	char compiler[64]; /* __VERSION__ of the compiler that built ptlab */
	struct clock_info clock;
	double null_syscall_ns; /* median cost of syscall(SYS_getppid); NaN unknown */
	int tlb_entries;	/* /proc/cpuinfo "TLB size" in 4 KiB pages (AMD); -1 unknown */
	int n_caches;		/* 0: none reported */
	struct sysinfo_cache caches[SYSINFO_CACHES_MAX];
	int n_vulns; /* 0: none reported; sorted by name */
	struct sysinfo_vuln vulns[SYSINFO_VULNS_MAX];
};

/* Collects everything (including clock_calibrate()). Returns 0; missing facts stay empty. */
int sysinfo_collect(struct sysinfo *out);

/*
 * The parts of sysinfo_collect() that read text, each given its source so
 * that the tests can hand them made-up files. None fails: a source that
 * cannot be read leaves its fields as they were.
 *
 * sysinfo_read_cpuinfo: the model, the pcid, invpcid and pti flags and
 * "TLB size" of a /proc/cpuinfo at path; *hv_flag (nullable) receives the
 * hypervisor flag. pti only ever rises: the flag sets it to yes, a flags
 * line without it sets an unknown pti to no.
 *
 * sysinfo_read_vulns: every regular file of dir (the vulnerabilities
 * folder), name and first line, sorted by name, at most
 * SYSINFO_VULNS_MAX; "meltdown" saying "PTI" sets pti to yes, saying
 * anything else sets an unknown pti to no.
 *
 * sysinfo_read_caches: every index* folder of dir (cpu0's cache folder)
 * with a readable level, type and size ("32K"), by level then type, at
 * most SYSINFO_CACHES_MAX.
 */
void sysinfo_read_cpuinfo(const char *path, struct sysinfo *out, bool *hv_flag);
void sysinfo_read_vulns(const char *dir, struct sysinfo *out);
void sysinfo_read_caches(const char *dir, struct sysinfo *out);

/*
 * The hypervisor the kernel names in its log text ("... Hypervisor
 * detected: KVM\n..."), into name (size len). Returns true when found.
 */
bool sysinfo_parse_kernel_hypervisor(const char *log, char *name, size_t len);

/*
 * The usual name of a CPUID hypervisor signature ("KVMKVMKVM" -> "KVM",
 * "bhyve bhyve " -> "bhyve"), else the signature trimmed. Returns name.
 */
const char *sysinfo_hypervisor_name(const char *signature, char *name, size_t len);

/*
 * True when the machine looks too busy for fine verdicts: a 1-minute load
 * average above half the online CPUs. why (size len) receives a sentence.
 */
bool sysinfo_noisy(const struct sysinfo *s, char *why, size_t len);

#endif
