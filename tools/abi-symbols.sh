#!/usr/bin/env bash
# tools/abi-symbols.sh BUILD -- does each of litevent's shared libraries
# export what the same-named libevent 2.1 library exports?
#
# A program linked against Debian's libevent_core-2.1.so.7 names, in its
# dynamic section, that soname and every function it calls.  Run with
# LD_LIBRARY_PATH=BUILD/lib it gets litevent's file of that soname instead,
# and the loader must find every one of those functions there.  So for each
# soname, every function the system's library exports and a public header
# declares (a header whose chapter exists: tools/public-headers.sh) must be
# exported by ours.  The rest of libevent's exports are counted, not
# required: internal functions no installed header declares (a program
# compiled against the headers cannot name them), the HTTP, RPC and tagging
# families (outside the book), and headers whose chapter is still to come.
#
#
# The other way round, every name ours exports must be one the same-named
# libevent 2.1 library exports, or on the short list below: any other is an
# internal helper that leaked (the linker exports every global function
# unless told otherwise, tools/exports.sh), and a program defining a
# function of the same name (request_new, hosts_find, tcp_close...) would
# silently replace it inside the library.
#
# Only symbol names are read from the system's files.  One line per soname,
# then "N passed, M failed".
set -u
build=${1:?usage: tools/abi-symbols.sh BUILD}
syslib=/usr/lib/x86_64-linux-gnu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tools/public-headers.sh

# "header<TAB>function" for every function any installed event2 header declares.
for h in /usr/include/event2/*.h; do echo "#include <event2/$(basename "$h")>"; done >"$work/all.c"
gcc -aux-info "$work/aux" -fsyntax-only -x c "$work/all.c" 2>/dev/null ||
	{ echo "FAIL the system's event2 headers do not compile"; echo "0 passed, 1 failed"; exit 1; }
grep -E '^/\* /usr/include/event2/' "$work/aux" | sed -E 's@^/\* /usr/include/(event2/[^:]+):[^*]*\*/ @\1\t@' |
	awk -F'\t' '{ p = $2; sub(/[[:space:]]*\(.*/, "", p); n = split(p, w, /[ *]+/); print $1 "\t" w[n] }' |
	sort -u >"$work/declared"

# Which declared functions are required now, which later, which never.
: >"$work/due"
for entry in "${public_headers[@]}"; do
	read -r gate header _ <<<"$entry"
	if header_due "$gate" "$header"; then
		awk -F'\t' -v h="$header" '$1 == h { print $2 }' "$work/declared" >>"$work/due"
	fi
done
sort -u -o "$work/due" "$work/due"
cut -f2 "$work/declared" | sort -u >"$work/public"
grep -E '^event2/(http|rpc|tag)' "$work/declared" | cut -f2 | sort -u >"$work/excluded"

exported() {   # SHARED-OBJECT: the functions it defines and exports
	nm -D --defined-only "$1" 2>/dev/null | awk '$2 ~ /^[TWi]$/ { print $3 }' | sort -u
}
every_name() {   # SHARED-OBJECT: every name it defines and exports, data too
	nm -D --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u
}

# What ours may export that libevent 2.1's libraries do not:
#   litevent_*   internals that one of our libraries calls in another (the
#                allocator, locks, the debug log, the bufferevent machinery
#                the TLS library is built on); the project's prefix cannot
#                meet a program's name or libevent's;
#   evutil_set_hostname_resolver   how the DNS library registers its
#                resolver with the core (chapter 7), in libevent's evutil_
#                namespace, where no program defines names;
#   evutil_gettimeofday   public in our util.h: the function behind the
#                macro, which libevent 2.1's header declares only on systems
#                without gettimeofday().
not_ours_to_export() {   # reads names, prints those the list does not allow
	grep -vE '^(litevent_.*|evutil_set_hostname_resolver|evutil_gettimeofday)$'
}

passed=0 failed=0
for name in libevent libevent_core libevent_extra libevent_pthreads libevent_openssl; do
	soname=$name-2.1.so.7
	[ -e "$syslib/$soname" ] || continue
	exported "$syslib/$soname" >"$work/theirs"
	comm -12 "$work/theirs" "$work/due" >"$work/required"
	internal=$(comm -23 "$work/theirs" "$work/public" | wc -l)
	excluded=$(comm -12 "$work/theirs" "$work/excluded" | wc -l)
	later=$(comm -12 "$work/theirs" "$work/public" | comm -23 - "$work/excluded" | comm -23 - "$work/due" | wc -l)
	need=$(wc -l <"$work/required")
	counts="$need public functions ($internal internal, $excluded http/rpc/tag, $later for later chapters)"
	ours=$build/lib/$soname
	problems=()
	if [ ! -e "$ours" ]; then
		[ "$need" -eq 0 ] && { echo "ok   $soname: not built yet, and nothing due ($counts)"; passed=$((passed + 1)); continue; }
		problems+=("litevent has no $soname")
	else
		got=$(readelf -d "$ours" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
		[ "$got" = "$soname" ] || problems+=("its soname is '$got'")
		while IFS= read -r f; do problems+=("does not export $f"); done < <(exported "$ours" | comm -13 - "$work/required")
		every_name "$syslib/$soname" >"$work/theirs-all"
		every_name "$ours" | comm -23 - "$work/theirs-all" >"$work/own"
		while IFS= read -r f; do problems+=("exports $f, which libevent 2.1's does not: an internal that leaked")
		done < <(not_ours_to_export <"$work/own")
		counts="$counts; $(not_ours_to_export <"$work/own" | comm -23 "$work/own" - | wc -l) allowed names of its own"
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok   $soname: exports all $counts"
		passed=$((passed + 1))
	else
		echo "FAIL $soname: ${#problems[@]} problems; due: $counts"
		printf '     %s\n' "${problems[@]}"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
