// SPDX-License-Identifier: MIT
/*
 * sysinfo: collects the facts a figure must be read with.
 *
 * Each fact comes from the cheapest source that states it directly:
 * /proc/cpuinfo for the model, CPU flags and the TLB, sysconf and the
 * affinity mask for counts, sysfs for topology, caches, governors,
 * transparent huge pages and the CPU vulnerabilities, uname for the
 * kernel, /proc/meminfo for memory. Nothing is guessed: a field whose
 * source is missing (no cpufreq in a virtual machine, no DMI on arm
 * boards, a container hiding /sys) stays "", -1, NaN or unknown.
 *
 * Virtual machines matter most: a wake-up across vCPUs goes through the
 * hypervisor and may cost ten times a bare-metal one. On x86 the CPUID
 * hypervisor leaf (0x40000000) gives the hypervisor's signature, kept as
 * it is; the kernel states what it detected in its log ("Hypervisor
 * detected: PVM"), kept beside it, because the two may differ: a
 * hypervisor may borrow another's signature so that guests take a known
 * path. The usual name (the field "hypervisor") comes from the signature,
 * else /sys/hypervisor/type, else the DMI vendor and product strings.
 *
 * A process switch pays for the TLB: PCID lets entries survive it,
 * INVPCID makes flushing them cheaper, and page-table isolation (PTI, the
 * Meltdown mitigation) switches page tables on every kernel entry, which
 * also makes every system call dearer. That is why the null system call
 * is measured here (syscall(SYS_getppid), which the C library cannot
 * answer itself), with the sampler: batches far above the timer's cost,
 * the median of their per-call times.
 *
 * Note the struct's name is the same as glibc's struct sysinfo in
 * <sys/sysinfo.h>, so that header must never be included with this one.
 */
#include "core/sysinfo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "core/procfs.h"
#include "core/sampler.h"
#include "core/stats.h"
#include "util/i18n.h"
#include "util/xalloc.h"

#define SYSINFO_CPU_DIR "/sys/devices/system/cpu"

/* syslog(2)'s actions, which glibc's <sys/klog.h> does not name. */
enum {
	SYSINFO_LOG_READ_ALL = 3,
	SYSINFO_LOG_SIZE_BUFFER = 10,
};

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

/* Raises *flag to yes, or an unknown one to no: a yes from any source wins. */
static void sysinfo_raise(enum sysinfo_flag *flag, bool yes)
{
	if (yes)
		*flag = SYSINFO_YES;
	else if (*flag == SYSINFO_UNKNOWN)
		*flag = SYSINFO_NO;
}

/*
 * Reads a /proc/cpuinfo: the model (x86 "model name"; on arm "Hardware"
 * or the implementer and part numbers), the hypervisor, pcid, invpcid and
 * pti flags, and AMD's "TLB size". Only the first occurrence of each key
 * counts: all CPUs of a machine normally report the same.
 */
