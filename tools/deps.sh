#!/usr/bin/env bash
# Install the Debian packages litevent needs, and only the missing ones.
# (`tools/deps.sh fuzz`: the ones `make fuzz` needs instead.)
# As root it runs apt-get; otherwise it prints the command to run and fails,
# because a half-installed toolchain would only fail later and less clearly.
set -euo pipefail

packages=(
	gcc make pkg-config        # the compiler and the build
	libcmocka-dev              # the chapters' tests
	valgrind                   # memcheck on every test binary; bench/ uses its callgrind.h
	libssl-dev                 # libevent_openssl
	openssl iproute2           # examples/10-ssl: keys and s_client for the manual's examples, a private loopback
	asciidoctor ruby-rouge     # the HTML book, with highlighting
	pandoc                     # the EPUB
	ruby-asciidoctor-pdf       # the PDF
	fonts-dejavu-core fonts-dejavu-extra   # the PDF's fonts (book/pdf-theme.yml)
	poppler-utils              # the PDF link check (pdfinfo)
	graphviz                   # the figures
	libevent-dev               # the side-by-side benchmarks only
	inotify-tools              # make watch
	unzip zip                  # the EPUB: links in its listings, its link check
)

# `make fuzz` alone needs clang and its libFuzzer runtime: `tools/deps.sh fuzz`.
if [ "${1:-}" = fuzz ]; then
	packages=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
	[[ $p == \#* ]] && continue
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "litevent needs these Debian packages: ${missing[*]}" >&2
	echo "Run as root:  apt-get update && $cmd" >&2
	exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
