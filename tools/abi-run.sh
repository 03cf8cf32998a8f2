#!/usr/bin/env bash
# tools/abi-run.sh BUILD -- programs built for libevent 2.1 run on litevent.
#
# Each program here is compiled against the system's headers
# (/usr/include/event2, never src/include) and linked against the system's
# libraries (libevent_core-2.1.so.7 and the others, from libevent-dev), as a
# program on a Debian machine already is.  Then it runs with
# LD_LIBRARY_PATH=BUILD/lib, so that the loader finds litevent's libraries
# under the same sonames, and it must pass.  Two sets:
#
#   tests/abi/test_*.c   programs written for this check: each names its
#                        libraries on an "abi-link:" line, and the chapter it
#                        needs on an "abi-chapter:" line (if any);
#   tests/NN-*/test_*.c  every chapter test that uses public headers only
#                        (neither it nor its chapter's helpers include an
#                        *-internal.h), linked against libevent-2.1.so.7.
#                        One that uses a name litevent has and libevent
#                        2.1.12 lacks does not compile; it is skipped, and
#                        the names are printed.
#
# Every program also links tests/abi/proof_at_start.c, which makes it refuse
# to start unless litevent_proof() says the libevent code in the process is
# BUILD/lib's (LITEVENT_EXPECT).  The build checks the other half: every
# libevent header each object read was the system's, and each program's
# dynamic section names the libevent 2.1 sonames.
#
# Skipped, with a message, when libevent-dev is not installed.
set -u
build=${1:?usage: tools/abi-run.sh BUILD}
out=build/abi
syslib=/usr/lib/x86_64-linux-gnu
if [ ! -f /usr/include/event2/event.h ] || [ ! -e "$syslib/libevent_core-2.1.so.7" ]; then
	echo "skipped: libevent-dev (libevent 2.1's headers and libraries) is not installed"
	echo "0 passed, 0 failed"
	exit 0
fi
rm -rf "$out/obj" "$out/tests"
mkdir -p "$out/obj"
CFLAGS=(-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -pthread)
problems=0
complain() { echo "FAIL $*"; problems=$((problems + 1)); }

# Compile SOURCE against the system's headers; prints the object's path.
object() {   # SOURCE
	local o
	o=$out/obj/$(echo "${1%.c}" | tr '/' '_').o
	[ -e "$o" ] && { echo "$o"; return; }
	gcc "${CFLAGS[@]}" -Itests/abi -I"$(dirname "$1")" -MD -MF "$o.d" -c -o "$o" "$1" 2>"$o.err" ||
		{ cat "$o.err" >&2; return 1; }
	# Every libevent header it read must be the system's.
	if tr ' \\' '\n\n' <"$o.d" | grep -E '/(event2/[A-Za-z_-]+|event|evutil|evdns)\.h$' | xargs -r realpath -m |
		grep -v '^/usr/include/'; then
		echo "$1 read litevent's headers (above), not libevent's" >&2
		return 1
	fi
	echo "$o"
}

proof=()
for f in tests/abi/litevent_proof.c tests/abi/proof_at_start.c; do
	o=$(object "$f") || { complain "$f does not compile against libevent 2.1's headers"; continue; }
	proof+=("$o")
done

build_program() {   # BINARY LIBS SOURCES...
	local bin=$1 libs=$2 objs=() o s lacking; shift 2
	for s in "$@"; do
		if ! o=$(object "$s" 2>/dev/null); then
			lacking=$(grep -oE "‘[A-Za-z_0-9]+’ undeclared" "$out/obj/$(echo "${s%.c}" | tr '/' '_').o.err" |
				sed -E 's/‘(.*)’.*/\1/' | sort -u | tr '\n' ' ')
			if [[ $bin == */reuse-* ]] && [ -n "$lacking" ]; then
				echo "skip $s: uses what libevent 2.1.12's headers lack: $lacking"
			else
				object "$s" >/dev/null
				complain "$s does not compile against libevent 2.1's headers"
			fi
			return
		fi
		objs+=("$o")
	done
	mkdir -p "$(dirname "$bin")"
	# shellcheck disable=SC2086
	gcc "${CFLAGS[@]}" -o "$bin" "${objs[@]}" "${proof[@]}" $libs -lcmocka -pthread ||
		{ complain "$bin does not link against the system's libevent"; return; }
	if ! readelf -d "$bin" | grep -qE 'NEEDED.*\[libevent[a-z_]*-2\.1\.so\.7\]'; then
		complain "$bin does not name a libevent 2.1 soname"
	fi
}

uses_internals() {   # FILE...: does any of them include an internal header?
	grep -lE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"][^>"]*-internal\.h[>"]' "$@" >/dev/null 2>&1
}

suites=()
for t in tests/abi/test_*.c; do
	chapter=$(sed -n 's/^ \* abi-chapter: *\([0-9][0-9]\).*/\1/p' "$t")
	if [ -n "$chapter" ] && ! compgen -G "chapters/$chapter-*/*.adoc" >/dev/null; then
		continue
	fi
	libs=$(sed -n 's/^ \* abi-link: *//p' "$t")
	[ -n "$libs" ] || { complain "$t has no abi-link: line"; continue; }
	build_program "$out/tests/abi/$(basename "${t%.c}")" "$libs" "$t"
done
[ -d "$out/tests/abi" ] && suites+=(abi)

for dir in tests/[0-9][0-9]-*/; do
	chapter=$(basename "$dir")
	mapfile -t helpers < <(find "$dir" -maxdepth 1 -name '*.c' ! -name 'test_*' | sort)
	uses_internals "${helpers[@]}" "$dir"*.h && continue
	for t in "$dir"test_*.c; do
		[ -e "$t" ] && ! uses_internals "$t" || continue
		libs="-levent -levent_pthreads"
		# A chapter's TLS tests link libevent_openssl and OpenSSL too.
		if grep -q 'event2/bufferevent_ssl\.h' "$t" "${helpers[@]}" "$dir"*.h 2>/dev/null; then
			libs="-levent_openssl $libs -lssl -lcrypto"
		fi
		build_program "$out/tests/reuse-$chapter/$(basename "${t%.c}")" "$libs" "$t" "${helpers[@]}"
	done
	[ -d "$out/tests/reuse-$chapter" ] && suites+=("reuse-$chapter")
done

export LITEVENT_EXPECT=$build/lib LD_LIBRARY_PATH=$build/lib
tools/run-tests.sh "$out" "${suites[@]}" >"$out/run.log" 2>&1
status=$?
grep -v '^[0-9]* passed, [0-9]* failed$' "$out/run.log"
line=$(tail -n 1 "$out/run.log")
p=${line%% passed*} f=${line#*passed, } f=${f%% failed}
echo "$p passed, $((f + problems)) failed"
[ $status -eq 0 ] && [ $problems -eq 0 ]