void sysinfo_read_cpuinfo(const char *path, struct sysinfo *out, bool *hv_flag)
{
	char model[SYSINFO_STR] = "", hardware[SYSINFO_STR] = "";
	char implementer[32] = "", part[32] = "";
	bool have_flags = false, have_tlb = false;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	f = fopen(path, "re");
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
			if (hv_flag)
				*hv_flag = sysinfo_has_word(val, "hypervisor");
			out->pcid = sysinfo_has_word(val, "pcid");
			out->invpcid = sysinfo_has_word(val, "invpcid") ? SYSINFO_YES : SYSINFO_NO;
			sysinfo_raise(&out->pti, sysinfo_has_word(val, "pti"));
		} else if (!have_tlb && strcmp(key, "TLB size") == 0) {
			/* "2560 4K pages": the kernel always counts 4 KiB pages. */
			char *end;
			long n = strtol(val, &end, 10);

			have_tlb = true;
			if (end != val && n > 0 && n <= INT32_MAX)
				out->tlb_entries = (int)n;
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

/* scandir() order that does not depend on the locale. */
static int sysinfo_cmp_dirent(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int sysinfo_not_dot(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

void sysinfo_read_vulns(const char *dir, struct sysinfo *out)
{
	struct dirent **list;
	char path[512];
	int n;

	n = scandir(dir, &list, sysinfo_not_dot, sysinfo_cmp_dirent);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		struct sysinfo_vuln *v = &out->vulns[out->n_vulns];

		if (out->n_vulns < SYSINFO_VULNS_MAX && strlen(list[i]->d_name) < sizeof(v->name) &&
		    snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) <
			    (int)sizeof(path) &&
		    sysinfo_read_line(path, v->text, sizeof(v->text)) == 0) {
			sysinfo_copy(v->name, sizeof(v->name), list[i]->d_name);
			out->n_vulns++;
			/* "Unknown (XEN PV detected, ...)" says nothing either way. */
			if (strcmp(v->name, "meltdown") == 0 && strncmp(v->text, "Unknown", 7) != 0)
				sysinfo_raise(&out->pti, strstr(v->text, "PTI") != NULL);
		}
		free(list[i]);
	}
	free(list);
}

/* "32K", "1M", "512": a sysfs cache size in bytes, or 0. */
static uint64_t sysinfo_parse_size(const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || v > (UINT64_MAX >> 30))
		return 0;
	switch (*end) {
	case 'K':
		return (uint64_t)v << 10;
	case 'M':
		return (uint64_t)v << 20;
	case 'G':
		return (uint64_t)v << 30;
	case '\0':
		return v;
	default:
		return 0;
	}
}

static int sysinfo_cmp_cache(const void *a, const void *b)
{
	const struct sysinfo_cache *x = a, *y = b;

	if (x->level != y->level)
		return (x->level > y->level) - (x->level < y->level);
	return strcmp(x->type, y->type);
}

static int sysinfo_is_index(const struct dirent *de)
{
	return strncmp(de->d_name, "index", 5) == 0;
}

/* One index* folder of dir into c. Returns false when a part is missing. */
static bool sysinfo_read_cache(const char *dir, const char *name, struct sysinfo_cache *c)
{
	char path[512], size[32];
	long level;

	snprintf(path, sizeof(path), "%s/%.32s/level", dir, name);
	if (sysinfo_read_int(path, &level) || level < 0 || level > 9)
		return false;
	snprintf(path, sizeof(path), "%s/%.32s/type", dir, name);
	if (sysinfo_read_line(path, c->type, sizeof(c->type)))
		return false;
	snprintf(path, sizeof(path), "%s/%.32s/size", dir, name);
	if (sysinfo_read_line(path, size, sizeof(size)))
		return false;
	c->level = (int)level;
	c->size_bytes = sysinfo_parse_size(size);
	return c->size_bytes > 0;
}

void sysinfo_read_caches(const char *dir, struct sysinfo *out)
{
	struct dirent **list;
	int n;

	n = scandir(dir, &list, sysinfo_is_index, sysinfo_cmp_dirent);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		if (out->n_caches < SYSINFO_CACHES_MAX &&
		    sysinfo_read_cache(dir, list[i]->d_name, &out->caches[out->n_caches]))
			out->n_caches++;
		free(list[i]);
	}
	free(list);
	qsort(out->caches, (size_t)out->n_caches, sizeof(out->caches[0]), sysinfo_cmp_cache);
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

const char *sysinfo_hypervisor_name(const char *signature, char *name, size_t len)
{
	static const struct {
		const char *signature, *name;
	} known[] = {
		{ "KVMKVMKVM", "KVM" },	      { "Microsoft Hv", "Microsoft" },
		{ "VMwareVMware", "VMware" }, { "XenVMMXenVMM", "Xen" },
		{ "TCGTCGTCGTCG", "QEMU" },   { "VBoxVBoxVBox", "VirtualBox" },
		{ "bhyve bhyve ", "bhyve" },  { " lrpepyh  vr", "Parallels" },
		{ "ACRNACRNACRN", "ACRN" },
	};
	char copy[SYSINFO_STR];

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcmp(signature, known[i].signature) == 0) {
			sysinfo_copy(name, len, known[i].name);
			return name;
		}
	}
	/* An unknown hypervisor: its own signature is the best name there is. */
	sysinfo_copy(copy, sizeof(copy), signature);
	sysinfo_copy(name, len, sysinfo_trim(copy));
	return name;
}

