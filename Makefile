# rig - test and calibration bench for motorized microneedling pens.
#
#   make                 build build/rig
#   make check           build and run the check suites
#   make bench           stroke measurement accuracy, throughput, memory
#   make check-render    every plot rendered by headless Chromium (installs it)
#   make check-trixie    make run, make check and the arm64 suites on Debian 13,
#                        amd64 and arm64 packages installed on clean roots
#   make check-trixie-extra   armhf package on a clean root, clang make check
#   make check SUITES='a b'   only the suites named (test_a.c, test_b.sh; c = all C)
#   make run             run the main job on the virtual bench
#   make check-calendar  make check and a run 400 days from now (faketime)
#   make faults          every fault in every phase: the fault matrix
#   make blind           the fifth capture generator's hunt, a table per limit of issue 13
#   make lot             the 200-pen lot: old and new production profile, no verdict lost
#   make killtest        SIGKILL `rig run` and ledger writers 200 times: no result lost;
#                        200 catchable signals: each run ends like an e-stop
#   make SANITIZE=1 check     suites under ASan + UBSan (own build folder)
#   make CROSS=aarch64-linux-gnu- check   cross build, suites under qemu
#   make fuzz [FUZZ_SECONDS=30]  libFuzzer targets (clang), each for N s
#   make valgrind        rig run on the virtual bench under valgrind
#   make deps            install the Debian packages this build needs
#   make install         PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc
#   make deb             Debian package (amd64 here; CROSS=... for arm64, armhf)
#
# Every target that compiles first runs rig/tools/deps.sh, which installs
# missing Debian packages (via sudo when not root) and says so.

PREFIX   ?= /usr/local
SYSCONFDIR ?= /etc
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
UNITDIR  ?= $(PREFIX)/lib/systemd/system
DATADIR  ?= $(PREFIX)/share
DESTDIR  ?=
CROSS    ?=
SANITIZE ?=
FUZZ     ?=
V        ?=

# FUZZ=1 (set by `make fuzz`): clang with libFuzzer's coverage and the
# sanitizers, in its own folder; the library is built fuzzer-no-link.
ifneq ($(FUZZ),)
  CC     := clang
  BUILD  ?= build-fuzz
endif
CC       := $(CROSS)$(if $(filter default,$(origin CC)),gcc,$(CC))
ifeq ($(CROSS),)
  BUILD  ?= build$(if $(SANITIZE),-san)
  PKG_CONFIG ?= pkg-config
  RUNNER :=
else
  TRIPLET := $(patsubst %-,%,$(CROSS))
  BUILD  ?= build-$(TRIPLET)$(if $(SANITIZE),-san)
  PKG_CONFIG ?= PKG_CONFIG_LIBDIR=/usr/lib/$(TRIPLET)/pkgconfig:/usr/share/pkgconfig pkg-config
  QEMU   := $(if $(findstring aarch64,$(CROSS)),qemu-aarch64,qemu-arm)
  RUNNER := $(QEMU) -L /usr/$(TRIPLET)
  # Under qemu-user a forked Check test that runs a program of its own can
  # hang; cross suites run their tests in-process instead.
  CHECK_ENV := CK_FORK=no
endif
# One spelling of every build folder inside the tree: the dependency files
# (-MMD) name their object as spelled here, and make takes build/x.o and
# /abs/tree/build/x.o for two files; a .d written under BUILD=/abs/tree/build
# (tests/hwemu/run) would leave the relative build's objects stale when a
# header changes (seen: stack smashing in test_hwemu).
override BUILD := $(patsubst $(CURDIR)/%,%,$(abspath $(BUILD)))
# .d files written before under the absolute spelling take the relative one.
ifeq ($(filter /%,$(BUILD)),)
  $(shell grep -rls --include='*.d' '^$(CURDIR)/$(BUILD)/' $(BUILD)/obj 2>/dev/null | \
    xargs -r sed -i 's|^$(CURDIR)/||')
endif

VERSION  := $(shell sh rig/tools/version.sh)
PKGS     := libserialport libgpiod inih nettle hogweed sqlite3
# Loaded at run time by the code that needs them (rig/core/dynlib.h), not
# linked: only their headers are used here. libpq alone maps some twenty
# libraries, 4.5 MiB of RSS in every command (docs/architecture.md);
# libhogweed maps libgmp.
DLOPEN_PKGS := sqlite3 hogweed
LINK_PKGS := $(filter-out $(DLOPEN_PKGS),$(PKGS))
# libpq: Debian's libpq-dev cannot be installed for two architectures at
# once, so a cross build takes the native headers (the API is the same);
# the target's libpq5 (multi-arch) is what dlopen finds at run time.
ifeq ($(CROSS),)
  PQ_CFLAGS = $(eval PQ_CFLAGS := $$(shell $$(PKG_CONFIG) --cflags libpq 2>/dev/null))$(PQ_CFLAGS)
else
  PQ_CFLAGS = -I/usr/include/postgresql
endif

