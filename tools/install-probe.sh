#!/usr/bin/env bash
# tools/install-probe.sh BUILD -- install into a scratch prefix and build a
# small libevent program there the way a user's build would: only through
# pkg-config, once statically-linked-by-default and once against the shared
# libraries, and run both.
set -euo pipefail
build=$1
stage=$(pwd)/build/stage
rm -rf "$stage" && mkdir -p "$stage"
tools/install.sh "$build" "$stage" >/dev/null
export PKG_CONFIG_PATH=$stage/lib/pkgconfig
for pc in libevent libevent_core libevent_pthreads; do
	pkg-config --exists "$pc" || { echo "pkg-config does not find $pc"; exit 1; }
done
pkg-config --atleast-version=2.1 libevent || { echo "libevent.pc is older than 2.1"; exit 1; }

cat >"$stage/probe.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <event2/event.h>
#include <event2/thread.h>

int
main(void)
{
	/* A program that checks for libevent >= 2.1 before it starts. */
	if (event_get_version_number() < 0x02010000 || LIBEVENT_VERSION_NUMBER < 0x02010000) {
		fprintf(stderr, "too old: %s\n", event_get_version());
		return 1;
	}
	if (evthread_use_pthreads() != 0)
		return 1;
	printf("version %s\n", event_get_version());
	libevent_global_shutdown();
	return 0;
}
C
cc -o "$stage/probe-shared" "$stage/probe.c" $(pkg-config --cflags --libs libevent libevent_pthreads)
LD_LIBRARY_PATH=$stage/lib "$stage/probe-shared" | grep -q '^version 2\.1'
cc -o "$stage/probe-static" "$stage/probe.c" $(pkg-config --cflags libevent) \
	"$stage/lib/libevent_pthreads.a" "$stage/lib/libevent.a" -pthread
"$stage/probe-static" | grep -q '^version 2\.1'
echo "installed tree works through pkg-config (shared and static)"
