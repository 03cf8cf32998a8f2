# litevent -- libevent, written as a book.
#
# make            install missing packages, tangle, build the libraries and
#                 examples, render the book
# make check      everything: the tangler's tests, drift, every chapter prefix,
#                 every test (and again under valgrind), exercise integrity,
#                 example smoke tests, the book
#
# The rest are pieces of those two; `make help` lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := all

CHAPTERS := $(sort $(wildcard chapters/*/*.adoc))
CHAPTER_DIRS := $(notdir $(patsubst %/,%,$(dir $(CHAPTERS))))
TEST_DIRS := $(sort $(notdir $(patsubst %/,%,$(dir $(wildcard tests/[0-9][0-9]-*/test_*.c)))))
LIT := build/tools/lit
PREFIX ?= /usr/local

# A sanitizer build lives in its own tree so it never mixes with the plain one
# (ThreadSanitizer's in build/tsan: it cannot share objects with ASan's).
SANITIZE ?=
export SANITIZE
B := $(if $(SANITIZE),$(if $(filter thread,$(SANITIZE)),build/tsan,build/sanitize),build)
LIBMAKE := $(MAKE) --no-print-directory -f tools/lib.mk SANITIZE=$(SANITIZE)

.PHONY: all help deps tools tangle starters check-tangle lib test valgrind prefix \
	examples book exercises exercise watch install uninstall bench bench-counts \
	check clean fuzz fuzz-merge tsan

all: deps tangle lib examples book
	@echo
	@echo "Libraries: $(B)/lib/   Book: build/book/index.html, build/book/litevent.epub, build/book/litevent.pdf"
	@echo "Next: 'make check' runs every test; 'make exercises' shows the exercises."

help:
	@echo "make | make check | make tangle | make check-tangle | make lib | make book"
	@echo "make test CH=NN-slug | make valgrind CH=NN-slug | make prefix CH=NN-slug"
	@echo "make exercises | make exercise EX=N.M | make watch EX=N.M | make starters"
	@echo "make install PREFIX=/usr/local [DESTDIR=…] | make uninstall PREFIX=… | make bench | make bench-counts | make clean | SANITIZE=address,undefined make check"
	@echo "make fuzz [FUZZ_SECONDS=60] | make fuzz-merge | make tsan"

deps:
	@tools/deps.sh

# The tangler is built first: everything else comes out of it.
tools: $(LIT)
$(LIT): tools/lit.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -o $@ $<

# The tangler's own tests (tests/tools/): one per error class and per mode.
build/tests/tools/test_lit: tests/tools/test_lit.c $(LIT)
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -o $@ $< -lcmocka

# Chapters -> src/.  The tangler removes files under src/ that no chapter
# writes any more, so src/ is exactly the tangle.  New exercise starters are added to
# exercises/, but a starter that exists is never overwritten: it may hold a
# learner's work (`make starters` regenerates them all, for maintainers).
tangle: $(LIT)
	@$(LIT) tangle --out . $(CHAPTERS)
	@rm -rf build/starters && mkdir -p build/starters && $(LIT) starters --out build/starters $(CHAPTERS)
	@cd build/starters && find . -type f -name '*.c' | while read -r f; do \
		[ -e "../../exercises/$$f" ] || { mkdir -p "../../exercises/$$(dirname "$$f")"; \
		cp "$$f" "../../exercises/$$f"; echo "new starter exercises/$${f#./}"; }; done

starters: $(LIT)
	@$(LIT) starters --out exercises $(CHAPTERS)

# Fast: strictness and drift only, no compiler.
check-tangle: $(LIT)
	@tools/drift.sh

lib: $(LIT)
	@$(LIBMAKE) SRC=src OUT=$(B) lib

examples: lib
	@$(LIBMAKE) SRC=src OUT=$(B) examples

# One chapter's tests against the full library: make test CH=05-events
test: lib
	@test -n "$(CH)" || { echo "usage: make test CH=NN-slug"; exit 2; }
	@$(LIBMAKE) SRC=src OUT=$(B) TEST_CHAPTERS="$(CH)" tests
	@tools/run-tests.sh $(B) $(CH)

valgrind: lib
	@test -n "$(CH)" || { echo "usage: make valgrind CH=NN-slug"; exit 2; }
	@$(LIBMAKE) SRC=src OUT=$(B) TEST_CHAPTERS="$(CH)" tests
	@tools/run-tests.sh --valgrind $(B) $(CH)

# The book as it stood at the end of chapter CH: tangle chapters 00..CH,
# build that library, and run the tests of every chapter up to CH.
prefix: $(LIT)
	@test -n "$(CH)" || { echo "usage: make prefix CH=NN-slug"; exit 2; }
	@tools/prefix.sh $(B) $(CH)

book: $(LIT)
	@tools/book.sh

exercises: $(LIT)
	@tools/exercise.sh list

exercise: $(LIT)
	@tools/exercise.sh run $(EX)

watch: $(LIT)
	@tools/exercise.sh watch $(EX)

install: lib
	@tools/install.sh $(B) "$(PREFIX)" "$(DESTDIR)"

uninstall:
	@tools/install.sh --uninstall $(B) "$(PREFIX)" "$(DESTDIR)"

bench: lib
	@tools/bench.sh

# The noise-free half of make bench alone: callgrind counts per operation.
bench-counts: lib
	@tools/bench.sh --counts-only

check: deps $(LIT)
	@tools/check.sh

# libFuzzer (clang) on every target in tests/fuzz/, FUZZ_SECONDS each; the
# corpora they start from are replayed by make check without clang.
fuzz: $(LIT)
	@tools/fuzz.sh run

# Fold what make fuzz found into the committed corpora, minimized.
fuzz-merge: $(LIT)
	@tools/fuzz.sh merge

# Every test, the thread stress test among them, built with ThreadSanitizer
# (SANITIZE=thread; valgrind, which cannot run with it, is not used).
tsan: $(LIT)
	@tools/tsan.sh

clean:
	rm -rf build