# 64-bit file offsets on 32-bit targets (armhf): readdir() and stat() of
# files with 64-bit inode numbers or directory offsets would fail with
# EOVERFLOW otherwise. A no-op on 64-bit targets. (Not _TIME_BITS=64:
# bookworm's armhf libgpiod has a 32-bit struct timespec in its ABI.)
CPPFLAGS += -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Irig
CFLAGS   ?= -O2 -g
# -ffp-contract=off: no fused multiply-adds behind our back, so a
# measurement gives the same bits with gcc and clang, on x86 and on the Pi.
CFLAGS   += -ffp-contract=off
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -fno-common
# Hardening, always: stack canaries, PIE, full RELRO (GOT read-only after
# start-up, every symbol bound at load). _FORTIFY_SOURCE needs -O1 or more
# and is left out of sanitizer builds, whose checks are stricter and whose
# interceptors would be bypassed by the _chk variants.
CFLAGS   += -fstack-protector-strong -fPIE
LDFLAGS  += -pie -Wl,-z,relro,-z,now
ifneq ($(SANITIZE)$(FUZZ),)
  CFLAGS  += -fno-omit-frame-pointer -fno-sanitize-recover=all
else ifneq ($(filter -O -O1 -O2 -O3 -Os -Og -Ofast,$(CFLAGS)),)
  CPPFLAGS += -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
endif
ifneq ($(SANITIZE),)
  CFLAGS  += -fsanitize=address,undefined
  LDFLAGS += -fsanitize=address,undefined
endif
ifneq ($(FUZZ),)
  CFLAGS  += -fsanitize=fuzzer-no-link,address,undefined
  LDFLAGS += -fsanitize=address,undefined
endif
DEPS_OK  := $(BUILD)/.deps-ok
# libgpiod 1.x and 2.x have different APIs: rig/hal/gpio_gpiod.c speaks
# 1.x (Debian 12), gpio_gpiod2.c 2.x (Debian 13); each compiles to nothing
# unless RIG_GPIOD_MAJOR names its generation. Asked when compiling, so after
# deps.sh has installed the library on a fresh machine.
# Each of these flags is asked of pkg-config once, the first time a recipe
# uses it (VAR = $(eval VAR := ...)$(VAR)), not again for every object:
# make ran four pkg-configs before starting each compile, in its own
# process, while a core waited (make -n -B of every binary: 38 s at load
# 14, 1.6 s with this; docs/architecture.md, Tests).
GPIOD_MAJOR = $(eval GPIOD_MAJOR := $$(firstword $$(subst ., ,$$(shell $$(PKG_CONFIG) --modversion libgpiod 2>/dev/null))))$(GPIOD_MAJOR)
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell $$(PKG_CONFIG) --cflags $$(PKGS) 2>/dev/null) $$(PQ_CFLAGS) -DRIG_GPIOD_MAJOR=$$(or $$(GPIOD_MAJOR),0))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell $$(PKG_CONFIG) --libs $$(LINK_PKGS) 2>/dev/null) -lcsv -lm)$(PKG_LIBS)
CHECK_CFLAGS = $(eval CHECK_CFLAGS := $$(shell $$(PKG_CONFIG) --cflags check 2>/dev/null))$(CHECK_CFLAGS)
CHECK_LIBS   = $(eval CHECK_LIBS := $$(shell $$(PKG_CONFIG) --libs check 2>/dev/null))$(CHECK_LIBS)

