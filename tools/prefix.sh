#!/usr/bin/env bash
# tools/prefix.sh BUILD NN-slug -- the book as it stood at the end of one chapter.
#
# Tangles chapters 00..NN only (a chunk first defined later expands to
# nothing), builds that library with the same warnings as the full build, and
# runs the tests of every chapter up to NN against it.
set -euo pipefail
build=$1 chapter=$2
nn=${chapter%%-*}
out=$build/prefix/$nn
mkdir -p "$out"
# With #line directives, as the exercise runner tangles: its builds of this
# chapter's exercises start from these objects and recompile only what the
# exercise changed.
build/tools/lit tangle --lines --upto "$nn" --out "$out" chapters/*/*.adoc

chapters=()
for d in tests/[0-9][0-9]-*/; do
	d=$(basename "$d")
	[ "${d%%-*}" \> "$nn" ] || chapters+=("$d")
done
# The robustness suites too, with only the files of chapters up to NN
# (UPTO): tests/alloc/test_alloc_NN.c, tests/fdlimit/test_fdlimit_NN.c, and
# the fuzz targets whose fuzz-chapter line names one of them.
robust=(alloc fdlimit fuzz)
make -j"$(nproc)" --no-print-directory -f tools/lib.mk SRC="$out/src" OUT="$out" \
	SANITIZE="${SANITIZE:-}" UPTO="$nn" TEST_CHAPTERS="${chapters[*]} ${robust[*]}" lib tests
exec tools/run-tests.sh ${QUIET:+--quiet} "$out" "${chapters[@]}" "${robust[@]}"