/*
 * Reads the CPUID hypervisor leaf into out->hypervisor_cpuid, as it is up
 * to its first NUL, a byte that is not printable shown as '?'. Returns
 * true when the CPU reports running under a hypervisor; *printable says
 * whether the signature was printable as it came (a name worth using).
 */
static bool sysinfo_cpuid_hypervisor(struct sysinfo *out, bool *printable)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int eax, ebx, ecx, edx;
	char sig[13];

	*printable = false;
	if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & (1u << 31)))
		return false;
	/* Leaf 0x40000000 is outside the basic range __get_cpuid checks. */
	__cpuid(0x40000000, eax, ebx, ecx, edx);
	memcpy(sig, &ebx, 4);
	memcpy(sig + 4, &ecx, 4);
	memcpy(sig + 8, &edx, 4);
	sig[12] = '\0';
	*printable = sig[0] != '\0';
	for (size_t i = 0; sig[i]; i++) {
		if (!isprint((unsigned char)sig[i])) {
			sig[i] = '?';
			*printable = false;
		}
	}
	sysinfo_copy(out->hypervisor_cpuid, sizeof(out->hypervisor_cpuid), sig);
	return true;
#else
	(void)out;
	*printable = false;
	return false;
#endif
}

bool sysinfo_parse_kernel_hypervisor(const char *log, char *name, size_t len)
{
	static const char key[] = "Hypervisor detected: ";
	char found[SYSINFO_STR];
	const char *p = strstr(log, key), *end;

	if (!p)
		return false;
	p += sizeof(key) - 1;
	end = strchr(p, '\n');
	if (!end)
		end = p + strlen(p);
	if ((size_t)(end - p) >= sizeof(found))
		end = p + sizeof(found) - 1;
	memcpy(found, p, (size_t)(end - p));
	found[end - p] = '\0';
	sysinfo_copy(name, len, sysinfo_trim(found));
	return name[0] != '\0';
}

/*
 * The kernel log through /dev/kmsg, record by record, without waiting for
 * new ones: the way in when syslog(2) is refused but the device is not.
 */
static bool sysinfo_kmsg_hypervisor(char *name, size_t len)
{
	char rec[8192];
	bool found = false;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return false;
	/* Bounded: a machine logging fast must not keep this loop going. */
	for (int i = 0; i < 1000000 && !found; i++) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue; /* a record overwritten while reading: go on */
		if (n <= 0)
			break; /* EAGAIN: the end of the log */
		rec[n] = '\0';
		found = sysinfo_parse_kernel_hypervisor(rec, name, len);
	}
	close(fd);
	return found;
}

/*
 * What the kernel says it runs under: its boot line "Hypervisor detected:
 * X" from the log (syslog(2), else /dev/kmsg), else /sys/hypervisor/type
 * (Xen). Both ways to the log may be closed (kernel.dmesg_restrict without
 * CAP_SYSLOG), and the line may have left the ring buffer on a machine up
 * for long: then name stays "".
 */