LIB_SRCS  := $(filter-out rig/cli/main.c,$(shell find rig -name '*.c' | sort))
SCHEMA_SQL := $(sort $(wildcard rig/store/schema/*.sql))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/version.o \
             $(BUILD)/obj/store_migrations.o
MAIN_OBJ  := $(BUILD)/obj/rig/cli/main.o
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_SCRIPTS := $(sort $(wildcard tests/test_*.sh))
BENCH_BIN := $(BUILD)/bench/bench_measure

Q := $(if $(V),,@)

.PHONY: all check check-suites check-calendar check-render run deps install uninstall clean bench help deb faults blind killtest lot \
	fuzz fuzz-build valgrind hwemu check-trixie check-trixie-extra
# Keep test objects: they are intermediate files of the test binaries.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(BUILD)/rig

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

deps: $(DEPS_OK)

$(DEPS_OK):
	$(Q)sh rig/tools/deps.sh $(CROSS)
	$(Q)mkdir -p $(@D) && touch $@

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c -o $@ $<

# The measurement engine's per-stroke files at -O3 without gcc's
# straight-line vectorizer: -O3 unrolls their short fixed loops (the
# drift's sums, the 3x3 normal matrices), which -O2 leaves rolled; the SLP
# vectorizer paired the top fit's scalar sums into packed adds with more
# shuffles than adds. The same results to the bit: no reassociation of a
# sum without -ffast-math, no fused multiply-add (-ffp-contract=off).
# callgrind on the 10-minute capture of `make bench` 1251.7 -> 1161.3 M
# instructions (docs/measurement.md, "Throughput and memory"). Not all of
# rig/measure: that took 8 M more off and 100 KiB more text, whose pages
# raised `rig analyze`'s peak RSS by about 80 KiB, past 4 MiB in some
# runs; these four +26 KiB, the RSS as before. Only where the build is -O2
# (the default): a debug build's -O0 stays. Not in the sanitizer and
# fuzzer builds, which check the code, not its speed: there gcc 12 and 14
# at -O3 warn that result.c end_rate's use[] may be used unset
# (-Wmaybe-uninitialized: its memcpy copies all END_TREND_N entries, of
# which the n set are the ones read).
ifeq ($(SANITIZE)$(FUZZ),)
ifneq ($(filter -O2,$(CFLAGS)),)
$(addprefix $(BUILD)/obj/rig/measure/,fit.o drift.o tally.o numeric.o): \
	CFLAGS += -O3 -fno-tree-slp-vectorize
# fit.c's functions (the top fit's gathering, the stroke's) each on a
# 64-byte boundary: their loops then lie the same whatever the size of
# the code linked before them. Session 46: 80 bytes less code in drift.c
# moved them and cost 2.7 % of the CPU time of the 10-minute capture
# (101 interleaved runs); aligned, with the session's other cuts, 2-3 %
# less than main's (docs/measurement.md, "Throughput and memory"). +272
# bytes of text.
$(BUILD)/obj/rig/measure/fit.o: CFLAGS += -falign-functions=64
endif
endif

# The version lives in one generated file, rewritten only when `git
# describe` changes, so every object of a binary agrees on it.
$(BUILD)/version.c: FORCE | $(DEPS_OK)
	@mkdir -p $(@D)
	@printf '/* generated by the Makefile */\nconst char rig_version[] = "%s";\nconst char rig_sysconfdir[] = "%s";\n' '$(VERSION)' '$(SYSCONFDIR)/rig' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(BUILD)/obj/version.o: $(BUILD)/version.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

.PHONY: FORCE
FORCE:

# The results database's migrations, embedded in the binary.
$(BUILD)/store_migrations.c: $(SCHEMA_SQL) rig/store/schema/embed.sh | $(DEPS_OK)
	@mkdir -p $(@D)
	$(Q)sh rig/store/schema/embed.sh $@ $(SCHEMA_SQL)

$(BUILD)/obj/store_migrations.o: $(BUILD)/store_migrations.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Test sources find their helpers under tests/ and the tree through SRCDIR.
$(BUILD)/obj/tests/%.o: CPPFLAGS += -Itests -DSRCDIR='"$(CURDIR)"'

$(BUILD)/librig.a: $(LIB_OBJS)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

# The measurement engine's objects linked ahead of the archive, so that its
# code lies together after main's and `rig analyze` touches fewer pages of
# text: peak RSS on the 1-minute bench capture and two blind draws, 10
# alternating runs each, mean 3820-3834 -> 3708-3714 KiB (docs/measurement.md,
# "Throughput and memory"). The archive's copies of them are not pulled in
# again: every symbol they define is defined already.
MEASURE_OBJS := $(filter $(BUILD)/obj/rig/measure/%,$(LIB_OBJS))
$(BUILD)/rig: $(MAIN_OBJ) $(MEASURE_OBJS) $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TEST_SUPPORT_OBJS) $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

# Each suite runs on its own; a failing suite fails the target after all ran.
# A suite that exits 77 was skipped as a whole; cases skipped inside a suite
# are logged to RIG_SKIP_LOG (tests/support/testutil.h: tu_skip) and listed.
# The closing line counts suites: "check: N passed, N failed, N skipped".
# Suites run side by side under make -j (CI: make -j2 check), each in a
# target of its own (CHECK_OUT/<suite>.rc holds its exit status, .log its
# output, printed whole when it ends); without -j they run one by one.
CHECK_OUT := $(BUILD)/check
# tests/hwemu: the emulator is native; a cross build makes only what runs
# under qemu beside the rig (the shim preloaded into it, the HX711 probe).
# Defined before the rule: a rule's prerequisites are expanded as it is read.
HWEMU_BINS := $(BUILD)/hwemu/hwemu $(BUILD)/hwemu/gpio_shim.so $(BUILD)/hwemu/hx711_probe
HWEMU_GUEST_BINS := $(BUILD)/hwemu/gpio_shim.so $(BUILD)/hwemu/hx711_probe
# A suite still running after SUITE_TIMEOUT_S is stopped and fails, naming
# itself: a hang costs minutes, not a CI run (the slowest suite takes 45 s
# natively, about 300 s under qemu). Suites read no terminal (</dev/null).
SUITE_TIMEOUT_S ?= $(if $(CROSS),1500,600)
# Under qemu on Debian 12: every C suite, and the suites that compare a
# whole run's outputs byte for byte and column by column.
CROSS_QUICK := c golden report_scenarios report_columns
# The suites that keep real time (an emulated HX711 read by its clock,
# rig sim over ptys, two sockets' real-time runs) run one after another in
# one of make's job slots, from the start (CHECK_RT_CHAIN): beside them
# runs one other suite at a time, so a core stays free for their wake-ups.
# Beside two busy cores they skip more of their cases. At the end, alone,
# they kept one core idle for about 64 s (14 s of CPU; idle make check of
# 48efec5). Under qemu (CROSS) they still run alone, once the others have
# ended.
CHECK_ALONE := sim_pty hwemu sockets
# The suites that run the shipped fixtures/sim.ini take its bench lock
# (flock; a second run meanwhile ends "bench SIM-01 is in use", exit 75):
# they run one after another, beside the others. (A suite with its own
# copy of the fixture has its own lock: test_report_columns.) Found by
# holding that lock through make check: these failed, no other did.
CHECK_BENCH := analyze_captures handover_tty grr plot_layout unsteady verify_noisy golden \
  zero_target_studies exposure_readback sweep_preloads cli rate_settle hostile_text cmd_pen
# The longest suites start first, so that the two lanes of -j2 end
# together (make check on main 3607666 on the 2-core VM at load 10,
# 2026-12-01: these took 370 s down to 16 s each, the others 0-15 s).
# The bench suites follow the four longest: they run one after another
# (CHECK_BENCH), about 40-50 s in all, as one job (CHECK_BENCH_CHAIN):
# started among the short ones they ended the run alone, one lane idle
# for their last 20 s (idle make check of edfe570: plot_layout .. cmd_pen
# from 232 to 253 s, nothing beside them), and so did they listed after
# the four longest as single suites (e582c93: below).
# The suites that mostly wait (for runs in real time, a lock's holder, a
# pty, a faketime'd clock): 50 s of wall time for 11 s of CPU in the
# lead's idle make check of e582c93 (signals 22 s for 3.3 s of CPU, edges
# 10 for 1.9, faketime 6 for 1.1, station 4 for 2.0, pin_tty 4 for 2.5,
# zero_bound 2 for 0.5, lock 2 for 0.2). Natively (with -j) they run side
# by side, as one job of the list (CHECK_WAIT_GROUP): each in a make of
# its own, which runs its one suite in its own job slot. None takes the
# shipped bench's lock (CHECK_BENCH); each has its own folder, ptys and
# clock. Under qemu and the sanitizers (where they spend CPU, not wait)
# they run as the others do; without -j, one by one.
CHECK_WAIT := signals edges faketime station pin_tty zero_bound lock
CHECK_LONG := physics_captures blind_captures red_captures gen_identity $(CHECK_BENCH) $(CHECK_WAIT) \
  store_questions junit_outcomes store_sync units lot report_scenarios ledger_anchor stats_lot \
  records access
# make check SUITES='measure golden' runs only the suites named (without
# test_ and .c/.sh; `c` names every suite written in C), after building all
# of them. CI's Debian 12 cross steps run SUITES=$(CROSS_QUICK) under qemu.
ifneq ($(SUITES),)
  CHECK_BINS := $(filter $(if $(filter c,$(SUITES)),%,$(SUITES:%=$(BUILD)/tests/test_%)),$(TEST_BINS))
  CHECK_SCRIPTS := $(filter $(patsubst %,tests/test_%.sh,$(SUITES)),$(TEST_SCRIPTS))
  SUITES_UNKNOWN := $(filter-out c $(TEST_BINS:$(BUILD)/tests/test_%=%) $(TEST_SCRIPTS:tests/test_%.sh=%),$(SUITES))
  $(if $(SUITES_UNKNOWN),$(error SUITES: no suite named $(SUITES_UNKNOWN) (tests/test_NAME.c or .sh)))
else
  CHECK_BINS := $(TEST_BINS)
  CHECK_SCRIPTS := $(TEST_SCRIPTS)
endif
# suite_paths NAMES: the suites of those names among the ones to run, in
# the order named (a name can be a C suite and a shell suite: check).
suite_paths = $(foreach n,$(1),$(filter $(BUILD)/tests/test_$(n) tests/test_$(n).sh,$(CHECK_BINS) $(CHECK_SCRIPTS)))
CHECK_ALONE_PATHS := $(call suite_paths,$(CHECK_ALONE))
CHECK_SIDE_PATHS := $(call suite_paths,$(CHECK_LONG)) \
  $(filter-out $(CHECK_ALONE_PATHS) $(call suite_paths,$(CHECK_LONG)),$(CHECK_BINS) $(CHECK_SCRIPTS))
CHECK_ALL_PATHS := $(CHECK_SIDE_PATHS) $(CHECK_ALONE_PATHS)
CHECK_SIDE_RC := $(CHECK_SIDE_PATHS:%=$(CHECK_OUT)/%.rc)
CHECK_ALONE_RC := $(CHECK_ALONE_PATHS:%=$(CHECK_OUT)/%.rc)
CHECK_BENCH_RC := $(patsubst %,$(CHECK_OUT)/%.rc,$(call suite_paths,$(CHECK_BENCH)))
# The bench suites as one chain (CHECK_BENCH_CHAIN, below) in the place of
# the first of them among the side suites: make -j2 started the next of a
# chain held by order-only prerequisites only once it had gone through the
# whole list (idle make check of e582c93: analyze_captures ended at 185 s,
# handover_tty started at 283 s), so the chain ran last, alone, one lane
# idle for its 40 s.
CHECK_BENCH_CHAIN := $(if $(CHECK_BENCH_RC),$(CHECK_OUT)/.bench-chain)
CHECK_WAIT_RC := $(if $(CROSS)$(SANITIZE),,$(patsubst %,$(CHECK_OUT)/%.rc,$(call suite_paths,$(CHECK_WAIT))))
CHECK_WAIT_GROUP := $(if $(CHECK_WAIT_RC),$(CHECK_OUT)/.wait-group)
# in_unit_ RC,RCS,UNIT: RC itself, or UNIT for the first of RCS, or nothing
in_unit_ = $(if $(filter $(1),$(2)),$(if $(filter $(1),$(firstword $(2))),$(3)),$(1))
CHECK_SIDE_UNITS := $(foreach r,$(CHECK_SIDE_RC),$(call in_unit_,$(call \
  in_unit_,$(r),$(CHECK_BENCH_RC),$(CHECK_BENCH_CHAIN)),$(CHECK_WAIT_RC),$(CHECK_WAIT_GROUP)))
# Each alone suite waits for the alone one before it (under qemu, for every
# side suite too); each bench suite for the bench suite before it.
$(foreach r,$(CHECK_ALONE_RC),$(eval $(r): | $(if $(CROSS),$(CHECK_SIDE_UNITS)) $(check_prev))$(eval check_prev := $(r)))
check_prev :=
$(foreach r,$(CHECK_BENCH_RC),$(eval $(r): | $(check_prev))$(eval check_prev := $(r)))
# The real-time chain natively: one target, listed first, whose recipe is
# a make of the chain alone. It holds one job slot for the whole chain
# (make -j2 starts it, and in the other slot the side suites in order);
# as plain prerequisites of check-suites, make would start the next alone
# suite only after every side suite before it in the list had started.
CHECK_RT_CHAIN := $(if $(CROSS),,$(if $(CHECK_ALONE_RC),$(CHECK_OUT)/.realtime-chain))
.PHONY: $(CHECK_RT_CHAIN)
$(CHECK_RT_CHAIN):
	+$(Q)$(MAKE) --no-print-directory $(CHECK_ALONE_RC)
# The bench chain the same way: one job slot from its place in the list to
# its last suite, natively and under qemu.
.PHONY: $(CHECK_BENCH_CHAIN)
$(CHECK_BENCH_CHAIN):
	+$(Q)$(MAKE) --no-print-directory $(CHECK_BENCH_RC)
# The waiting suites side by side (CHECK_WAIT): a make for each, all
# started at once; each make runs its suite in the job slot every make has
# of its own, and the group holds one slot of the list until all ended.
.PHONY: $(CHECK_WAIT_GROUP)
$(CHECK_WAIT_GROUP):
	+$(Q)for r in $(CHECK_WAIT_RC); do \
	  $(MAKE) --no-print-directory $$r $(if $(findstring --jobserver,$(MAKEFLAGS)),&,;) done; wait

# The binaries first, then the suites in a make of their own (same -j):
# there, nothing is left to build, and make starts them in the order above.
check: $(BUILD)/rig $(TEST_BINS) $(if $(CROSS),$(HWEMU_GUEST_BINS),$(HWEMU_BINS))
	$(Q)$(MAKE) --no-print-directory check-suites

# (make check's second half; the suites' binaries must be built)
check-suites: $(CHECK_RT_CHAIN) $(CHECK_SIDE_UNITS) $(if $(CROSS),$(CHECK_ALONE_RC))
	$(Q)pass=0; fail=0; skip=0; failed=; \
	for t in $(CHECK_ALL_PATHS); do \
	  rc=$$(cat $(CHECK_OUT)/$$t.rc 2>/dev/null || echo none); \
	  case $$rc in 0) pass=$$((pass+1));; 77) skip=$$((skip+1));; \
	  124) fail=$$((fail+1)); echo "check: FAILED: $$t (still running after $(SUITE_TIMEOUT_S) s: stopped)";; \
	  *) fail=$$((fail+1)); echo "check: FAILED: $$t (exit $$rc)";; esac; \
	  case $$rc in 0|77) ;; *) failed="$$failed $$t";; esac; \
	done; \
	for t in $$failed; do \
	  echo "check: $$t failed; its failing lines and the end of its output (whole: $(CHECK_OUT)/$$t.log):"; \
	  grep -E '^not ok|:[FE]:|FAIL|rror' $(CHECK_OUT)/$$t.log 2>/dev/null | head -n 20 | sed 's/^/  | /'; \
	  echo "  | ..."; tail -n 15 $(CHECK_OUT)/$$t.log 2>/dev/null | sed 's/^/  | /'; \
	done; \
	skips=$$(for t in $(CHECK_ALL_PATHS); do cat $(CHECK_OUT)/$$t.skips 2>/dev/null; done); \
	if [ -n "$$skips" ]; then \
	  echo "check: test cases skipped inside suites (not counted as passed):"; \
	  printf '%s\n' "$$skips" | awk -F'\t' '{ n += $$2; printf "  %s: %s case(s): %s\n", $$1, $$2, $$3 } END { print "  " n " case(s) in all" }'; \
	fi; \
	awk '{ w += $$1; c += $$2 } END { printf "check: the suites took %d s of wall time and %.0f s of CPU in all\n", w, c }' \
	  $(foreach t,$(CHECK_ALL_PATHS),$(CHECK_OUT)/$(t).time); \
	echo "check: $$pass passed, $$fail failed, $$skip skipped"; \
	[ $$fail -eq 0 ]

