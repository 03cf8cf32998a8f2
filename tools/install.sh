#!/usr/bin/env bash
# tools/install.sh BUILD PREFIX [DESTDIR] -- install like libevent 2.1 does:
# headers under include/ (event2/ plus the compat event.h, evutil.h, evdns.h),
# the libraries static and shared under lib/, and one pkg-config file per
# library, so that `pkg-config --cflags --libs libevent` finds litevent.
set -euo pipefail
build=$1 prefix=$2 destdir=${3:-}
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac
inc=$destdir$prefix/include lib=$destdir$prefix/lib pc=$destdir$prefix/lib/pkgconfig
mkdir -p "$inc" "$lib" "$pc"

if [ -d src/include ]; then
	(cd src/include && find . -name '*.h' -print0 | xargs -0 -r -I{} install -D -m 644 {} "$inc/{}")
fi
for f in "$build"/lib/libevent*; do
	[ -e "$f" ] || continue
	cp -P "$f" "$lib/"
done

version=$(sed -n 's/^#define EVENT__VERSION "\(.*\)"$/\1/p' src/include/event2/event-config.h 2>/dev/null)
version=${version:-2.1.12-stable}
write_pc() {   # NAME DESCRIPTION LIBS [PRIVATE] [REQUIRES]
	[ -e "$lib/lib$1.a" ] || return 0
	cat >"$pc/$1.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: $1
Description: $2 (litevent, a libevent 2.1 drop-in)
Version: $version
Requires: ${5:-}
Libs: -L\${libdir} $3
Libs.private: ${4:-}
Cflags: -I\${includedir}
PC
}
write_pc libevent "the event notification library" -levent -pthread
write_pc libevent_core "the event loop, buffers and bufferevents" -levent_core -pthread
write_pc libevent_extra "DNS on top of the core" -levent_extra "" libevent_core
write_pc libevent_pthreads "pthreads locking for the event library" -levent_pthreads -pthread libevent_core
write_pc libevent_openssl "OpenSSL bufferevents" -levent_openssl "-lssl -lcrypto" "libevent_core openssl"
echo "installed litevent into $destdir$prefix"
