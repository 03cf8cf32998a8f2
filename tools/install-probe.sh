#!/usr/bin/env bash
# tools/install-probe.sh BUILD -- install litevent into a scratch prefix and
# build a small libevent program there the way a user's build would: only
# through pkg-config, once against the shared libraries and once against the
# static ones; run both and prove they ran the staged litevent.
#
# pkg-config searches the stage alone (PKG_CONFIG_LIBDIR, which replaces the
# default search path, rather than PKG_CONFIG_PATH, which only adds to it),
# so a missing .pc file is an error here, never the system's libevent.pc.
# The program calls litevent_proof() (tests/abi/), which fails unless the
# libevent code in the process is the staged copy.  Last, the proof itself is
# shown to fail once: the same binary, left to load the system's libevent
# 2.1, must be refused.  Then `make uninstall` must leave the stage empty.
set -euo pipefail
build=$1
root=$(pwd)
stage=$root/build/stage
rm -rf "$stage" && mkdir -p "$stage"
tools/install.sh "$build" "$stage/usr" >/dev/null
prefix=$stage/usr

# One .pc file per library built, and no other.
mapfile -t built < <(cd "$build/lib" && ls libevent*.a | sed 's/\.a$//' | sort)
mapfile -t pcs < <(cd "$prefix/lib/pkgconfig" && ls ./*.pc 2>/dev/null | sed 's@^\./@@; s/\.pc$//' | sort)
if [ "${built[*]}" != "${pcs[*]}" ]; then
	echo "libraries built: ${built[*]}; .pc files installed: ${pcs[*]:-none}"
	exit 1
fi

unset PKG_CONFIG_PATH
export PKG_CONFIG_LIBDIR=$prefix/lib/pkgconfig
for pc in "${built[@]}"; do
	pkg-config --exists "$pc" || { echo "pkg-config does not find $pc in the stage"; exit 1; }
done
[ "$(pkg-config --modversion libevent)" = 2.1.12-stable ] || { echo "libevent.pc is not 2.1.12-stable"; exit 1; }
flags=$(pkg-config --cflags --libs libevent)
case $flags in *"$prefix"*) ;; *) echo "pkg-config --cflags --libs libevent does not name the stage: $flags"; exit 1 ;; esac

cat >"$stage/probe.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <event2/event.h>
#include <event2/thread.h>
#include "litevent_proof.h"

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd; (void)what;
	++*(int *)arg;
}

int
main(void)
{
	struct timeval soon = { 0, 1000 };
	struct event_base *base;
	int ticks = 0;

	/* A program that checks for libevent >= 2.1 before it starts. */
	if (event_get_version_number() < 0x02010000 || LIBEVENT_VERSION_NUMBER < 0x02010000)
		return 1;
	if (strcmp(EVENT__PACKAGE_NAME, "litevent") != 0 || litevent_proof() != 0)
		return 1;
	if (evthread_use_pthreads() != 0 || (base = event_base_new()) == NULL)
		return 1;
	event_base_once(base, -1, EV_TIMEOUT, tick, &ticks, &soon);
	event_base_dispatch(base);
	event_base_free(base);
	printf("version %s, %d tick\n", event_get_version(), ticks);
	libevent_global_shutdown();
	return ticks == 1 ? 0 : 1;
}
C
cp tests/abi/litevent_proof.[ch] "$stage/"

# The headers a build used must all be the stage's (-MD lists them all,
# system directories included; pkg-config's paths hold "../..").
headers_from_stage() {   # DEPFILE
	local outside
	outside=$(grep -oE '[^ \\]*/(event2/[a-z_-]+|event|evutil|evdns|evhttp|evrpc)\.h' "$1" |
		xargs -r realpath -m | grep -v "^$prefix/include/" || true)
	[ -z "$outside" ] || { echo "the probe read libevent headers from outside the stage: $outside"; return 1; }
	grep -q 'event2/event\.h' "$1" || { echo "$1 lists no event2/event.h"; return 1; }
}

cd "$stage"
# shellcheck disable=SC2046
cc -MD -MF shared.d -o probe-shared probe.c litevent_proof.c $(pkg-config --cflags --libs libevent libevent_pthreads)
headers_from_stage shared.d
LITEVENT_EXPECT=$prefix/lib LD_LIBRARY_PATH=$prefix/lib ./probe-shared | grep -q '^version 2\.1\.12-stable, 1 tick$'

# Static: litevent's archives, the C library still shared.
# shellcheck disable=SC2046
cc -MD -MF static.d -Wl,-Map=static.map -o probe-static probe.c litevent_proof.c \
	$(pkg-config --cflags libevent) -Wl,-Bstatic $(pkg-config --static --libs-only-L --libs-only-l libevent libevent_pthreads) \
	-Wl,-Bdynamic $(pkg-config --static --libs-only-other libevent libevent_pthreads)
headers_from_stage static.d
if grep -oE '[^ ()]*libevent[a-z_]*\.(a|so)[^ ()]*' static.map | sort -u | grep -v "^$prefix/lib/"; then
	echo "the static probe linked libevent archives from outside the stage (above)"
	exit 1
fi
LITEVENT_EXPECT=static ./probe-static | grep -q '^version 2\.1\.12-stable, 1 tick$'

# The proof can fail: without LD_LIBRARY_PATH the loader finds the system's
# libevent 2.1 (libevent-dev), and the probe must refuse to run on it.
if [ -e /usr/lib/x86_64-linux-gnu/libevent-2.1.so.7 ]; then
	if LITEVENT_EXPECT=$prefix/lib ./probe-shared >/dev/null 2>"$stage/refused"; then
		echo "the probe ran on the system's libevent and did not notice"
		exit 1
	fi
	grep -q 'not litevent' "$stage/refused"
fi
cd "$root"

tools/install.sh --uninstall "$build" "$prefix" >/dev/null
left=$(find "$prefix" -type f -o -type l)
[ -z "$left" ] || { echo "make uninstall left: $left"; exit 1; }

# DESTDIR: a package build installs for /usr/local into a staging root.
tools/install.sh "$build" /usr/local "$stage/root" >/dev/null
staged=$(PKG_CONFIG_LIBDIR=$stage/root/usr/local/lib/pkgconfig pkg-config --libs libevent)
case $staged in "-L$stage/root/usr/local/lib/pkgconfig/../../lib -levent"*) ;;
	*) echo "DESTDIR install: pkg-config --libs libevent says $staged"; exit 1 ;; esac
tools/install.sh --uninstall "$build" /usr/local "$stage/root" >/dev/null
left=$(find "$stage/root" -type f -o -type l)
[ -z "$left" ] || { echo "make uninstall DESTDIR=... left: $left"; exit 1; }
echo "installed tree works through pkg-config alone (shared and static), and is litevent"