# One suite: its output kept and printed whole when it ends (one suite's
# lines never mixed with another's), its status in .rc, its wall time and
# CPU time (its own and its children's, from the shell's times) in .time.
# A shell suite that calls a command its shell cannot find (a helper
# called above the line that defines it: the shell prints "SUITE: LINE:
# NAME: not found" and goes on) fails though its own checks passed: the
# case it meant to run never ran.
# (Phony, not FORCE'd: make would start a FORCE'd first suite last.)
.PHONY: $(CHECK_SIDE_RC) $(CHECK_ALONE_RC)
$(CHECK_SIDE_RC) $(CHECK_ALONE_RC): $(CHECK_OUT)/%.rc:
	@mkdir -p $(@D); rm -f $@ $(@:.rc=.skips); t0=$$(date +%s); \
	( RIG_SKIP_LOG=$(CURDIR)/$(@:.rc=.skips) RIG_BIN=$(BUILD)/rig RIG_RUNNER="$(RUNNER)" \
	    timeout -k 10 $(SUITE_TIMEOUT_S) $(if $(filter %.sh,$*),sh $*,env $(CHECK_ENV) $(RUNNER) $*) </dev/null; \
	  echo $$? >$@.new; times >$(@:.rc=.times) ) >$(@:.rc=.log) 2>&1; \
	$(if $(filter %.sh,$*),if grep -Eq '^$*: (line )?[0-9]+: .*not found$$' $(@:.rc=.log); then \
	  echo "$*: FAIL: a command the suite calls was not found (a case that never ran):" >>$(@:.rc=.log); \
	  grep -E '^$*: (line )?[0-9]+: .*not found$$' $(@:.rc=.log) | head -n 5 >>$(@:.rc=.log); echo 1 >$@.new; fi;) \
	w=$$(( $$(date +%s) - t0 )); \
	c=$$(awk 'NR == 2 { n = 0; for (i = 1; i <= 2; i++) { split($$i, a, /[ms]/); n += a[1] * 60 + a[2] } printf "%.1f", n }' $(@:.rc=.times)); \
	echo "$$w $$c" >$(@:.rc=.time); \
	{ echo "== $*"; cat $(@:.rc=.log); echo "== $*: $$w s (CPU $$c s)"; } >$(@:.rc=.out); \
	flock $(CHECK_OUT)/.print cat $(@:.rc=.out); mv $@.new $@

