#!/usr/bin/env bash
# tools/guard-check.sh BUILD -- did every program `make check` built against
# litevent really use litevent?
#
# libevent-dev puts libevent 2.1's headers in /usr/include and its libraries
# in the linker's default path, so a test that includes a header litevent
# lacks, or a link line that says -levent, builds quietly against the system
# library it is meant to replace.  Two guards, both cheap:
#
#   headers    for the full tree and every chapter prefix, gcc -M (with the
#              build's own flags, from tools/lib.mk) lists what each library,
#              test and example source reads; none may be a libevent header
#              from outside the tree;
#   libraries  no test, example or exercise binary may load a libevent shared
#              object (they link litevent's archives by path), as ldd sees it.
#
# Prints one line per guard and "N passed, M failed".
set -u
build=${1:?usage: tools/guard-check.sh BUILD}
passed=0 failed=0
# A libevent header, wherever it lies.
header_pattern='/(event2/[A-Za-z_-]+|event|evutil|evdns|evhttp|evrpc)\.h$'

verdict() {   # NAME PROBLEMS...
	local name=$1; shift
	if [ $# -eq 0 ]; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		printf '     %s\n' "$@" | head -n 20
		failed=$((failed + 1))
	fi
}

# The libevent headers a tree's sources read that are not the tree's own.
foreign_headers() {   # SRC OUT CHAPTERS [make overrides...]
	local src=$1 out=$2 chapters=$3; shift 3
	make --no-print-directory -f tools/lib.mk SRC="$src" OUT="$out" \
		TEST_CHAPTERS="$chapters" "$@" headers-used >/dev/null 2>"$out/headers-used.err" ||
		{ echo "gcc -M failed: $(head -n 3 "$out/headers-used.err" | tr '\n' ' ')"; return; }
	tr ' \\' '\n\n' <"$out/headers-used.d" | grep -E "$header_pattern" | sort -u |
		xargs -r realpath -m | grep -v "^$(realpath -m "$src")/" | sed 's/^/read /'
}

test_dirs=()
for d in tests/[0-9][0-9]-*/; do test_dirs+=("$(basename "$d")"); done

mapfile -t problems < <(foreign_headers src "$build" "${test_dirs[*]}")
verdict "headers: the library, tests and examples read only src/include" "${problems[@]}"

# The prefixes side by side (each is one gcc -M over a few dozen files).
prefixes=()
for tree in "$build"/prefix/*/; do
	[ -d "$tree/src" ] || continue
	nn=$(basename "$tree")
	prefixes+=("$nn")
	chapters=()
	for d in "${test_dirs[@]}"; do [ "${d%%-*}" \> "$nn" ] || chapters+=("$d"); done
	foreign_headers "$tree/src" "${tree%/}" "${chapters[*]}" EXAMPLE_SRCS= >"${tree%/}/foreign-headers" &
done
wait
for nn in "${prefixes[@]}"; do
	mapfile -t problems <"$build/prefix/$nn/foreign-headers"
	verdict "headers: prefix $nn reads only its own include/" "${problems[@]}"
done

# Every program built from the chapters' tests, the examples and the exercises
# (not the libraries an exercise build makes for itself: they are litevent's
# own shared objects, which name each other).
mapfile -t programs < <(find "$build"/tests "$build"/examples "$build"/prefix/*/tests "$build"/ex \
	-path "$build/tests/tools" -prune -o -path "$build/ex/*/lib" -prune -o -path "$build/ex/*/obj" -prune \
	-o -type f -perm -u+x -print 2>/dev/null | sort)
problems=()
if [ ${#programs[@]} -eq 0 ]; then
	problems+=("no test binaries under $build: nothing was checked")
fi
for ((i = 0; i < ${#programs[@]}; i += 50)); do
	while IFS= read -r line; do
		problems+=("$line")
	done < <(ldd "${programs[@]:i:50}" 2>&1 | awk '/^[^\t ].*:$/ { bin = $1 } /libevent/ { print bin " loads " $1 " => " $3 }')
done
verdict "libraries: ${#programs[@]} test, example and exercise binaries load no libevent shared object" "${problems[@]}"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
