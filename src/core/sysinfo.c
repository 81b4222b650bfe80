// SPDX-License-Identifier: MIT
/*
 * sysinfo: collects the facts a figure must be read with.
 *
 * Each fact comes from the cheapest source that states it directly:
 * /proc/cpuinfo for the model and CPU flags, sysconf and the affinity mask
 * for counts, sysfs for topology, governors and transparent huge pages,
 * uname for the kernel, /proc/meminfo for memory. Nothing is guessed: a
 * field whose source is missing (no cpufreq in a virtual machine, no DMI
 * on arm boards, a container hiding /sys) stays "" or -1.
 *
 * Virtual machines matter most: a wake-up across vCPUs goes through the
 * hypervisor and may cost ten times a bare-metal one. On x86 the CPUID
 * hypervisor leaf (0x40000000) names the hypervisor exactly, as lscpu
 * reports it; elsewhere /sys/hypervisor/type and the DMI vendor and
 * product strings are matched against a table of known hypervisors.
 *
 * Note the struct's name is the same as glibc's struct sysinfo in
 * <sys/sysinfo.h>, so that header must never be included with this one.
 */
#include "core/sysinfo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "core/procfs.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define SYSINFO_CPU_DIR "/sys/devices/system/cpu"

/* Copies src into dst (size len), truncating; dst is always terminated. */
static void sysinfo_copy(char *dst, size_t len, const char *src)
{
	size_t n;

	if (!len)
		return;
	n = strlen(src);
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Removes leading and trailing white space in place; returns s advanced. */
static char *sysinfo_trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/*
 * Reads the first line of path, trimmed, into buf (size len). Returns 0, or
 * -errno with buf set to "" when the file cannot be opened or is empty
 * (-ENODATA). A longer line is truncated, never overrun.
 */
static int sysinfo_read_line(const char *path, char *buf, size_t len)
{
	char line[256];
	FILE *f;
	int ret = 0;

	buf[0] = '\0';
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fgets(line, sizeof(line), f))
		sysinfo_copy(buf, len, sysinfo_trim(line));
	else
		ret = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!ret && !buf[0])
		ret = -ENODATA;
	return ret;
}