# make check-trixie: on Debian 13 (trixie, today's Raspberry Pi OS base), in
# a root built by mmdebstrap and cached in /var/cache/rig-trixie (not touched
# by make clean; RIG_TRIXIE_CACHE moves it), from a clean clone of HEAD:
# make run, make check, the arm64 cross build's suites under qemu, and the
# amd64 and arm64 packages installed on clean Debian 13 roots.
# Needs root (chroot, mounts). docs/ci.md has its step times.
check-trixie:
	$(Q)sh rig/tools/deps.sh --tools mmdebstrap:mmdebstrap
	$(Q)sh rig/tools/check-trixie.sh core

# make check-trixie-extra: in the same root, the armhf package built and
# installed on a clean armhf root under qemu, and make CC=clang check.
check-trixie-extra:
	$(Q)sh rig/tools/deps.sh --tools mmdebstrap:mmdebstrap
	$(Q)sh rig/tools/check-trixie.sh extra

# make check-calendar: the suites and a production run on the virtual bench
# with the clock 400 days ahead (libfaketime): the default bench must not
# expire with the calendar, and no test may depend on today's date.
check-calendar: $(BUILD)/rig
	$(Q)sh rig/tools/deps.sh --tools faketime:faketime
	faketime -f '+400d' $(MAKE) --no-print-directory check
	rm -rf $(BUILD)/calendar && faketime -f '+400d' $(RUNNER) $(BUILD)/rig run \
	  --fixture fixtures/sim.ini --out $(BUILD)/calendar/reports

