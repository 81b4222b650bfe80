# SPDX-License-Identifier: MIT
# ptlab — one Makefile. Objects under build/, the program at ./ptlab.
#
#   make run      install missing build dependencies, build, run the quick suite
#   make test     build and run the whole test suite (Check)
#   make asan     the test suite under AddressSanitizer and UBSan
#   make tsan     the thread-heavy suites under ThreadSanitizer
#   make valgrind ptlab report and compare under valgrind
#   make deps     install missing build dependencies (apt-get, as root)
#   make install  PREFIX=/usr/local DESTDIR=   (make uninstall, same variables)

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LOCALEDIR ?= $(PREFIX)/share/locale
LIBEXECDIR ?= $(PREFIX)/libexec/ptlab
MANDIR    ?= $(PREFIX)/share/man
VERSION   := 0.2.0

CC      ?= cc
PKGS    := jansson
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN    += -Werror
endif
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc -pthread \
	-DPTLAB_VERSION='"$(VERSION)"' -DLOCALEDIR='"$(LOCALEDIR)"' \
	-DPTLAB_LIBEXECDIR='"$(LIBEXECDIR)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(EXTRA_CFLAGS)
LDLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson) -lm -pthread
TEST_LDLIBS = $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lrt) $(LDLIBS)

BUILD   ?= build
SRCS    := $(sort $(wildcard src/*/*.c))
OBJS    := $(SRCS:src/%.c=$(BUILD)/%.o)
MAIN_O  := $(BUILD)/main.o
TSRCS   := $(filter-out tests/check_one.c,$(sort $(wildcard tests/*.c)))
TOBJS   := $(TSRCS:tests/%.c=$(BUILD)/tests/%.o)
# The tests link the same sources built with -DPTLAB_TESTING (tiny I/O chunks
# drive the partial-read and partial-write paths).
TSOBJS  := $(SRCS:src/%.c=$(BUILD)/t/%.o)
POS     := $(wildcard po/*.po)
MOS     := $(POS:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/ptlab.mo)

.PHONY: all run test asan deps install uninstall clean format format-check pot bench check-deps \
	fuzz fuzz-build fuzz-regress tsan valgrind deps-check-build deps-check-tests

# What compiling needs installed, checked before the first compile (an
# order-only prerequisite, so it rebuilds nothing): a missing library stops
# the build with one line naming it and `make deps`, not a compiler error.
# deps, run and clean do not need them.
BUILD_DEPS := libjansson-dev gettext
TEST_DEPS  := check libsubunit-dev

deps-check-build:
	@scripts/deps.sh --check $(BUILD_DEPS)

deps-check-tests: deps-check-build
	@scripts/deps.sh --check $(TEST_DEPS)

all: ptlab

ptlab: $(BUILD)/ptlab
	ln -f $< $@

# The exec target comes with every ptlab (order-only: a new one relinks nothing).
$(BUILD)/ptlab: $(MAIN_O) $(OBJS) $(MOS) | $(BUILD)/ptlab-exec-target
	$(CC) $(ALL_CFLAGS) -o $@ $(MAIN_O) $(OBJS) $(LDLIBS)

# The program create's fork_exec and posix_spawn execute (src/exec_target.c):
# it exits at once. Linked statically and stripped where the C library has
# libc.a (libc6-dev), otherwise dynamically with no other library; never
# with the sanitizers. 0755: create executes only a file no one else can write.
$(BUILD)/ptlab-exec-target: src/exec_target.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -s -static -o $@ $< 2>/dev/null || \
		{ echo "ptlab-exec-target: no static C library here, linked dynamically" >&2; \
		  $(CC) -O2 -s -o $@ $<; }
	chmod 0755 $@

$(BUILD)/%.o: src/%.c | deps-check-build
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/t/%.o: src/%.c | deps-check-build
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPTLAB_TESTING -MMD -MP -c -o $@ $<

# The HTML shell is assembled into this object (.incbin): rebuild it when the shell changes.
$(BUILD)/report/html_template.o $(BUILD)/t/report/html_template.o: src/report/template.html

$(BUILD)/tests/%.o: tests/%.c | deps-check-tests
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DPTLAB_TESTING -DPTLAB_SRCDIR='"$(CURDIR)"' -MMD -MP -c -o $@ $<

$(BUILD)/tests/ptlab-tests: $(TOBJS) $(TSOBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $(TOBJS) $(TSOBJS) $(TEST_LDLIBS)

$(BUILD)/locale/%/LC_MESSAGES/ptlab.mo: po/%.po | deps-check-build
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# The tests run the real binary too (command line, exec probe): build both.
test: ptlab $(BUILD)/tests/ptlab-tests
	PTLAB_BIN=$(CURDIR)/ptlab $(BUILD)/tests/ptlab-tests

asan:
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		build/asan/ptlab build/asan/tests/ptlab-tests
	CK_TIMEOUT_MULTIPLIER=$${CK_TIMEOUT_MULTIPLIER:-3} ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		PTLAB_BIN=$(CURDIR)/build/asan/ptlab build/asan/tests/ptlab-tests

# The suites whose code runs threads that share memory, one at a time
# (CK_RUN_SUITE), under ThreadSanitizer. Left out: the single-threaded ones
# (`make asan` has them); create (its raw clone(CLONE_VM) children run
# instrumented code on their parent's TSan state and crash); procfs (it
# counts a child's threads, and TSan starts one of its own in every child);
# cli (it runs create through the binary). Every process logs to
# build/tsan/reports/SUITE.PID, even one whose exit status nobody reads: any
# such file fails. Deliberate races and TSan's gaps: tests/tsan.supp.
TSAN_SUITES := unit sampler runner channel ipc switch sync parallel memory isolation crash \
	httpd loadgen server
TSAN_OPTS   := suppressions=$(CURDIR)/tests/tsan.supp:halt_on_error=1:exitcode=66:second_deadlock_stack=1

tsan:
	$(MAKE) BUILD=build/tsan CFLAGS="-O1 -g -fsanitize=thread" build/tsan/ptlab build/tsan/tests/ptlab-tests
	@rm -rf build/tsan/reports && mkdir -p build/tsan/reports
	@for s in $(TSAN_SUITES); do \
		CK_RUN_SUITE=$$s TSAN_OPTIONS=$(TSAN_OPTS):log_path=$(CURDIR)/build/tsan/reports/$$s \
			PTLAB_BIN=$(CURDIR)/build/tsan/ptlab build/tsan/tests/ptlab-tests; rc=$$?; \
		if ls build/tsan/reports/$$s.* >/dev/null 2>&1; then cat build/tsan/reports/$$s.*; exit 1; fi; \
		[ $$rc = 0 ] || exit $$rc; \
	done

# memcheck on ptlab report (text, HTML, CSV, OpenMetrics) and compare, over a
# short run of the normal build: facts, ratios, lines, parts and the servers.
VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect

valgrind: ptlab
	@command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
	./ptlab run crash isolation create memory parallel sync server --set create.budget=20ms \
		--set create.extra=1MiB,64MiB --set server.duration=100ms --set server.poisons=1 \
		--set server.window=100ms --json build/valgrind-run.json >/dev/null
	$(VALGRIND) ./ptlab report build/valgrind-run.json >/dev/null
	$(VALGRIND) ./ptlab report build/valgrind-run.json --html build/valgrind.html \
		--csv build/valgrind.csv --openmetrics build/valgrind.prom >/dev/null
	$(VALGRIND) ./ptlab compare build/valgrind-run.json build/valgrind-run.json >/dev/null

deps check-deps:
	@scripts/deps.sh

run: deps
	$(MAKE) ptlab
	./ptlab

bench: ptlab
	bench/all.sh

pot:
	xgettext --language=C --keyword=_ --keyword=N_ --from-code=UTF-8 \
		--package-name=ptlab --package-version=$(VERSION) \
		-o po/ptlab.pot $(SRCS) src/main.c

install: ptlab
	install -D -m 0755 ptlab $(DESTDIR)$(BINDIR)/ptlab
	install -D -m 0755 $(BUILD)/ptlab-exec-target $(DESTDIR)$(LIBEXECDIR)/ptlab-exec-target
	install -D -m 0644 doc/ptlab.1 $(DESTDIR)$(MANDIR)/man1/ptlab.1
	for mo in $(MOS); do \
		lang=$$(basename $$(dirname $$(dirname $$mo))); \
		install -D -m 0644 $$mo $(DESTDIR)$(LOCALEDIR)/$$lang/LC_MESSAGES/ptlab.mo; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ptlab $(DESTDIR)$(MANDIR)/man1/ptlab.1 \
		$(DESTDIR)$(LIBEXECDIR)/ptlab-exec-target \
		$(POS:po/%.po=$(DESTDIR)$(LOCALEDIR)/%/LC_MESSAGES/ptlab.mo)

format:
	clang-format -i src/*.c src/*/*.c src/*/*.h tests/*.c tests/*.h fuzz/*.c

format-check:
	clang-format --dry-run --Werror src/*.c src/*/*.c src/*/*.h tests/*.c tests/*.h fuzz/*.c

# libFuzzer targets, one per fuzz/*.c (fuzz/README.md), built with clang,
# ASan and UBSan into build/fuzz/ (fuzz/deps.sh installs clang when root).
# `make fuzz` runs each for FUZZ_SECONDS in a working corpus seeded from
# fuzz/corpus/NAME, which it never writes to; any crash, leak, timeout or
# memory blow-up fails, and the input is left as build/fuzz/NAME-crash-*
# (-leak-, -timeout-, -oom-). `make -j2 fuzz` runs two targets at a time.
# `make fuzz-regress` only replays every committed input once (seconds).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := $(basename $(notdir $(wildcard fuzz/*.c)))
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=undefined -fsanitize-coverage-ignorelist=$(CURDIR)/fuzz/nocov.txt
FUZZ_ENV     := UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

fuzz-build:
	@fuzz/deps.sh
	$(MAKE) BUILD=build/fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" EXTRA_CFLAGS=-DPTLAB_FUZZ \
		LOCALEDIR=$(CURDIR)/build/fuzz/locale $(FUZZ_TARGETS:%=build/fuzz/fuzz-%)

# Inside that sub-make: the target's file linked with every object (main.o included).
$(BUILD)/fuzz-%: fuzz/%.c $(MAIN_O) $(OBJS) $(MOS)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(MAIN_O) $(OBJS) $(LDLIBS)

fuzz: $(FUZZ_TARGETS:%=fuzz-run-%)

fuzz-run-%: fuzz-build
	@mkdir -p build/fuzz/corpus-$*
	cp fuzz/corpus/$*/* build/fuzz/corpus-$*/
	$(FUZZ_ENV) build/fuzz/fuzz-$* -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build/fuzz/$*- \
		build/fuzz/corpus-$*

fuzz-regress: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz-regress: $$t: $$(ls fuzz/corpus/$$t | wc -l) inputs"; \
		$(FUZZ_ENV) build/fuzz/fuzz-$$t -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=build/fuzz/$$t- fuzz/corpus/$$t/* >build/fuzz/regress-$$t.log 2>&1 || \
			{ cat build/fuzz/regress-$$t.log; exit 1; }; \
	done

clean:
	rm -rf build ptlab

-include $(OBJS:.o=.d) $(TOBJS:.o=.d) $(TSOBJS:.o=.d) $(MAIN_O:.o=.d)
