#!/usr/bin/env bash
# tools/fuzz-targets.sh [NN] -- the names of the fuzz targets that are active.
#
# A target is tests/fuzz/fuzz_NAME.c, and its file says which chapter defines
# what it tests, on a line of its own:  /* fuzz-chapter: NN */
# It is active when that chapter exists (chapters/NN-*/) and, if an NN is
# given (a chapter prefix), is not later than NN.  CONTRACTS.md §4.
set -euo pipefail
upto=${1:-99}
for f in tests/fuzz/fuzz_*.c; do
	[ -e "$f" ] || continue
	ch=$(sed -n 's|^/\* fuzz-chapter: \([0-9][0-9]\) \*/$|\1|p' "$f" | head -n 1)
	if [ -z "$ch" ]; then
		echo "$f: no '/* fuzz-chapter: NN */' line" >&2
		exit 1
	fi
	[ "$((10#$ch))" -le "$((10#$upto))" ] || continue
	compgen -G "chapters/$ch-*/" >/dev/null || continue
	name=${f#tests/fuzz/fuzz_}
	echo "${name%.c}"
done
