#!/usr/bin/env bash
# tools/install.sh BUILD PREFIX [DESTDIR] -- install like libevent 2.1 does:
# headers under include/ (event2/ plus the compat event.h, evutil.h, evdns.h),
# the libraries static and shared under lib/, and one pkg-config file per
# library that was built, so that `pkg-config --cflags --libs libevent` finds
# litevent.
#
# tools/install.sh --uninstall BUILD PREFIX [DESTDIR] removes exactly what an
# install of this tree puts there.
#
# The .pc files find the tree through ${pcfiledir}, the directory pkg-config
# read them from, so a staged (DESTDIR) or moved tree works as installed.
set -euo pipefail
mode=install
if [ "${1:-}" = --uninstall ]; then mode=uninstall; shift; fi
build=${1:?usage: tools/install.sh [--uninstall] BUILD PREFIX [DESTDIR]}
prefix=${2:?usage: tools/install.sh [--uninstall] BUILD PREFIX [DESTDIR]}
destdir=${3:-}
case $prefix in /*) ;; *) prefix=$(pwd)/$prefix ;; esac
inc=$destdir$prefix/include lib=$destdir$prefix/lib pc=$destdir$prefix/lib/pkgconfig

# Every library libevent 2.1 ships, and what its .pc file says.  A .pc file
# is written only for a library this build made.
#   name|description|Requires|Libs.private
libraries=(
	"libevent|the event notification library (litevent: a libevent 2.1 drop-in)||-pthread"
	"libevent_core|the event loop, buffers, bufferevents and listeners (litevent)||-pthread"
	"libevent_extra|DNS on top of the event loop (litevent)|libevent_core|"
	"libevent_pthreads|pthreads locking for the event library (litevent)|libevent|-pthread"
	"libevent_openssl|OpenSSL bufferevents (litevent)|libevent|-lssl -lcrypto"
)
# The files each library is made of: archive, soname, link-time symlink.
library_files() {
	echo "$1.a" "$1-2.1.so.7" "$1.so"
}
headers() {
	(cd src/include && find . -name '*.h' | sed 's@^\./@@' | sort)
}

if [ $mode = uninstall ]; then
	while read -r h; do rm -f "$inc/$h"; done < <(headers)
	for entry in "${libraries[@]}"; do
		name=${entry%%|*}
		for f in $(library_files "$name"); do rm -f "$lib/$f"; done
		rm -f "$pc/$name.pc"
	done
	# The two directories that are litevent's alone go too, if now empty;
	# include/ and lib/ may be shared with other software and stay.
	rmdir "$inc/event2" "$pc" 2>/dev/null || true
	echo "uninstalled litevent from $destdir$prefix"
	exit 0
fi

mkdir -p "$inc/event2" "$lib" "$pc"
while read -r h; do install -m 644 "src/include/$h" "$inc/$h"; done < <(headers)

version=$(sed -n 's/^#define EVENT__VERSION "\(.*\)"$/\1/p' src/include/event2/event-config.h)
written=()
for entry in "${libraries[@]}"; do
	IFS='|' read -r name description requires private <<<"$entry"
	[ -e "$build/lib/$name.a" ] || continue
	read -r archive shared link <<<"$(library_files "$name")"
	install -m 644 "$build/lib/$archive" "$lib/$archive"
	install -m 755 "$build/lib/$shared" "$lib/$shared"
	ln -sfn "$shared" "$lib/$link"
	cat >"$pc/$name.pc" <<PC
# $name.pc -- litevent, installed by tools/install.sh.  The prefix is
# found from where this file lies, so the tree can be staged or moved.
prefix=\${pcfiledir}/../..
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: $name
Description: $description
Version: $version
Requires: $requires
Conflicts:
Libs: -L\${libdir} -l${name#lib}
Libs.private: $private
Cflags: -I\${includedir}
PC
	written+=("$name")
done
[ ${#written[@]} -gt 0 ] || { echo "install: $build/lib holds no library; run make lib" >&2; exit 1; }
echo "installed litevent into $destdir$prefix (pkg-config: ${written[*]})"
