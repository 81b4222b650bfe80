// SPDX-License-Identifier: MIT
/*
 * Tests for core/sysinfo and core/clock: the collected facts are sane on
 * whatever Linux machine runs the tests (no value is assumed beyond what
 * every machine satisfies; the null system call's cost is positive and
 * finite, never compared with a time), the readers of /proc/cpuinfo, the
 * vulnerabilities folder, the cache folders and the kernel log give what
 * hand-made files say, the noise rule follows its threshold, and the
 * clock calibration reports a positive cost and step.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/sysinfo.h"
#include "suites.h"

START_TEST(test_collect_sane)
{
	struct sysinfo s;

	ck_assert_int_eq(sysinfo_collect(&s), 0);
	ck_assert_int_ge(s.cpus_online, 1);
	ck_assert_int_ge(s.cpus_allowed, 1);
	ck_assert_uint_gt(strlen(s.kernel), 0);
	ck_assert_uint_gt(strlen(s.machine), 0);
	ck_assert_uint_gt(s.mem_total_bytes, 0);
	ck_assert_uint_le(s.mem_available_bytes, s.mem_total_bytes);
	ck_assert(s.loadavg1 >= 0.0);
	ck_assert(s.clock.overhead_ns > 0.0);
	ck_assert_uint_ge(s.clock.resolution_ns, 1);

	/* Topology is either unknown everywhere or consistent. */
	if (s.cores != -1) {
		ck_assert_int_ge(s.cores, 1);
		ck_assert_int_ge(s.packages, 1);
		ck_assert_int_le(s.packages, s.cores);
		ck_assert_int_ge(s.threads_per_core, 1);
	}

	/* Every string is terminated within its field. */
	ck_assert_uint_lt(strnlen(s.cpu_model, sizeof(s.cpu_model)), sizeof(s.cpu_model));
	ck_assert_uint_lt(strnlen(s.hostname, sizeof(s.hostname)), sizeof(s.hostname));
	ck_assert_uint_lt(strnlen(s.hypervisor, sizeof(s.hypervisor)), sizeof(s.hypervisor));
	ck_assert_uint_lt(strnlen(s.compiler, sizeof(s.compiler)), sizeof(s.compiler));
	ck_assert_uint_gt(strlen(s.compiler), 0);

	/* A named hypervisor implies a virtual machine. */
	if (s.hypervisor[0])
		ck_assert(s.virtualized);
	/* The THP choice, when known, is one word without brackets. */
	ck_assert_ptr_null(strchr(s.thp, '['));
	ck_assert_ptr_null(strchr(s.thp, ' '));

	/* The machine facts: a null system call costs something finite. */
	ck_assert_msg(isfinite(s.null_syscall_ns) && s.null_syscall_ns > 0.0,
		      "null system call: %g ns", s.null_syscall_ns);
	ck_assert_uint_le(strnlen(s.hypervisor_cpuid, sizeof(s.hypervisor_cpuid)), 12);
	ck_assert_uint_lt(strnlen(s.hypervisor_kernel, sizeof(s.hypervisor_kernel)),
			  sizeof(s.hypervisor_kernel));
	if (s.hypervisor_cpuid[0] || s.hypervisor_kernel[0])
		ck_assert(s.virtualized);
	ck_assert(s.tlb_entries == -1 || s.tlb_entries > 0);
	ck_assert_int_ge(s.n_caches, 0);
	ck_assert_int_le(s.n_caches, SYSINFO_CACHES_MAX);
	for (int i = 0; i < s.n_caches; i++) {
		ck_assert_int_ge(s.caches[i].level, 0);
		ck_assert_uint_gt(s.caches[i].size_bytes, 0);
		ck_assert_uint_gt(strlen(s.caches[i].type), 0);
		if (i)
			ck_assert_int_ge(s.caches[i].level, s.caches[i - 1].level);
	}
	ck_assert_int_ge(s.n_vulns, 0);
	ck_assert_int_le(s.n_vulns, SYSINFO_VULNS_MAX);
	for (int i = 0; i < s.n_vulns; i++) {
		ck_assert_uint_gt(strlen(s.vulns[i].text), 0);
		if (i)
			ck_assert_int_lt(strcmp(s.vulns[i - 1].name, s.vulns[i].name), 0);
		/* PTI said by the kernel is PTI recorded. */
		if (strcmp(s.vulns[i].name, "meltdown") == 0 && strstr(s.vulns[i].text, "PTI"))
			ck_assert_int_eq(s.pti, SYSINFO_YES);
	}
}
END_TEST

