# rig - test and calibration bench for motorized microneedling pens.
#
#   make                 build build/rig
#   make check           build and run the check suites
#   make bench           stroke measurement accuracy, throughput, memory
#   make run             run the main job on the virtual bench
#   make SANITIZE=1 check     suites under ASan + UBSan (own build folder)
#   make CROSS=aarch64-linux-gnu- check   cross build, suites under qemu
#   make deps            install the Debian packages this build needs
#   make install         PREFIX=/usr/local DESTDIR=
#
# Every target that compiles first runs rig/tools/deps.sh, which installs
# missing Debian packages (via sudo when not root) and says so.

PREFIX   ?= /usr/local
DESTDIR  ?=
CROSS    ?=
SANITIZE ?=
V        ?=

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

VERSION  := $(shell git describe --always --dirty --tags 2>/dev/null || echo 0.1.0)
PKGS     := libserialport libgpiod inih nettle

CPPFLAGS += -D_GNU_SOURCE -DRIG_VERSION='"$(VERSION)"' -Irig
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -fno-common
ifneq ($(SANITIZE),)
  CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
endif
DEPS_OK  := $(BUILD)/.deps-ok
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lcsv -lm
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

LIB_SRCS  := $(filter-out rig/cli/main.c,$(shell find rig -name '*.c' | sort))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
MAIN_OBJ  := $(BUILD)/obj/rig/cli/main.o
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT_SRCS := $(sort $(wildcard tests/support/*.c))
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_SCRIPTS := $(sort $(wildcard tests/test_*.sh))
BENCH_BIN := $(BUILD)/bench/bench_measure

Q := $(if $(V),,@)

.PHONY: all check run deps install uninstall clean bench help
# Keep test objects: they are intermediate files of the test binaries.
.SECONDARY:
.DEFAULT_GOAL := all

all: $(BUILD)/rig

help:
	@sed -n '2,14p' Makefile | sed 's/^# \{0,1\}//'

deps: $(DEPS_OK)

$(DEPS_OK):
	$(Q)sh rig/tools/deps.sh $(CROSS)
	$(Q)mkdir -p $(@D) && touch $@

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) $(CHECK_CFLAGS) -MMD -MP -c -o $@ $<

# Test sources find their helpers under tests/ and the tree through SRCDIR.
$(BUILD)/obj/tests/%.o: CPPFLAGS += -Itests -DSRCDIR='"$(CURDIR)"'

$(BUILD)/librig.a: $(LIB_OBJS)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && $(CROSS)ar rcs $@ $^

$(BUILD)/rig: $(MAIN_OBJ) $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TEST_SUPPORT_OBJS) $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

# Each suite runs on its own; a failing suite fails the target after all ran.
check: $(BUILD)/rig $(TEST_BINS)
	$(Q)fail=0; for t in $(TEST_BINS); do \
	  echo "== $$t"; \
	  $(CHECK_ENV) RIG_BIN=$(BUILD)/rig RIG_RUNNER="$(RUNNER)" $(RUNNER) $$t || fail=$$((fail+1)); \
	done; \
	for t in $(TEST_SCRIPTS); do \
	  echo "== $$t"; \
	  RIG_BIN=$(BUILD)/rig RIG_RUNNER="$(RUNNER)" sh $$t || fail=$$((fail+1)); \
	done; \
	if [ $$fail -ne 0 ]; then echo "check: $$fail suite(s) failed"; exit 1; fi; \
	echo "check: all $(words $(TEST_BINS) $(TEST_SCRIPTS)) suites passed"

# make bench: accuracy of the stroke engine against ground truth, and
# throughput / peak memory of `rig analyze` on 1- and 10-minute captures.
# Figures are printed, never asserted; not part of `make check`.
$(BENCH_BIN): $(BUILD)/obj/tests/bench/bench_measure.o $(TEST_SUPPORT_OBJS) $(BUILD)/librig.a
	$(if $(Q),@echo "  LD      $@")
	@mkdir -p $(@D)
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/obj/tests/bench/%.o: CPPFLAGS += -Itests

bench: $(BUILD)/rig $(BENCH_BIN)
	$(RUNNER) $(BENCH_BIN) --rig $(BUILD)/rig $(BENCH_ARGS)

run: $(BUILD)/rig
	$(RUNNER) $(BUILD)/rig run --fixture fixtures/sim.ini

install: $(BUILD)/rig
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/rig $(DESTDIR)$(PREFIX)/bin/rig

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/rig

clean:
	rm -rf build build-*

-include $(BUILD)/obj/tests/bench/bench_measure.d
-include $(LIB_OBJS:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_SRCS:%.c=$(BUILD)/obj/%.d) $(TEST_SUPPORT_OBJS:.o=.d)
