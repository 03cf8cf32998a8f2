#!/usr/bin/env bash
# tools/readme-check.sh -- the README's two recipes for using litevent, run
# as written, in a fresh clone.
#
# Each recipe is the sh block after a line "<!-- tried by
# tools/readme-check.sh: NAME -->" in README.md.  The script clones the
# repository (its committed HEAD) into a scratch directory, gives the recipes
# a scratch $HOME, and stands in for what the README leaves to the reader:
#
#   your-program  a program built against the system's libevent 2.1 (headers
#                 and libraries from libevent-dev), as programs on the
#                 machine already are;
#   prog.c        the same program's source.
#
# The program proves what it ran on (tests/abi/litevent_proof.c): each
# recipe fails unless the libevent code the program loaded is the litevent
# the recipe meant.  One line per recipe, then "N passed, M failed".
set -u
root=$(pwd)
work=$root/build/readme
rm -rf "$work" && mkdir -p "$work/home"
passed=0 failed=0

if [ ! -f /usr/include/event2/event.h ]; then
	echo "skipped: libevent-dev is not installed, so there is no existing libevent program to run"
	echo "0 passed, 0 failed"
	exit 0
fi
git clone -q "$root" "$work/litevent" || { echo "FAIL git clone"; echo "0 passed, 1 failed"; exit 1; }
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	echo "note: uncommitted changes are not in the clone; the recipes run on HEAD"

cat >"$work/prog.c" <<'C'
#include <stdio.h>
#include <event2/event.h>
#include "litevent_proof.h"

static void
ring(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	puts(arg);
}

int
main(void)
{
	struct event_base *base = event_base_new();
	struct timeval soon = { 0, 1000 };

	if (base == NULL || litevent_proof() != 0)
		return 1;
	event_base_once(base, -1, EV_TIMEOUT, ring, "a timer rang on litevent", &soon);
	event_base_dispatch(base);
	event_base_free(base);
	return 0;
}
C
# your-program: built for the system's libevent, with the system's pkg-config.
# shellcheck disable=SC2046
(cd "$work" && cc -I"$root/tests/abi" -o your-program prog.c "$root/tests/abi/litevent_proof.c" \
	$(env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR pkg-config --cflags --libs libevent)) ||
	{ echo "FAIL cannot build a program against the system's libevent"; echo "0 passed, 1 failed"; exit 1; }

recipe() {   # NAME: the README's block, with the stand-ins in place
	awk -v name="$1" '
		$0 == "<!-- tried by tools/readme-check.sh: " name " -->" { found = 1; next }
		found && /^```/ { if (inside) exit; inside = 1; next }
		inside { print }' "$root/README.md" |
		sed -e "s@your-program@$work/your-program@g" -e "s@prog\\.c@$work/prog.c -I$root/tests/abi $root/tests/abi/litevent_proof.c@"
}

try() {   # NAME EXPECT-DIR
	local name=$1 log=$work/$1.log
	recipe "$name" >"$work/$name.sh"
	if [ ! -s "$work/$name.sh" ]; then
		echo "FAIL README: no recipe '$name'"
		failed=$((failed + 1))
		return
	fi
	if (cd "$work/litevent" && env -u PKG_CONFIG_PATH -u PKG_CONFIG_LIBDIR -u LD_LIBRARY_PATH \
		HOME="$work/home" LITEVENT_EXPECT="$2" bash -euo pipefail "$work/$name.sh") >"$log" 2>&1 &&
		grep -q '^a timer rang on litevent$' "$log"; then
		echo "ok   README recipe '$name', from a fresh clone"
		passed=$((passed + 1))
	else
		echo "FAIL README recipe '$name', from a fresh clone:"
		sed 's/^/     /' "$work/$name.sh"
		tail -n 15 "$log" | sed 's/^/     > /'
		failed=$((failed + 1))
	fi
}

try existing-binary "$work/litevent/build/lib"
try pkg-config "$work/home/litevent/lib"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