# make check-render: the plots rendered by headless Chromium, each screenshot
# checked not blank. Chromium is heavy, so it is installed for this target
# only and kept out of `make check`.
check-render: $(BUILD)/rig
	$(Q)sh rig/tools/deps-render.sh
	$(Q)RIG_BIN=$(BUILD)/rig sh tests/render_svgs.sh

# make bench: accuracy of the stroke engine against ground truth, and
# throughput / peak memory of `rig analyze` on 1- and 10-minute captures.
# Figures are printed, never asserted; not part of `make check`.
# The benchmark needs only the capture generator of the test helpers.
$(BENCH_BIN): $(BUILD)/obj/tests/bench/bench_measure.o $(BUILD)/obj/tests/support/capgen.o \
		$(BUILD)/obj/tests/support/simcap.o $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/obj/tests/bench/%.o: CPPFLAGS += -Itests

# Peak RSS is GNU time's (tests/bench/bench_measure.c says why).
bench: $(BUILD)/rig $(BENCH_BIN)
	$(Q)sh rig/tools/deps.sh --tools /usr/bin/time:time
	$(RUNNER) $(BENCH_BIN) --rig $(BUILD)/rig $(BENCH_ARGS)
	RIG_BIN=$(BUILD)/rig sh tests/bench/line_rate.sh

# make faults: the fault matrix (tests/faults/fault_matrix.c), every fault
# of the virtual bench in every phase, each a whole run; not in `make check`
# (tests/test_faults.c runs a few representative rows there).
FAULTS_BIN := $(BUILD)/tests/faults/fault_matrix
$(FAULTS_BIN): $(BUILD)/obj/tests/faults/fault_matrix.o $(TEST_SUPPORT_OBJS) $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

faults: $(FAULTS_BIN)
	$(RUNNER) $(FAULTS_BIN) $(FAULTS_ARGS)

# make blind [BLIND_N=20 BLIND_SEED=2026]: the fifth generator's hunt
# (tests/gen/blind_hunt.py): N captures per kind and sample rate from
# tests/gen/blind_capture.py, each limit of issue 13 checked and tabled,
# every wrong-and-sure record listed with the command that re-makes it.
# Not in `make check` (tests/test_blind_captures.sh runs a few cases).
blind: $(BUILD)/rig
	nice python3 tests/gen/blind_hunt.py $(BUILD)/rig $(or $(BLIND_N),20) $(or $(BLIND_SEED),2026) --jobs 2