/* ---- the readers, on hand-made files ---- */

static char *make_dir(void)
{
	char *d = strdup("/tmp/ptlab-sysinfo-XXXXXX");
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

/* Writes text into dir/name (dir/a/b makes a). */
static void put_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	mkdir(path, 0700);
	*slash = '/';
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void remove_tree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* A fresh struct as sysinfo_collect() starts it. */
static void blank(struct sysinfo *s)
{
	memset(s, 0, sizeof(*s));
	s->tlb_entries = -1;
}

START_TEST(test_read_cpuinfo)
{
	char *d = make_dir(), path[512];
	struct sysinfo s;
	bool hv = false;

	/* An AMD guest as /proc/cpuinfo shows it: two CPUs, tabs before the colons. */
	put_file(d, "amd",
		 "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9B45\n"
		 "flags\t\t: fpu pcid sse invpcid_single pti hypervisor\n"
		 "TLB size\t: 3072 4K pages\n\n"
		 "processor\t: 1\nmodel name\t: other\nflags\t\t: fpu\nTLB size\t: 8 4K pages\n");
	snprintf(path, sizeof(path), "%s/amd", d);
	blank(&s);
	sysinfo_read_cpuinfo(path, &s, &hv);
	ck_assert_str_eq(s.cpu_model, "AMD EPYC 9B45");
	ck_assert(hv);
	ck_assert(s.pcid);
	/* invpcid_single is another flag, not invpcid. */
	ck_assert_int_eq(s.invpcid, SYSINFO_NO);
	ck_assert_int_eq(s.pti, SYSINFO_YES);
	ck_assert_int_eq(s.tlb_entries, 3072);

	/* An Intel host: invpcid, no pti, no TLB line. */
	put_file(d, "intel", "model name\t: Intel Xeon\nflags\t\t: pcid invpcid\n");
	snprintf(path, sizeof(path), "%s/intel", d);
	blank(&s);
	sysinfo_read_cpuinfo(path, &s, NULL);
	ck_assert(s.pcid);
	ck_assert_int_eq(s.invpcid, SYSINFO_YES);
	ck_assert_int_eq(s.pti, SYSINFO_NO);
	ck_assert_int_eq(s.tlb_entries, -1);
	/* A pti already known stays as it is against a flags line without the flag. */
	s.pti = SYSINFO_YES;
	sysinfo_read_cpuinfo(path, &s, NULL);
	ck_assert_int_eq(s.pti, SYSINFO_YES);

	/* No flags line (arm): nothing known; a missing file changes nothing. */
	put_file(d, "arm", "CPU implementer\t: 0x41\nCPU part\t: 0xd0c\n");
	snprintf(path, sizeof(path), "%s/arm", d);
	blank(&s);
	sysinfo_read_cpuinfo(path, &s, NULL);
	ck_assert_str_eq(s.cpu_model, "implementer 0x41 part 0xd0c");
	ck_assert_int_eq(s.invpcid, SYSINFO_UNKNOWN);
	ck_assert_int_eq(s.pti, SYSINFO_UNKNOWN);
	snprintf(path, sizeof(path), "%s/none", d);
	blank(&s);
	sysinfo_read_cpuinfo(path, &s, NULL);
	ck_assert_str_eq(s.cpu_model, "");
	ck_assert_int_eq(s.tlb_entries, -1);
	remove_tree(d);
	free(d);
}
END_TEST

START_TEST(test_read_vulns)
{
	char *d = make_dir(), name[64];
	struct sysinfo s;

	/* Written out of order, with a hidden file and a folder to pass over. */
	put_file(d, "spectre_v2", "Mitigation: Retpolines; IBPB: conditional\n");
	put_file(d, "meltdown", "Mitigation: PTI\n");
	put_file(d, "l1tf", "Not affected\n");
	put_file(d, ".hidden", "x\n");
	put_file(d, "sub/file", "x\n");
	blank(&s);
	sysinfo_read_vulns(d, &s);
	ck_assert_int_eq(s.n_vulns, 3);
	ck_assert_str_eq(s.vulns[0].name, "l1tf");
	ck_assert_str_eq(s.vulns[0].text, "Not affected");
	ck_assert_str_eq(s.vulns[1].name, "meltdown");
	ck_assert_str_eq(s.vulns[1].text, "Mitigation: PTI");
	ck_assert_str_eq(s.vulns[2].name, "spectre_v2");
	ck_assert_str_eq(s.vulns[2].text, "Mitigation: Retpolines; IBPB: conditional");
	ck_assert_int_eq(s.pti, SYSINFO_YES);

	/* Not affected: no PTI, unless the CPU flag said so. */
	put_file(d, "meltdown", "Not affected\n");
	blank(&s);
	sysinfo_read_vulns(d, &s);
	ck_assert_int_eq(s.pti, SYSINFO_NO);
	blank(&s);
	s.pti = SYSINFO_YES;
	sysinfo_read_vulns(d, &s);
	ck_assert_int_eq(s.pti, SYSINFO_YES);
	/* "Unknown (...)" tells nothing. */
	put_file(d, "meltdown", "Unknown (XEN PV detected, hypervisor mitigation required)\n");
	blank(&s);
	sysinfo_read_vulns(d, &s);
	ck_assert_int_eq(s.pti, SYSINFO_UNKNOWN);

	/* More files than kept: the first SYSINFO_VULNS_MAX by name. */
	for (int i = 0; i < SYSINFO_VULNS_MAX + 5; i++) {
		snprintf(name, sizeof(name), "v%02d", i);
		put_file(d, name, "Vulnerable\n");
	}
	blank(&s);
	sysinfo_read_vulns(d, &s);
	ck_assert_int_eq(s.n_vulns, SYSINFO_VULNS_MAX);
	ck_assert_str_eq(s.vulns[0].name, "l1tf");
	ck_assert_str_eq(s.vulns[SYSINFO_VULNS_MAX - 1].name, "v28");
	remove_tree(d);
	free(d);

	/* No folder (an old kernel): nothing, and no error. */
	blank(&s);
	sysinfo_read_vulns("/nonexistent/ptlab/vulnerabilities", &s);
	ck_assert_int_eq(s.n_vulns, 0);
	ck_assert_int_eq(s.pti, SYSINFO_UNKNOWN);
}
END_TEST

START_TEST(test_read_caches)
{
	char *d = make_dir();
	struct sysinfo s;

	put_file(d, "index3/level", "3\n");
	put_file(d, "index3/type", "Unified\n");
	put_file(d, "index3/size", "32768K\n");
	put_file(d, "index0/level", "1\n");
	put_file(d, "index0/type", "Data\n");
	put_file(d, "index0/size", "48K\n");
	put_file(d, "index1/level", "1\n");
	put_file(d, "index1/type", "Instruction\n");
	put_file(d, "index1/size", "32K\n");
	put_file(d, "index2/level", "2\n");
	put_file(d, "index2/type", "Unified\n");
	put_file(d, "index2/size", "1M\n");
	/* A cache without a size, and a file that is no cache: passed over. */
	put_file(d, "index4/level", "4\n");
	put_file(d, "index4/type", "Unified\n");
	put_file(d, "uevent", "\n");
	blank(&s);
	sysinfo_read_caches(d, &s);
	ck_assert_int_eq(s.n_caches, 4);
	ck_assert_int_eq(s.caches[0].level, 1);
	ck_assert_str_eq(s.caches[0].type, "Data");
	ck_assert_uint_eq(s.caches[0].size_bytes, 48 * 1024);
	ck_assert_str_eq(s.caches[1].type, "Instruction");
	ck_assert_uint_eq(s.caches[1].size_bytes, 32 * 1024);
	ck_assert_int_eq(s.caches[2].level, 2);
	ck_assert_uint_eq(s.caches[2].size_bytes, 1024 * 1024);
	ck_assert_int_eq(s.caches[3].level, 3);
	ck_assert_uint_eq(s.caches[3].size_bytes, 32 * 1024 * 1024);
	remove_tree(d);
	free(d);

	blank(&s);
	sysinfo_read_caches("/nonexistent/ptlab/cache", &s);
	ck_assert_int_eq(s.n_caches, 0);
}
END_TEST

START_TEST(test_kernel_hypervisor)
{
	char name[32];

	/* syslog(2)'s form and /dev/kmsg's form. */
	ck_assert(sysinfo_parse_kernel_hypervisor(
		"<6>[    0.000000] DMI: not present\n<6>[    0.000000] Hypervisor detected: PVM\n"
		"<6>[    0.000000] tsc: Fast TSC calibration\n",
		name, sizeof(name)));
	ck_assert_str_eq(name, "PVM");
	ck_assert(sysinfo_parse_kernel_hypervisor("6,12,0,-;Hypervisor detected: KVM", name,
						  sizeof(name)));
	ck_assert_str_eq(name, "KVM");
	ck_assert(sysinfo_parse_kernel_hypervisor("Hypervisor detected: Microsoft Hyper-V\n", name,
						  sizeof(name)));
	ck_assert_str_eq(name, "Microsoft Hyper-V");
	/* Cut to the buffer, never overrun. */
	ck_assert(sysinfo_parse_kernel_hypervisor("Hypervisor detected: Microsoft Hyper-V\n", name,
						  8));
	ck_assert_str_eq(name, "Microso");
	ck_assert(
		!sysinfo_parse_kernel_hypervisor("<6>[ 0.0] Booting Linux\n", name, sizeof(name)));
	ck_assert(!sysinfo_parse_kernel_hypervisor("Hypervisor detected: \n", name, sizeof(name)));
}
END_TEST

START_TEST(test_hypervisor_name)
{
	char name[32];

	ck_assert_str_eq(sysinfo_hypervisor_name("KVMKVMKVM", name, sizeof(name)), "KVM");
	ck_assert_str_eq(sysinfo_hypervisor_name("bhyve bhyve ", name, sizeof(name)), "bhyve");
	ck_assert_str_eq(sysinfo_hypervisor_name("Microsoft Hv", name, sizeof(name)), "Microsoft");
	/* An unknown signature names itself, trimmed. */
	ck_assert_str_eq(sysinfo_hypervisor_name(" NewHV  ", name, sizeof(name)), "NewHV");
	ck_assert_str_eq(sysinfo_hypervisor_name("", name, sizeof(name)), "");
}
END_TEST

START_TEST(test_noisy_high_load)
{
	struct sysinfo s = { .cpus_online = 2, .loadavg1 = 8.5 };
	char why[256];

	ck_assert(sysinfo_noisy(&s, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "8.50"));
	ck_assert_ptr_nonnull(strstr(why, "2"));
}
END_TEST

START_TEST(test_noisy_threshold)
{
	struct sysinfo s = { .cpus_online = 4, .loadavg1 = 2.0 };
	char why[8];

	/* Exactly half the CPUs is not yet noisy; a little above is. */
	ck_assert(!sysinfo_noisy(&s, why, sizeof(why)));
	ck_assert_str_eq(why, "");
	s.loadavg1 = 2.01;
	ck_assert(sysinfo_noisy(&s, why, sizeof(why)));
	/* A short buffer is truncated, not overrun. */
	ck_assert_uint_eq(strlen(why), sizeof(why) - 1);
	ck_assert(sysinfo_noisy(&s, NULL, 0));
}
END_TEST

START_TEST(test_noisy_idle_or_unknown)
{
	struct sysinfo s = { .cpus_online = 1, .loadavg1 = 0.0 };
	char why[256] = "stale";

	ck_assert(!sysinfo_noisy(&s, why, sizeof(why)));
	ck_assert_str_eq(why, "");
	s.loadavg1 = -1.0; /* unknown */
	ck_assert(!sysinfo_noisy(&s, why, sizeof(why)));
}
END_TEST

START_TEST(test_clock_calibrate)
{
	struct clock_info c;
	uint64_t t0, t1;

	t0 = clock_now_ns();
	ck_assert_int_eq(clock_calibrate(&c), 0);
	t1 = clock_now_ns();
	ck_assert_uint_ge(t1, t0);
	ck_assert(c.overhead_ns > 0.0);
	ck_assert_uint_ge(c.resolution_ns, 1);
	ck_assert_uint_lt(strnlen(c.source, sizeof(c.source)), sizeof(c.source));
	/* The source name, when known, has no trailing newline. */
	ck_assert_ptr_null(strchr(c.source, '\n'));
}
END_TEST

START_TEST(test_clock_monotonic)
{
	uint64_t prev = clock_now_ns();

	for (int i = 0; i < 10000; i++) {
		uint64_t now = clock_now_ns();

		ck_assert_uint_ge(now, prev);
		prev = now;
	}
}
END_TEST

Suite *sysinfo_suite(void)
{
	Suite *s = suite_create("sysinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_collect_sane);
	tcase_add_test(tc, test_read_cpuinfo);
	tcase_add_test(tc, test_read_vulns);
	tcase_add_test(tc, test_read_caches);
	tcase_add_test(tc, test_kernel_hypervisor);
	tcase_add_test(tc, test_hypervisor_name);
	tcase_add_test(tc, test_noisy_high_load);
	tcase_add_test(tc, test_noisy_threshold);
	tcase_add_test(tc, test_noisy_idle_or_unknown);
	tcase_add_test(tc, test_clock_calibrate);
	tcase_add_test(tc, test_clock_monotonic);
	suite_add_tcase(s, tc);
	return s;
}
