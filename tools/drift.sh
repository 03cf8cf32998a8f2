#!/usr/bin/env bash
# tools/drift.sh -- does src/ hold exactly what the chapters tangle to?
#
# Tangles into build/drift and compares.  For each file that differs it names
# the chapters that write it (from the banner of the fresh tangle), because
# the fix is always the same: edit the chapter, then run `make tangle`.
set -uo pipefail
LIT=${LIT:-build/tools/lit}
rm -rf build/drift && mkdir -p build/drift/src
"$LIT" tangle --out build/drift chapters/*/*.adoc || exit 1
[ -d src ] || mkdir -p src
# Not a failure: the chunks too long to explain in a paragraph, as a to-do list.
long_chunks() {
	local list
	list=$("$LIT" long --over 40 chapters/*/*.adoc) || return 0
	if [ "$(wc -l <<<"$list")" -gt 1 ]; then
		echo "check-tangle: to do -- split these chunks, or say in the prose why one must be long (long=\"...\"):"
		sed '$d' <<<"$list" | sed 's/^/  /'
	fi
	echo "check-tangle: $(tail -n 1 <<<"$list")"
}
if diff -r build/drift/src src >build/drift.diff 2>&1; then
	echo "check-tangle: src/ matches the chapters"
	long_chunks
	exit 0
fi
echo "src/ is generated from the chapters, and it has drifted from them:"
diff -rq build/drift/src src | while read -r line; do
	case $line in
	Files\ *)
		fresh=$(awk '{print $2}' <<<"$line") file=$(awk '{print $4}' <<<"$line")
		from=$(sed -n 's/^ \*   \(chapters\/.*\)$/\1/p' "$fresh" | paste -sd' ')
		echo "  $file was edited by hand; its source is: ${from:-the chapters}" ;;
	Only\ in\ build/drift/*)
		echo "  $(sed -E 's|^Only in build/drift/([^:]*): (.*)$|\1/\2|' <<<"$line") is missing from src/" ;;
	Only\ in\ *)
		echo "  $(sed -E 's|^Only in ([^:]*): (.*)$|\1/\2|' <<<"$line") is in src/ but no chapter writes it" ;;
	esac
done
echo "Do not edit src/: edit the chapter named above, then run 'make tangle' (the full diff is in build/drift.diff)."
exit 1