# make check-db: the results database under chaos and load (tests/db/load.sh):
# 8 stations x 250 runs synced through a connection-breaking proxy while the
# database restarts twice; then query times over 100 000 generated runs.
# Figures printed; the exactly-once checks fail the target. Not in `make
# check` (tests/test_store_sync.sh is its short version there).
check-db: $(BUILD)/rig
	RIG_BIN=$(BUILD)/rig RIG_RUNNER="$(RUNNER)" sh tests/db/load.sh

# make killtest: tests/test_kill.c with 200 SIGKILLs instead of make check's
# 20, and tests/test_signals.c with 200 catchable signals (SIGINT, SIGTERM,
# SIGHUP, SIGQUIT, SIGPIPE; 160 on the virtual bench, 40 over ptys to `rig
# sim` in real time) instead of 10: each must end like an e-stop.
# make lot: the no-loss proof of issue 19 at full size (tests/test_lot.sh;
# `make check` runs it with 24 pens).
lot: $(BUILD)/rig
	RIG_LOT_PENS=$(or $(PENS),200) RIG_BIN=$(BUILD)/rig RIG_RUNNER="$(RUNNER)" sh tests/test_lot.sh

killtest: $(BUILD)/rig $(BUILD)/tests/test_kill $(BUILD)/tests/test_records_kill \
	  $(BUILD)/tests/test_signals
	RIG_KILLS=$(or $(KILLS),200) RIG_BIN=$(BUILD)/rig RIG_RUNNER="$(RUNNER)" $(RUNNER) $(BUILD)/tests/test_kill
	RIG_KILLS=$(or $(KILLS),200) RIG_RUNNER="$(RUNNER)" $(RUNNER) $(BUILD)/tests/test_records_kill
	RIG_SIGNALS=$(or $(SIGNALS),200) RIG_BIN=$(BUILD)/rig RIG_RUNNER="$(RUNNER)" $(RUNNER) $(BUILD)/tests/test_signals

# make fuzz: every libFuzzer target in tests/fuzz/fuzz_<target>.c runs for
# FUZZ_SECONDS from its seed corpus tests/fuzz/<target>/ (new inputs go to
# build-fuzz/corpus/<target>/, crashes to build-fuzz/crashes/). Needs clang
# and libclang-rt-14-dev (deps.sh fuzz); not part of `make check`.
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/obj/tests/fuzz/%.o: CPPFLAGS += -Itests/fuzz

$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

ifeq ($(FUZZ),)
fuzz fuzz-build:
	$(Q)sh rig/tools/deps.sh fuzz
	$(Q)$(MAKE) --no-print-directory FUZZ=1 $@
else
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	$(Q)for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/corpus/$$t $(BUILD)/crashes/$$t; \
	  $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -artifact_prefix=$(BUILD)/crashes/$$t/ $(BUILD)/corpus/$$t tests/fuzz/$$t \
	    > $(BUILD)/fuzz-$$t.log 2>&1; rc=$$?; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD)/fuzz-$$t.log); \
	  cov=$$(grep -o 'cov: [0-9]*' $(BUILD)/fuzz-$$t.log | tail -1); \
	  ft=$$(grep -o 'ft: [0-9]*' $(BUILD)/fuzz-$$t.log | tail -1); \
	  printf '%-12s %10s execs  %-10s %-10s %s\n' $$t "$$execs" "$$cov" "$$ft" \
	    "$$([ $$rc = 0 ] && echo ok || echo "FAILED (rc $$rc, see $(BUILD)/fuzz-$$t.log)")"; \
	  [ $$rc = 0 ] || fail=1; \
	done; exit $${fail:-0}
endif

# tests/hwemu/run: the real libgpiod and libserialport against emulated
# devices (umockdev and a GPIO uAPI shim), wired to the virtual bench.
# (HWEMU_BINS, HWEMU_GUEST_BINS: above the check rule.)
UMOCKDEV_CFLAGS = $(shell $(PKG_CONFIG) --cflags umockdev-1.0 2>/dev/null)
UMOCKDEV_LIBS = $(shell $(PKG_CONFIG) --libs umockdev-1.0 2>/dev/null)
$(BUILD)/obj/tests/hwemu/%.o: CPPFLAGS += -Itests/hwemu
$(BUILD)/obj/tests/hwemu/%.o: CFLAGS += $(UMOCKDEV_CFLAGS)

$(BUILD)/hwemu/hwemu: $(BUILD)/obj/tests/hwemu/hwemu.o $(BUILD)/obj/tests/hwemu/hwemu_gpio.o $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(UMOCKDEV_LIBS)