/* Reads a file holding one decimal integer. Returns 0 or -errno/-EINVAL. */
static int sysinfo_read_int(const char *path, long *out)
{
	char buf[32], *end;
	int ret = sysinfo_read_line(path, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*out = strtol(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

/* True when word appears as a whole space-separated word of list. */
static bool sysinfo_has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n) {
		bool start = p == list || isspace((unsigned char)p[-1]);
		bool end = p[n] == '\0' || isspace((unsigned char)p[n]);

		if (start && end)
			return true;
	}
	return false;
}

/*
 * Reads /proc/cpuinfo: the model (x86 "model name"; on arm "Hardware" or
 * the implementer and part numbers), and the hypervisor and pcid flags.
 * Only the first occurrence of each key counts: all CPUs of a machine
 * normally report the same.
 */
static void sysinfo_cpuinfo(struct sysinfo *out, bool *hv_flag)
{
	char model[SYSINFO_STR] = "", hardware[SYSINFO_STR] = "";
	char implementer[32] = "", part[32] = "";
	bool have_flags = false;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	f = fopen("/proc/cpuinfo", "re");
	if (!f)
		return;
	while (getline(&line, &cap, f) >= 0) {
		char *colon = strchr(line, ':'), *key, *val;

		if (!colon)
			continue;
		*colon = '\0';
		key = sysinfo_trim(line);
		val = sysinfo_trim(colon + 1);
		if (!model[0] && strcmp(key, "model name") == 0)
			sysinfo_copy(model, sizeof(model), val);
		else if (!hardware[0] && strcmp(key, "Hardware") == 0)
			sysinfo_copy(hardware, sizeof(hardware), val);
		else if (!implementer[0] && strcmp(key, "CPU implementer") == 0)
			sysinfo_copy(implementer, sizeof(implementer), val);
		else if (!part[0] && strcmp(key, "CPU part") == 0)
			sysinfo_copy(part, sizeof(part), val);
		else if (!have_flags && strcmp(key, "flags") == 0) {
			have_flags = true;
			*hv_flag = sysinfo_has_word(val, "hypervisor");
			out->pcid = sysinfo_has_word(val, "pcid");
		}
	}
	free(line);
	fclose(f);

	if (model[0])
		sysinfo_copy(out->cpu_model, sizeof(out->cpu_model), model);
	else if (hardware[0])
		sysinfo_copy(out->cpu_model, sizeof(out->cpu_model), hardware);
	else if (part[0])
		snprintf(out->cpu_model, sizeof(out->cpu_model), "implementer %.31s part %.31s",
			 implementer[0] ? implementer : "?", part);
}

/* Number of CPUs in this process's affinity mask, or -1. */
static int sysinfo_cpus_allowed(void)
{
	/* Grow the mask until the kernel's fits: machines may exceed 1024 CPUs. */
	for (int ncpu = 1024; ncpu <= (1 << 20); ncpu *= 2) {
		size_t size = CPU_ALLOC_SIZE(ncpu);
		cpu_set_t *set = CPU_ALLOC(ncpu);
		int n;

		if (!set)
			return -1;
		if (sched_getaffinity(0, size, set) == 0) {
			n = CPU_COUNT_S(size, set);
			CPU_FREE(set);
			return n;
		}
		n = errno;
		CPU_FREE(set);
		if (n != EINVAL)
			return -1;
	}
	return -1;
}

struct sysinfo_core {
	long package, core;
};

static int sysinfo_cmp_core(const void *a, const void *b)
{
	const struct sysinfo_core *x = a, *y = b;

	if (x->package != y->package)
		return (x->package > y->package) - (x->package < y->package);
	return (x->core > y->core) - (x->core < y->core);
}

/*
 * Counts cores (distinct package/core pairs) and packages over the online
 * CPUs in sysfs. Leaves the fields at -1 if any online CPU's topology is
 * unreadable: a partial count would understate the machine.
 */
static void sysinfo_topology(struct sysinfo *out)
{
	struct sysinfo_core *cpus = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	char path[128];
	DIR *d;
	int cores = 0, packages = 0;

	d = opendir(SYSINFO_CPU_DIR);
	if (!d)
		return;
	while ((de = readdir(d)) != NULL) {
		struct sysinfo_core c;
		long cpu, online;
		char *end;

		if (strncmp(de->d_name, "cpu", 3) != 0 || !isdigit((unsigned char)de->d_name[3]))
			continue;
		cpu = strtol(de->d_name + 3, &end, 10);
		if (*end)
			continue;
		/* cpu0 often has no "online" file: it cannot be taken offline. */
		snprintf(path, sizeof(path), SYSINFO_CPU_DIR "/cpu%ld/online", cpu);
		if (sysinfo_read_int(path, &online) == 0 && online == 0)
			continue;
		snprintf(path, sizeof(path), SYSINFO_CPU_DIR "/cpu%ld/topology/physical_package_id",
			 cpu);
		if (sysinfo_read_int(path, &c.package))
			goto out_free;
		snprintf(path, sizeof(path), SYSINFO_CPU_DIR "/cpu%ld/topology/core_id", cpu);
		if (sysinfo_read_int(path, &c.core))
			goto out_free;
		xgrow((void **)&cpus, &cap, n + 1, sizeof(*cpus));
		cpus[n++] = c;
	}
	if (!n)
		goto out_free;

	qsort(cpus, n, sizeof(*cpus), sysinfo_cmp_core);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || sysinfo_cmp_core(&cpus[i], &cpus[i - 1]) != 0)
			cores++;
		if (i == 0 || cpus[i].package != cpus[i - 1].package)
			packages++;
	}
	out->cores = cores;
	out->packages = packages;
	if (out->cpus_online > 0)
		out->threads_per_core = out->cpus_online / cores;
out_free:
	free(cpus);
	closedir(d);
}