static void sysinfo_kernel_hypervisor(char *name, size_t len)
{
	int size = klogctl(SYSINFO_LOG_SIZE_BUFFER, NULL, 0);
	bool found = false;

	if (size > 0) {
		char *log = malloc((size_t)size + 1);
		int n = log ? klogctl(SYSINFO_LOG_READ_ALL, log, size) : -1;

		if (n >= 0) {
			log[n] = '\0';
			found = sysinfo_parse_kernel_hypervisor(log, name, len);
		} else {
			found = sysinfo_kmsg_hypervisor(name, len);
		}
		free(log);
	} else {
		found = sysinfo_kmsg_hypervisor(name, len);
	}
	if (!found)
		sysinfo_read_line("/sys/hypervisor/type", name, len);
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

/*
 * Sets virtualized, the hypervisor's signature, the kernel's word and the
 * usual name; hv_flag is the cpuinfo "hypervisor" flag.
 */
static void sysinfo_virtual(struct sysinfo *out, bool hv_flag)
{
	char name[sizeof(out->hypervisor)] = "", type[sizeof(out->hypervisor)];
	bool by_cpuid, printable, by_sys, by_dmi;

	by_cpuid = sysinfo_cpuid_hypervisor(out, &printable);
	if (printable)
		sysinfo_hypervisor_name(out->hypervisor_cpuid, name, sizeof(name));
	sysinfo_kernel_hypervisor(out->hypervisor_kernel, sizeof(out->hypervisor_kernel));
	by_sys = sysinfo_read_line("/sys/hypervisor/type", type, sizeof(type)) != -ENOENT;
	if (!name[0] && type[0])
		sysinfo_copy(name, sizeof(name), type);
	by_dmi = sysinfo_dmi_hypervisor(type, sizeof(type));
	if (!name[0] && by_dmi)
		sysinfo_copy(name, sizeof(name), type);

	out->virtualized = hv_flag || by_cpuid || by_sys || by_dmi || out->hypervisor_kernel[0];
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

/* The sampler's operation: n null system calls. */
static int sysinfo_getppid_op(void *ctx, uint64_t n, uint64_t *elapsed_ns)
{
	(void)ctx;
	(void)elapsed_ns;
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

/*
 * The median cost of one null system call, in ns, or NaN when the clock
 * is too coarse to time it in a few milliseconds. A few hundred
 * microseconds of sampling: the figure is a fact about the machine, not
 * one of the claims' measurements.
 */
static double sysinfo_null_syscall_ns(const struct clock_info *ci)
{
	struct sampler_cfg cfg = {
		.min_samples = 11,
		.max_samples = 51,
		.budget_ns = 5 * 1000 * 1000,
		.warmup_ns = 1000 * 1000,
		.target_ns = sampler_target_ns(ci),
		.max_batch = UINT64_C(1) << 24,
	};
	struct sample_set set;
	struct summary sum;
	double *per_call, median = NAN;

	/* A clock of millisecond steps would make this take seconds. */
	if (cfg.target_ns > 2 * 1000 * 1000)
		return NAN;
	if (sampler_run(&cfg, sysinfo_getppid_op, NULL, &set))
		return NAN;
	per_call = xmalloc(set.n * sizeof(*per_call));
	for (size_t i = 0; i < set.n; i++)
		per_call[i] = (double)set.raw[i] / (double)set.batch;
	if (stats_summarize(per_call, set.n, &sum) == 0 && sum.median > 0)
		median = sum.median;
	free(per_call);
	sample_set_free(&set);
	return median;
}

int sysinfo_collect(struct sysinfo *out)
{
	struct utsname u;
	bool hv_flag = false;
	long n;
	int err;

	memset(out, 0, sizeof(*out));
	out->cores = out->packages = out->threads_per_core = -1;
	out->tlb_entries = -1;
	out->null_syscall_ns = NAN;

	sysinfo_read_cpuinfo("/proc/cpuinfo", out, &hv_flag);
#if defined(__aarch64__)
	/*
	 * ASIDs are architectural on AArch64: the TLB tags entries with an
	 * address-space id, so a process switch need not flush it, which is
	 * what the x86 pcid flag tells.
	 */
	out->pcid = true;
#endif
	sysinfo_read_vulns(SYSINFO_CPU_DIR "/vulnerabilities", out);
	sysinfo_read_caches(SYSINFO_CPU_DIR "/cpu0/cache", out);

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

	err = clock_calibrate(&out->clock);
	out->null_syscall_ns = sysinfo_null_syscall_ns(&out->clock);
	return err;
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