$(BUILD)/hwemu/hx711_probe: $(BUILD)/obj/tests/hwemu/hx711_probe.o $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/hwemu/gpio_shim.so: tests/hwemu/gpio_shim.c tests/hwemu/wire.h | $(DEPS_OK)
	$(if $(Q),@echo "  CC      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

hwemu: $(HWEMU_BINS)

run: $(BUILD)/rig
	$(RUNNER) $(BUILD)/rig run --fixture fixtures/sim.ini

# make valgrind: a whole production run (calibrate + verify, report and
# JUnit) on the virtual bench under memcheck: any error or definite leak
# fails. Native builds only (valgrind does not run under qemu-user).
VALGRIND_OUT := $(BUILD)/valgrind
valgrind: $(BUILD)/rig
	$(Q)sh rig/tools/deps.sh valgrind
	$(Q)rm -rf $(VALGRIND_OUT) && mkdir -p $(VALGRIND_OUT)
	valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
	  --errors-for-leak-kinds=definite --track-origins=yes --log-file=$(VALGRIND_OUT)/memcheck.log \
	  $(BUILD)/rig run --fixture fixtures/sim.ini --out $(VALGRIND_OUT)/reports \
	  --junit $(VALGRIND_OUT)/junit.xml; rc=$$?; \
	grep -E 'ERROR SUMMARY|definitely lost|in use at exit' $(VALGRIND_OUT)/memcheck.log; \
	if [ $$rc -eq 99 ]; then echo "valgrind: errors, see $(VALGRIND_OUT)/memcheck.log"; exit 1; fi; \
	if [ $$rc -ne 0 ]; then echo "valgrind: rig run exited $$rc"; exit 1; fi; \
	echo "valgrind: clean"

# Files under SYSCONFDIR are the bench's: installed once, never
# overwritten (the installed sim.ini takes its lock under /run/lock, since
# /etc is not writable for the station's user).
ETC_RIG := $(DESTDIR)$(SYSCONFDIR)/rig
install: $(BUILD)/rig
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(UNITDIR) \
	  $(ETC_RIG)/fixtures $(ETC_RIG)/profiles $(DESTDIR)$(SYSCONFDIR)/udev/rules.d \
	  $(DESTDIR)$(SYSCONFDIR)/default $(DESTDIR)$(DATADIR)/rig
	install -m 755 $(BUILD)/rig $(DESTDIR)$(BINDIR)/rig
	install -m 644 docs/rig.1 $(DESTDIR)$(MANDIR)/man1/rig.1
	sed 's|^sysconfdir=/etc$$|sysconfdir=$(SYSCONFDIR)|' rig/tools/pad-ring-bound.sh \
	  > $(DESTDIR)$(DATADIR)/rig/pad-ring-bound.sh
	chmod 755 $(DESTDIR)$(DATADIR)/rig/pad-ring-bound.sh
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	  rig/dist/rig-station.service.in > $(DESTDIR)$(UNITDIR)/rig-station.service
	chmod 644 $(DESTDIR)$(UNITDIR)/rig-station.service
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	  rig/dist/rig-sync.service.in > $(DESTDIR)$(UNITDIR)/rig-sync.service
	chmod 644 $(DESTDIR)$(UNITDIR)/rig-sync.service
	@set -e; keep() { if [ -e "$$2" ]; then echo "  kept $$2"; else install -m 644 "$$1" "$$2"; fi; }; \
	  keep fixtures/pi-bench.ini $(ETC_RIG)/fixtures/pi-bench.ini; \
	  sed 's|^lock = .*|lock = /run/lock/rig-sim-bench.lock  ; flock(2) taken for the length of a run|' \
	    fixtures/sim.ini > $(BUILD)/sim.ini.installed; \
	  keep $(BUILD)/sim.ini.installed $(ETC_RIG)/fixtures/sim.ini; \
	  for p in profiles/*.ini; do keep $$p $(ETC_RIG)/profiles/$${p#profiles/}; done; \
	  keep rig/dist/60-rig.rules $(DESTDIR)$(SYSCONFDIR)/udev/rules.d/60-rig.rules; \
	  keep rig/dist/default.rig $(DESTDIR)$(SYSCONFDIR)/default/rig

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/rig $(DESTDIR)$(MANDIR)/man1/rig.1 \
	  $(DESTDIR)$(UNITDIR)/rig-station.service $(DESTDIR)$(UNITDIR)/rig-sync.service \
	  $(DESTDIR)$(DATADIR)/rig/pad-ring-bound.sh
	rmdir $(DESTDIR)$(DATADIR)/rig 2>/dev/null || true
	@echo "kept $(SYSCONFDIR)/rig, $(SYSCONFDIR)/udev/rules.d/60-rig.rules and $(SYSCONFDIR)/default/rig (the bench's settings)"

# make deb: a Debian package of this build (native architecture, or the
# CROSS one), in $(BUILD)/. Installs dpkg-dev and lintian if missing.
# RIG_DEB_MAINTAINER="Name <mail>" (here or in the environment): who answers
# for the package; without it, an unreleased build (docs/station.md).
export RIG_DEB_MAINTAINER
DEB_ARCH := $(if $(CROSS),$(if $(findstring aarch64,$(CROSS)),arm64,armhf),$(shell dpkg --print-architecture 2>/dev/null))
deb: $(BUILD)/rig
	$(Q)sh rig/tools/deps.sh --tools dpkg-shlibdeps:dpkg-dev lintian:lintian
	$(Q)sh rig/tools/mkdeb.sh "$(BUILD)" "$(DEB_ARCH)" "$(VERSION)" "$(CROSS)"

clean:
	rm -rf build build-*

-include $(BUILD)/obj/tests/bench/bench_measure.d $(BUILD)/obj/tests/faults/fault_matrix.d

-include $(BUILD)/obj/tests/bench/bench_measure.d
-include $(FUZZ_TARGETS:%=$(BUILD)/obj/tests/fuzz/fuzz_%.d)
-include $(patsubst %,$(BUILD)/obj/tests/hwemu/%.d,hwemu hwemu_gpio hx711_probe)
-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SRCS:%.c=$(BUILD)/obj/%.d) $(TEST_SUPPORT_OBJS:.o=.d)