/*
 * Names the hypervisor from the CPUID hypervisor leaf. Returns true and
 * fills name when the CPU reports running under one.
 */
static bool sysinfo_cpuid_hypervisor(char *name, size_t len)
{
#if defined(__x86_64__) || defined(__i386__)
	static const struct {
		const char *signature, *name;
	} known[] = {
		{ "KVMKVMKVM", "KVM" },	      { "Microsoft Hv", "Microsoft" },
		{ "VMwareVMware", "VMware" }, { "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU" },   { "VBoxVBoxVBox", "VirtualBox" },
		{ "bhyve bhyve ", "bhyve" },  { " lrpepyh  vr", "Parallels" },
		{ "ACRNACRNACRN", "ACRN" },
	};
	unsigned int eax, ebx, ecx, edx;
	char sig[13];

	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 31)))
		return false;
	/* Leaf 0x40000000 is outside the basic range __get_cpuid checks. */
	__cpuid(0x40000000, eax, ebx, ecx, edx);
	memcpy(sig, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = '\0';
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(sig, known[i].signature) == 0) {
			sysinfo_copy(name, len, known[i].name);
			return true;
		}
	}
	/* An unknown hypervisor: its own signature is the best name there is. */
	for (size_t i = 0; sig[i]; i++)
		if (!isprint((unsigned char)sig[i]))
			return true;
	sysinfo_copy(name, len, sysinfo_trim(sig));
	return true;
#else
	(void)name;
	(void)len;
	return false;
#endif
}

/*
 * Matches the DMI vendor and product against known hypervisors. A vendor
 * that also sells hardware (Microsoft) only counts with its virtual
 * product name. Returns true and fills name on a match.
 */
static bool sysinfo_dmi_hypervisor(char *name, size_t len)
{
	static const struct {
		const char *vendor, *product, *name;
	} known[] = {
		{ "QEMU", NULL, "QEMU" },
		{ NULL, "KVM", "KVM" },
		{ "VMware", NULL, "VMware" },
		{ "Microsoft Corporation", "Virtual Machine", "Microsoft" },
		{ "Xen", NULL, "Xen" },
		{ "innotek", NULL, "VirtualBox" },
		{ NULL, "VirtualBox", "VirtualBox" },
		{ "Amazon EC2", NULL, "Amazon EC2" },
		{ "Google", NULL, "Google" },
	};
	char vendor[SYSINFO_STR], product[SYSINFO_STR];

	sysinfo_read_line("/sys/class/dmi/id/sys_vendor", vendor, sizeof(vendor));
	sysinfo_read_line("/sys/class/dmi/id/product_name", product, sizeof(product));
	if (!vendor[0] && !product[0])
		return false;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (known[i].vendor && !strstr(vendor, known[i].vendor))
			continue;
		if (known[i].product && !strstr(product, known[i].product))
			continue;
		sysinfo_copy(name, len, known[i].name);
		return true;
	}
	return false;
}

/* Sets virtualized and hypervisor; hv_flag is the cpuinfo "hypervisor" flag. */
static void sysinfo_virtual(struct sysinfo *out, bool hv_flag)
{
	char name[sizeof(out->hypervisor)] = "", type[sizeof(out->hypervisor)];
	bool by_cpuid, by_sys, by_dmi;

	by_cpuid = sysinfo_cpuid_hypervisor(name, sizeof(name));
	by_sys = sysinfo_read_line("/sys/hypervisor/type", type, sizeof(type)) != -ENOENT;
	if (!name[0] && type[0])
		sysinfo_copy(name, sizeof(name), type);
	by_dmi = sysinfo_dmi_hypervisor(type, sizeof(type));
	if (!name[0] && by_dmi)
		sysinfo_copy(name, sizeof(name), type);

	out->virtualized = hv_flag || by_cpuid || by_sys || by_dmi;
	sysinfo_copy(out->hypervisor, sizeof(out->hypervisor), name);
}

