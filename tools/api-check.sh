#!/usr/bin/env bash
# tools/api-check.sh BUILD -- is litevent a drop-in for libevent 2.1's headers?
#
# libevent-dev installs libevent 2.1's public headers under /usr/include.  For
# every header whose chapter is in the book, this script reads the functions
# and macros that header gives a Linux program (the compiler lists them:
# -aux-info for prototypes, -dM for macros) and checks, against litevent's
# headers in src/include and its libraries in BUILD/lib, that
#
#   1. every macro is defined,
#   2. every function is declared,
#   3. libevent's prototype of it does not conflict with ours, and
#   4. the function is defined in one of our static libraries.
#
# Only names are taken from the system's headers, never code: the check
# compiles small probe files and reads the compiler's answers.  It prints one
# line per missing or conflicting name and "N passed, M failed" (a header is
# one check).
set -u

build=${1:?usage: tools/api-check.sh BUILD}
sys=/usr/include
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Which headers, and from which chapter on (public_headers, header_due).
. tools/public-headers.sh

# Names the system header itself defines as macros (not its include guard).
system_macros() {
	local header=$1 probe=$2
	gcc -dM -E -x c "$probe" 2>/dev/null | awk '{ print $2 }' | sed 's/(.*//' | sort -u >"$work/all-macros"
	grep -E '^[[:space:]]*#[[:space:]]*define[[:space:]]+[A-Za-z_][A-Za-z0-9_]*' "$sys/$header" |
		sed -E 's/^[[:space:]]*#[[:space:]]*define[[:space:]]+([A-Za-z_][A-Za-z0-9_]*).*/\1/' |
		grep -vE '_INCLUDED_?$|_H_$|^_EVENT|^EVENT2_.*_H|^EVENT_DEFINED_' | sort -u >"$work/own-macros"
	comm -12 "$work/all-macros" "$work/own-macros"
}

# "name<TAB>prototype" for every function the system header declares.
system_functions() {
	local header=$1 probe=$2
	gcc -aux-info "$work/aux" -fsyntax-only -x c "$probe" 2>/dev/null || return 1
	grep -F "/* $sys/$header:" "$work/aux" | sed -E 's@^/\*[^*]*\*/ @@' |
		awk '{ line = $0; sub(/[[:space:]]*\(.*/, ""); n = split($0, w, /[ *]+/); print w[n] "\t" line }'
}

libs=("$build"/lib/*.a)
nm --defined-only "${libs[@]}" 2>/dev/null | awk '$2 ~ /^[TDBRW]$/ { print $3 }' | sort -u >"$work/defined"

passed=0 failed=0
for entry in "${public_headers[@]}"; do
	read -r chapter header prelude <<<"$entry"
	header_due "$chapter" "$header" || continue
	probe=$work/probe.c
	: >"$probe"
	for p in $prelude "$header"; do echo "#include <$p>" >>"$probe"; done

	problems=()
	mapfile -t macros < <(system_macros "$header" "$probe")
	system_functions "$header" "$probe" >"$work/functions" || { echo "FAIL $header: the system header does not compile"; failed=$((failed + 1)); continue; }

	# 1 and 2: one probe per name, so one missing name does not hide another.
	ours=(-Isrc/include)
	for m in "${macros[@]}"; do
		printf '%s\n#ifndef %s\n#error missing\n#endif\n' "$(cat "$probe")" "$m" >"$work/m.c"
		gcc -fsyntax-only "${ours[@]}" "$work/m.c" 2>/dev/null && continue
		# A macro that libevent spells as a function-like macro may be a
		# real function here: a program calls it the same way.
		printf '%s\nvoid *api_probe_ = (void *)&%s;\n' "$(cat "$probe")" "$m" >"$work/m.c"
		gcc -fsyntax-only "${ours[@]}" "$work/m.c" 2>/dev/null || problems+=("macro $m is not defined")
	done
	while IFS=$'\t' read -r name proto; do
		printf '%s\nvoid *api_probe_ = (void *)&%s;\n' "$(cat "$probe")" "$name" >"$work/f.c"
		if ! gcc -fsyntax-only "${ours[@]}" "$work/f.c" 2>/dev/null; then
			problems+=("function $name is not declared")
			continue
		fi
		# 3: libevent's prototype, declared again after ours, must agree.
		# -aux-info spells a va_list parameter as the builtin it decays to.
		printf '#include <stdarg.h>\n%s\n%s\n' "$(cat "$probe")" "${proto//__va_list_tag \*/va_list}" >"$work/p.c"
		if ! gcc -fsyntax-only "${ours[@]}" "$work/p.c" 2>/dev/null; then
			problems+=("function $name: ours conflicts with libevent's $proto")
		fi
		# 4
		grep -qx "$name" "$work/defined" || problems+=("function $name is declared but no library defines it")
	done <"$work/functions"

	nfun=$(wc -l <"$work/functions")
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok   $header: ${#macros[@]} macros, $nfun functions"
		passed=$((passed + 1))
	else
		echo "FAIL $header: ${#problems[@]} of ${#macros[@]} macros and $nfun functions"
		printf '     %s\n' "${problems[@]}"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
