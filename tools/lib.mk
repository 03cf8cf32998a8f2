# tools/lib.mk -- build one tangled tree: its libraries, tests and examples.
#
# The top-level Makefile calls this once per tree: the committed src/ (into
# build/), a chapter prefix (build/prefix/NN/src into build/prefix/NN), or a
# learner's exercise (build/ex/N.M/src into build/ex/N.M).
#
#   make -f tools/lib.mk SRC=src OUT=build lib
#   make -f tools/lib.mk SRC=src OUT=build TEST_CHAPTERS="02-evutil 05-events" tests
#   make -f tools/lib.mk SRC=src OUT=build examples

SRC ?= src
OUT ?= build
TEST_CHAPTERS ?=
WARNINGS ?= -Wall -Wextra -Werror
OPT ?= -O2
SANITIZE ?=
# Read before any include changes MAKEFILE_LIST: the tests' harness, beside tools/.
HARNESS := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))../tests/harness)
EXPORTS_SH := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))/exports.sh

# -fno-semantic-interposition: a call from the library to a function it
# defines in the same file may be inlined, although the function is exported
# (chapter 4 measured what that is worth in the loop).
CFLAGS := -std=gnu11 -D_GNU_SOURCE -g $(OPT) $(WARNINGS) -fPIC -fno-semantic-interposition -pthread
LDFLAGS :=
ifneq ($(SANITIZE),)
CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=$(SANITIZE)
endif
INCLUDES := -I$(SRC)/include -I$(SRC)