/* The bracketed choice of transparent_hugepage/enabled ("madvise"). */
static void sysinfo_thp(struct sysinfo *out)
{
	char line[SYSINFO_STR], *open, *close;

	if (sysinfo_read_line("/sys/kernel/mm/transparent_hugepage/enabled", line, sizeof(line)))
		return;
	open = strchr(line, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close)
		return;
	*close = '\0';
	sysinfo_copy(out->thp, sizeof(out->thp), open + 1);
}

/* The 1-minute load average, or -1 when neither source answers. */
static double sysinfo_loadavg(void)
{
	char line[SYSINFO_STR], *end;
	double v;

	if (getloadavg(&v, 1) == 1)
		return v;
	if (sysinfo_read_line("/proc/loadavg", line, sizeof(line)))
		return -1.0;
	v = strtod(line, &end);
	return end == line ? -1.0 : v;
}

/* Identifies the compiler that built this file. */
static void sysinfo_compiler(struct sysinfo *out)
{
#if defined(__clang__)
	snprintf(out->compiler, sizeof(out->compiler), "clang %.56s", __VERSION__);
#elif defined(__GNUC__)
	snprintf(out->compiler, sizeof(out->compiler), "gcc %.58s", __VERSION__);
#elif defined(__VERSION__)
	sysinfo_copy(out->compiler, sizeof(out->compiler), __VERSION__);
#endif
}

int sysinfo_collect(struct sysinfo *out)
{
	struct utsname u;
	bool hv_flag = false;
	long n;

	memset(out, 0, sizeof(*out));
	out->cores = out->packages = out->threads_per_core = -1;

	sysinfo_cpuinfo(out, &hv_flag);
#if defined(__aarch64__)
	/*
	 * ASIDs are architectural on AArch64: the TLB tags entries with an
	 * address-space id, so a process switch need not flush it, which is
	 * what the x86 pcid flag tells.
	 */
	out->pcid = true;
#endif

	n = sysconf(_SC_NPROCESSORS_ONLN);
	out->cpus_online = n > 0 ? (int)n : -1;
	out->cpus_allowed = sysinfo_cpus_allowed();
	sysinfo_topology(out);

	if (uname(&u) == 0) {
		sysinfo_copy(out->kernel, sizeof(out->kernel), u.release);
		sysinfo_copy(out->machine, sizeof(out->machine), u.machine);
		sysinfo_copy(out->hostname, sizeof(out->hostname), u.nodename);
	}

	sysinfo_virtual(out, hv_flag);

	sysinfo_read_line(SYSINFO_CPU_DIR "/cpu0/cpufreq/scaling_governor", out->governor,
			  sizeof(out->governor));
	if (sysinfo_read_line(SYSINFO_CPU_DIR "/cpuidle/current_governor", out->idle_governor,
			      sizeof(out->idle_governor)))
		sysinfo_read_line(SYSINFO_CPU_DIR "/cpuidle/current_governor_ro",
				  out->idle_governor, sizeof(out->idle_governor));
	sysinfo_thp(out);
	out->loadavg1 = sysinfo_loadavg();

	/* On failure the fields stay 0, which no real machine reports. */
	procfs_meminfo("MemTotal", &out->mem_total_bytes);
	procfs_meminfo("MemAvailable", &out->mem_available_bytes);

#if defined(__GLIBC__)
	sysinfo_copy(out->glibc, sizeof(out->glibc), gnu_get_libc_version());
#endif
	sysinfo_compiler(out);

	return clock_calibrate(&out->clock);
}

bool sysinfo_noisy(const struct sysinfo *s, char *why, size_t len)
{
	bool noisy;

	if (why && len)
		why[0] = '\0';
	noisy = s->loadavg1 >= 0 && s->cpus_online > 0 && s->loadavg1 > s->cpus_online / 2.0;
	if (noisy && why && len)
		snprintf(why, len,
			 _("the 1-minute load average is %.2f on %d CPUs: other work may disturb "
			   "the figures"),
			 s->loadavg1, s->cpus_online);
	return noisy;
}
