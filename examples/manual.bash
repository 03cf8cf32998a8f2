# examples/manual.bash - what the examples/*/manual.sh scripts share.
# Sourced, never run.  Those scripts build the libevent manual's own
# examples, unchanged, against litevent and run them.
#
# The manual is the specification and is not part of this repository, so
# its examples are read from it at test time and never committed
# (LITEVENT_SEEDS names its directory; default ../shared/seeds beside the
# tree).  Of the copies there, the whole book is read: the chapters that
# also come alone have lost lines in their stand-alone copies.  Without the
# manual, or without the root the private namespaces need, a script says
# why in one line and skips its checks.
#
# A script sets BIN (its chapter's build/examples directory) and then:
#   manual_open TITLE-REGEX   find the manual that holds TITLE, or skip
#   manual_enter "$0" "$@"    rerun the script in network and mount
#                             namespaces of its own, loopback up: the
#                             examples' fixed ports and /etc files are ours
#   manual_extract START STOP the code blocks between two lines
#   manual_example LINE       the example whose title is at LINE
#   manual_line FROM REGEX    the first line after FROM that matches
#   manual_build NAME SRC...  build like a user's program, on litevent
#   manual_reference NAME SRC... the same on libevent 2.1 (if installed)
#   manual_is_litevent BIN SYM   the binary holds litevent's code
#   check WHAT COMMAND...     one "ok"/"not ok" line; counts failures
set -u
export LC_ALL=C

: "${BIN:?set BIN before sourcing manual.bash}"
MANUAL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MANUAL_LIB=$(cd "$BIN/../../lib" && pwd)
SEEDS=${LITEVENT_SEEDS:-$MANUAL_ROOT/../shared/seeds}
T=${SMOKE_TIMEOUT:-10}
failures=0
manual=

manual_skip() { echo "ok - manual examples skipped: $*"; exit 0; }

check() {	# check DESCRIPTION COMMAND...
	local what=$1; shift
	if "$@"; then echo "ok - $what"; else echo "not ok - $what"; failures=$((failures + 1)); fi
}

# The largest file that has the title is the whole book.
manual_open() {	# manual_open TITLE-REGEX
	manual=$(grep -l -- "$1" "$SEEDS"/*.txt 2>/dev/null | xargs -r ls -S | head -n 1)
	[ -n "$manual" ] || manual_skip "the manual is not in $SEEDS (set LITEVENT_SEEDS)"
}

manual_enter() {	# manual_enter "$0" "$@"
	if [ -z "${MANUAL_NAMESPACE:-}" ]; then
		unshare -n -m true 2>/dev/null && command -v ip >/dev/null ||
			manual_skip "unshare -n -m (it needs root) or ip is not available here"
		exec unshare -n -m env MANUAL_NAMESPACE=1 bash "$@"
	fi
	ip link set lo up || manual_skip "the private namespace's loopback would not come up"
	manual_workdir
}

# A directory for the extracted sources, the binaries and their output,
# removed at exit with every process the script started (manual_pids);
# MANUAL_KEEP=DIR keeps a copy of it there, for a look.
manual_workdir() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/manual.XXXXXX") || exit 1
	trap manual_cleanup EXIT
}
manual_pids=()
manual_cleanup() {
	local p
	for p in "${manual_pids[@]}"; do { kill -KILL "$p"; wait "$p"; } 2>/dev/null; done
	[ -n "${MANUAL_KEEP:-}" ] && cp -r "$work" "$MANUAL_KEEP"
	rm -rf "$work"
}

# Put FILE over /etc/NAME, in this mount namespace only.
manual_etc() {	# manual_etc NAME FILE
	mount --bind "$2" "/etc/$1"
}

manual_extract() {	# manual_extract START-REGEX STOP-REGEX
	awk -v start="$1" -v stop="$2" '
		$0 ~ start { on = 1; next }
		on && $0 ~ stop { exit }
		on && /^```/ { inside = !inside; next }
		on && inside { print }' "$manual"
}

# An example is the code blocks after its title, up to the first line of
# prose: the copy we have splits some examples into blocks with only blank
# lines between them, and reading on across those joins them again.
manual_example() {	# manual_example TITLE-LINE
	awk -v from="$1" '
		NR <= from { next }
		/^```/ { inside = !inside; seen = 1; next }
		inside { print; next }
		seen && $0 != "" { exit }' "$manual"
}

manual_line() {	# manual_line FROM-LINE REGEX
	awk -v from="$1" -v pat="$2" 'NR > from && $0 ~ pat { print NR; exit }' "$manual"
}

# litevent's headers and archives, by path, never -levent.  With SANITIZE
# set the archives are instrumented, and so must the program be.
manual_build() {	# manual_build NAME SOURCE...
	local name=$1; shift
	cc -std=gnu11 -w ${SANITIZE:+-fsanitize=$SANITIZE} -I"$MANUAL_ROOT/src/include" \
		-I"$work" -o "$work/$name" "$@" "$MANUAL_LIB/libevent_openssl.a" \
		"$MANUAL_LIB/libevent.a" -lssl -lcrypto -pthread -lm 2>"$work/$name.err"
}

manual_has_reference() { pkg-config --exists libevent_openssl libevent 2>/dev/null; }

manual_reference() {	# manual_reference NAME SOURCE...
	local name=$1; shift
	cc -std=gnu11 -w -I"$work" -o "$work/$name" "$@" \
		$(pkg-config --cflags --libs libevent_openssl libevent) -lssl -lcrypto \
		-pthread 2>"$work/$name.err"
}

# It defines SYMBOL itself -- which can only have come from the archives
# named by path -- and loads no libevent shared object.
manual_is_litevent() {	# manual_is_litevent BINARY SYMBOL
	nm "$1" | grep -q " [Tt] $2\$" && ! ldd "$1" 2>/dev/null | grep -q 'libevent'
}

manual_await_port() {	# manual_await_port PORT: something listens on 127.0.0.1:PORT
	local _
	for _ in $(seq 1 $((T * 10))); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