# Which library a source file belongs to is decided by its name, as in
# libevent: the pthreads glue, the OpenSSL glue, and the "extra" protocols
# each get their own library; everything else is the core.
ALL_C      := $(sort $(wildcard $(SRC)/*.c))
PTHREADS_C := $(filter $(SRC)/evthread_pthread.c,$(ALL_C))
OPENSSL_C  := $(filter $(SRC)/bufferevent_openssl.c $(SRC)/bufferevent_openssl_%.c,$(ALL_C))
EXTRA_C    := $(filter $(SRC)/evdns.c $(SRC)/evdns_%.c,$(ALL_C))
CORE_C     := $(filter-out $(PTHREADS_C) $(OPENSSL_C) $(EXTRA_C),$(ALL_C))

objects = $(patsubst $(SRC)/%.c,$(OUT)/obj/%.o,$(1))

LIBDIR := $(OUT)/lib
SOVERSION := 2.1.so.7

# What the shared libraries export: the public API and the few internals
# one litevent library calls in another (tools/exports.sh says why).  The
# static archives keep every name, for the tests that call internals.
EXPORTS_MAP := $(OUT)/obj/exports.map
$(EXPORTS_MAP): $(EXPORTS_SH) $(call objects,$(ALL_C)) $(wildcard $(SRC)/include/*.h $(SRC)/include/event2/*.h)
	$(EXPORTS_SH) $(SRC) "$(call objects,$(CORE_C))" "$(call objects,$(EXTRA_C) $(OPENSSL_C) $(PTHREADS_C))" >$@.tmp
	mv $@.tmp $@

# libevent = core + extra, as in libevent 2.1.
STATIC_LIBS :=
SHARED_LIBS :=
define library
STATIC_LIBS += $(LIBDIR)/lib$(1).a
SHARED_LIBS += $(LIBDIR)/lib$(1).so
$(LIBDIR)/lib$(1).a: $(call objects,$(2))
	@mkdir -p $$(@D)
	@rm -f $$@
	ar rcs $$@ $$^
$(LIBDIR)/lib$(1)-$(SOVERSION): $(call objects,$(2)) $(4) $(EXPORTS_MAP)
	@mkdir -p $$(@D)
	$$(CC) -shared -Wl,-soname,lib$(1)-$(SOVERSION) -Wl,--version-script=$(EXPORTS_MAP) $(LDFLAGS) \
		-o $$@ $(call objects,$(2)) $(3)
$(LIBDIR)/lib$(1).so: $(LIBDIR)/lib$(1)-$(SOVERSION)
	ln -sf lib$(1)-$(SOVERSION) $$@
endef

ifneq ($(CORE_C),)
$(eval $(call library,event_core,$(CORE_C),-pthread))
$(eval $(call library,event,$(CORE_C) $(EXTRA_C),-pthread))
endif
ifneq ($(EXTRA_C),)
$(eval $(call library,event_extra,$(EXTRA_C),-L$(LIBDIR) -levent_core,$(LIBDIR)/libevent_core.so))
endif
ifneq ($(PTHREADS_C),)
$(eval $(call library,event_pthreads,$(PTHREADS_C),-L$(LIBDIR) -levent_core -pthread,$(LIBDIR)/libevent_core.so))
endif
ifneq ($(OPENSSL_C),)
$(eval $(call library,event_openssl,$(OPENSSL_C),-L$(LIBDIR) -levent_core -lssl -lcrypto,$(LIBDIR)/libevent_core.so))
endif

.PHONY: lib tests examples
lib: $(STATIC_LIBS) $(SHARED_LIBS)

$(OUT)/obj/%.o: $(SRC)/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(INCLUDES) -MMD -MP -c -o $@ $<

-include $(wildcard $(OUT)/obj/*.d)

# Programs link statically, glue libraries first, so that a test binary runs
# from the build tree with no LD_LIBRARY_PATH.
LINK_LIBS := $(filter %/libevent_openssl.a %/libevent_pthreads.a,$(STATIC_LIBS)) \
	$(filter %/libevent.a,$(STATIC_LIBS))
SYS_LIBS := -lssl -lcrypto -pthread -lm

# Tests: tests/NN-slug/test_*.c, each one program; the chapter's other .c
# files are helpers linked into each of its tests.  Test files compile to
# objects of their own, so a library rebuilt after a one-line change (the
# exercise runner's loop) relinks the tests instead of compiling them again.
TEST_SRCS := $(foreach c,$(TEST_CHAPTERS),$(sort $(wildcard tests/$(c)/test_*.c)))
# tests/alloc and tests/fdlimit hold one file per chapter, test_*_NN.c: a
# tree tangled up to chapter UPTO (a prefix) leaves out the later ones.
UPTO ?=
ifneq ($(UPTO),)
chapter_of = $(lastword $(subst _, ,$(basename $(notdir $(1)))))
later_than_upto = $(shell [ "$(call chapter_of,$(1))" -gt "$(UPTO)" ] 2>/dev/null && echo $(1))
TEST_SRCS := $(filter-out $(foreach f,$(TEST_SRCS),$(call later_than_upto,$(f))),$(TEST_SRCS))
endif
TEST_BINS := $(patsubst tests/%.c,$(OUT)/tests/%,$(TEST_SRCS))
test_helpers = $(filter-out tests/$(1)/test_%.c,$(wildcard tests/$(1)/*.c))
helper_objects = $(patsubst tests/%.c,$(OUT)/tests/%.o,$(call test_helpers,$(1)))

# Fuzz targets (tests/fuzz/fuzz_NAME.c, CONTRACTS.md §4).  "fuzz" in
# TEST_CHAPTERS builds each active target with tests/fuzz/replay.c as its
# main, a cmocka program that replays tests/fuzz/corpus/NAME/.  `make fuzz`
# builds the same targets with clang's libFuzzer instead (the fuzzers goal).
FUZZ_TARGETS ?= $(shell tools/fuzz-targets.sh $(UPTO))
ifneq ($(filter fuzz,$(TEST_CHAPTERS)),)
TEST_BINS += $(patsubst %,$(OUT)/tests/fuzz/test_fuzz_%,$(FUZZ_TARGETS))
endif

tests: $(TEST_BINS)

# Every test binary also gets the harness ($(HARNESS), found from this
# file's own place so that the tangler's fixture books use it too):
# readable_values.h is included ahead of each test, so integer assertions
# print -1, not 0xffffffffffffffff; watchdog.c sits between main() and
# cmocka's runner (--wrap) and gives each test a time limit when the
# exercise runner asks.
HARNESS_FLAGS := -include $(HARNESS)/readable_values.h
HARNESS_OBJ := $(OUT)/harness/watchdog.o
HARNESS_LINK := $(HARNESS_OBJ) -Wl,--wrap=_cmocka_run_group_tests

$(HARNESS_OBJ): $(HARNESS)/watchdog.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

$(OUT)/tests/%.o: tests/%.c $(wildcard tests/*/*.h) $(HARNESS)/readable_values.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(INCLUDES) $(HARNESS_FLAGS) -MMD -MP -c -o $@ $<

-include $(wildcard $(OUT)/tests/*/*.d)
.SECONDARY: $(patsubst tests/%.c,$(OUT)/tests/%.o,$(TEST_SRCS))

define chapter_tests
$(filter $(OUT)/tests/$(1)/%,$(TEST_BINS)): $(OUT)/tests/%: $(OUT)/tests/%.o \
    $(call helper_objects,$(1)) $$(LINK_LIBS) $$(HARNESS_OBJ)
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -o $$@ $$< $(call helper_objects,$(1)) \
		$$(LINK_LIBS) $$(HARNESS_LINK) -lcmocka $$(SYS_LIBS) $$(LDFLAGS)
endef
$(foreach c,$(filter-out fuzz,$(TEST_CHAPTERS)),$(eval $(call chapter_tests,$(c))))

$(OUT)/tests/fuzz/test_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(wildcard tests/fuzz/*.h) $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(INCLUDES) -DFUZZ_CORPUS='"tests/fuzz/corpus/$*"' -o $@ \
		$< tests/fuzz/replay.c $(LINK_LIBS) -lcmocka $(SYS_LIBS) $(LDFLAGS)

.PHONY: fuzzers
fuzzers: $(patsubst %,$(OUT)/fuzzers/fuzz_%,$(FUZZ_TARGETS))

$(OUT)/fuzzers/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(INCLUDES) -fsanitize=fuzzer -o $@ $< $(LINK_LIBS) \
		$(SYS_LIBS) $(LDFLAGS)

# Examples: examples/NN-slug/*.c, each one program.
EXAMPLE_SRCS := $(sort $(wildcard examples/*/*.c))
EXAMPLE_BINS := $(patsubst examples/%.c,$(OUT)/examples/%,$(EXAMPLE_SRCS))

examples: $(EXAMPLE_BINS)

$(OUT)/examples/%: examples/%.c $(LINK_LIBS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(INCLUDES) -o $@ $< $(LINK_LIBS) $(SYS_LIBS) $(LDFLAGS)

# Every header the tree's library, test and example sources read, as gcc -M
# lists them (system headers included), with the build's own flags: for
# tools/guard-check.sh, which fails if one of them is libevent's from
# /usr/include rather than the tree's.
.PHONY: headers-used
headers-used:
	@mkdir -p $(OUT)
	@$(CC) $(CFLAGS) $(INCLUDES) -M $(ALL_C) $(sort $(TEST_SRCS) $(foreach c,$(TEST_CHAPTERS),$(call test_helpers,$(c)))) \
		$(EXAMPLE_SRCS) >$(OUT)/headers-used.d
