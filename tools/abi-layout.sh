#!/usr/bin/env bash
# tools/abi-layout.sh -- do litevent's headers give a compiled program the
# same numbers as libevent 2.1's?
#
# A program compiled against /usr/include/event2 has libevent's numbers
# built into it: the size of every struct it embeds or allocates, the offset
# of every field it or a macro reads, the value of every macro and enum
# constant it passes.  Run on litevent, each of those must still be right.
# For every header whose chapter exists (tools/public-headers.sh):
#
#   1. names come from the system's headers: structs and their members
#      (tools/abi-names.pl over the preprocessed headers), enum constants,
#      and the macros the header defines (object-like ones; the compiler
#      sorts them into integers, strings and types, and the rest are counted
#      as not comparable);
#   2. build/abi/measure.c, compiled against the system's headers and run,
#      prints one assertion per name with libevent's value in it;
#   3. build/abi/layout.c holds them as _Static_assert()s and is compiled
#      against src/include: every failed assertion, and every name litevent
#      lacks, is a compile error naming its line.
#
# Nothing but names is taken from the system's headers, and every generated
# file stays in build/.  One line per header, then "N passed, M failed".
set -u
out=build/abi
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. tools/public-headers.sh
CFLAGS=(-std=gnu11 -D_GNU_SOURCE -w)

# Layout that is libevent's private bookkeeping, exposed only so that C
# knows the size.  No documented interface reads these fields, and
# litevent keeps its own bookkeeping in the same bytes (chapter 3 shows
# where); everything else in struct event and struct event_callback is at
# libevent's offset.  An entry must name a member libevent has.
private_members=(
	"event_callback evcb_active_next"	# the active queue's links
	"event ev_timeout_pos"			# timer heap slot / common-timeout links
	"event ev_"				# per-descriptor and per-signal list links
)

# 0. The system's side of the due headers, as one program would include them.
due=()
: >"$work/includes.h"
for entry in "${public_headers[@]}"; do
	read -r gate header prelude <<<"$entry"
	header_due "$gate" "$header" || continue
	due+=("$header")
	for p in $prelude "$header"; do
		grep -qx "#include <$p>" "$work/includes.h" || echo "#include <$p>" >>"$work/includes.h"
	done
done
gcc "${CFLAGS[@]}" -dM -E -x c "$work/includes.h" >"$work/sys-macros"

# 1a. Structs named in the headers that are another struct under a macro
# (struct evbuffer_iovec is struct iovec on Linux): checked by their header
# name, with the members of the struct they stand for.
aliases=()
targets=()
for h in "${due[@]}"; do grep -ohE 'struct[[:space:]]+[A-Za-z_][A-Za-z0-9_]*' "/usr/include/$h"; done |
	awk '{ print $2 }' | sort -u >"$work/struct-words"
while read -r name; do
	target=$(awk -v n="$name" '$1 == "#define" && $2 == n && NF == 3 && $3 ~ /^[A-Za-z_][A-Za-z0-9_]*$/ { print $3 }' "$work/sys-macros")
	[ -n "$target" ] && aliases+=("$name") && targets+=("$target")
done <"$work/struct-words"
gcc "${CFLAGS[@]}" -E -x c "$work/includes.h" |
	perl tools/abi-names.pl "$(IFS=,; echo "${targets[*]}")" >"$work/names"

# 1b. The object-like macros each due header defines itself (not its guard).
: >"$work/macros"
for h in "${due[@]}"; do
	grep -E '^[[:space:]]*#[[:space:]]*define[[:space:]]+[A-Za-z_][A-Za-z0-9_]*' "/usr/include/$h" |
		sed -E 's/^[[:space:]]*#[[:space:]]*define[[:space:]]+([A-Za-z_][A-Za-z0-9_]*).*/\1/' |
		grep -vE '_INCLUDED_?$|_H_$|^EVENT2_.*_H|^EVENT_DEFINED_' | sed "s@\$@ $h@"
done | sort -u -k1,1 >"$work/own"
awk '$1 == "#define" && $2 !~ /\(/ { print $2 }' "$work/sys-macros" | sort -u >"$work/object-like"
join "$work/own" "$work/object-like" >"$work/macros"

# Which of them the compiler accepts as PATTERN (with @ for the macro):
# one file, one line per macro, and the lines without an error are kept.
accepted() {   # PATTERN < NAMES
	local names=() n=0
	mapfile -t names
	{ cat "$work/includes.h"; for m in "${names[@]}"; do echo "${1//@/$m}"; done; } >"$work/kind.c"
	gcc -std=gnu11 -D_GNU_SOURCE -Werror -Wall -fsyntax-only -fmax-errors=0 "$work/kind.c" 2>&1 |
		grep -oE '^[^:]*kind\.c:[0-9]+' | sed 's/.*://' | sort -un >"$work/bad-lines"
	local first=$(($(wc -l <"$work/includes.h") + 1))
	for m in "${names[@]}"; do
		grep -qx "$((first + n))" "$work/bad-lines" || echo "$m"
		n=$((n + 1))
	done
}
cut -d' ' -f1 "$work/macros" | accepted 'enum { kind_@ = (int)sizeof(char[(@) == (@) ? 1 : 1]) }; long long value_@ = (@);' >"$work/int-macros"
awk '$1 == "#define" && NF == 2 { print $2 }' "$work/sys-macros" | sort -u >"$work/empty-macros"
cut -d' ' -f1 "$work/macros" | comm -23 - "$work/int-macros" | comm -23 - "$work/empty-macros" |
	accepted 'static const char string_@[] = "" @ "";' >"$work/string-macros"
cut -d' ' -f1 "$work/macros" | comm -23 - "$work/int-macros" | comm -23 - "$work/empty-macros" |
	comm -23 - "$work/string-macros" | accepted 'typedef @ type_@;' >"$work/type-macros"
accepted 'int sign_@ = ((@)-1 < (@)0);' <"$work/type-macros" >"$work/arith-types"

# 2. measure.c: libevent's values, printed as "HEADER<TAB>ASSERTION<TAB>WHAT".
where() { awk -v m="$1" '$1 == m { print $2 }' "$work/macros"; }
{
	echo '#include <stddef.h>'
	echo '#include <stdio.h>'
	cat "$work/includes.h"
	cat <<'C'
static void
string(const char *header, const char *name, const char *value)
{
	printf("%s\t__builtin_strcmp(%s, \"", header, name);
	for (const char *p = value; *p; p++)
		printf(*p == '"' || *p == '\\' ? "\\%c" : (*p < ' ' || *p > '~') ? "\\%03o" : "%c", *p);
	printf("\") == 0\tmacro %s is '%s'\n", name, value);
}
static void
integer(const char *group, const char *test, const char *what, long long value)
{
	/* The most negative long long has no literal of its own. */
	if (value == -9223372036854775807LL - 1)
		printf("%s\t%s(-9223372036854775807LL - 1)\t%s %lld\n", group, test, what, value);
	else
		printf("%s\t%s%lldLL\t%s %lld\n", group, test, value, what, value);
}
int
main(void)
{
C
	while read -r m; do
		echo "	integer(\"$(where "$m")\", \"(long long)($m) == \", \"macro $m is\", $m);"
	done <"$work/int-macros"
	while read -r m; do
		echo "	string(\"$(where "$m")\", \"$m\", $m);"
	done <"$work/string-macros"
	while read -r m; do
		echo "	printf(\"$(where "$m")\tsizeof($m) == %zu\tmacro $m is a type of size %zu\n\", sizeof($m), sizeof($m));"
	done <"$work/type-macros"
	while read -r m; do
		echo "	printf(\"$(where "$m")\t(($m)-1 < ($m)0) == %d\tmacro $m is a signed type: %d\n\", ($m)-1 < ($m)0, ($m)-1 < ($m)0);"
	done <"$work/arith-types"
	awk '$1 == "enum" { print $2, $3 }' "$work/names" | while read -r e h; do
		printf '%s\n' "${due[@]}" | grep -qx "$h" &&
			echo "	integer(\"enum\", \"(long long)($e) == \", \"enum constant $e is\", $e);"
	done
	# struct TAG as the headers name it; members of what it stands for.
	emit_struct() {   # NAME-IN-HEADERS TAG
		local t="struct $1" kind tag path private
		echo "	printf(\"struct\tsizeof($t) == %zu\t$t: size %zu\n\", sizeof($t), sizeof($t));"
		echo "	printf(\"struct\t_Alignof($t) == %zu\t$t: alignment %zu\n\", _Alignof($t), _Alignof($t));"
		awk -v tag="$2" '($1 == "member" || $1 == "bitfield") && $2 == tag { print $1, $3 }' "$work/names" |
		while read -r kind path; do
			for private in "${private_members[@]}"; do
				[ "$private" = "$1 $path" ] || [[ "$1 $path" == "$private".* ]] && continue 2
			done
			[ "$kind" = bitfield ] && continue
			echo "	printf(\"struct\toffsetof($t, $path) == %zu\t$t: $path at offset %zu\n\", offsetof($t, $path), offsetof($t, $path));"
			echo "	printf(\"struct\tsizeof(((($t *)0)->$path)) == %zu\t$t: $path of size %zu\n\", sizeof(((($t *)0)->$path)), sizeof(((($t *)0)->$path)));"
		done
	}
	awk '$1 == "struct" && $3 != "-" { print $2, $3 }' "$work/names" | while read -r tag h; do
		printf '%s\n' "${due[@]}" | grep -qx "$h" && emit_struct "$tag" "$tag"
	done
	for ((k = 0; k < ${#aliases[@]}; k++)); do emit_struct "${aliases[k]}" "${targets[k]}"; done
	echo '	return 0;'
	echo '}'
} >"$out/measure.c"

passed=0 failed=0
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
if ! gcc "${CFLAGS[@]}" -o "$out/measure" "$out/measure.c" 2>"$work/measure.err"; then
	fail "measure.c does not compile against the system's headers"; sed 's/^/     /' "$work/measure.err" | head
	echo "$passed passed, $failed failed"; exit 1
fi
"$out/measure" >"$work/expected"

# A private member must still be one of libevent's.
for private in "${private_members[@]}"; do
	grep -qx "member $private" "$work/names" || fail "private member '$private' is not in libevent 2.1's headers"
done

# 3. layout.c: the assertions, compiled against litevent's headers.
{
	cat "$work/includes.h"
	echo '#include <stddef.h>'
	header_lines=$(($(wc -l <"$work/includes.h") + 1))
	awk -F'\t' '{ printf "_Static_assert(%s, \"%s in libevent 2.1\");\n", $2, $3 }' "$work/expected"
} >"$out/layout.c"
gcc "${CFLAGS[@]}" -Isrc/include -fsyntax-only -fmax-errors=0 "$out/layout.c" 2>&1 |
	grep -E '^[^:]*layout\.c:[0-9]+:[0-9]+: error:' | cut -d: -f2 | sort -un >"$work/failed-lines"

# One verdict per group: each due header's macros, the enums, the structs.
for group in "${due[@]}" enum struct; do
	total=0 problems=()
	while IFS=$'\t' read -r g expr what; do
		total=$((total + 1))
		[ "$g" = "$group" ] || continue
		: "$expr"
	done < <(awk -F'\t' -v g="$group" '$1 == g' "$work/expected")
	mapfile -t lines < <(awk -F'\t' -v g="$group" -v first="$header_lines" '$1 == g { print NR + first }' "$work/expected")
	for l in "${lines[@]}"; do
		grep -qx "$l" "$work/failed-lines" && problems+=("$(sed -n "${l}p" "$out/layout.c" | sed -E 's/^_Static_assert\((.*), "(.*)"\);$/\2: litevent fails \1/')")
	done
	[ ${#lines[@]} -eq 0 ] && continue
	if [ ${#problems[@]} -eq 0 ]; then
		echo "ok   $group: ${#lines[@]} values as libevent 2.1 has them"
		passed=$((passed + 1))
	else
		fail "$group: ${#problems[@]} of ${#lines[@]} values differ from libevent 2.1"
		printf '     %s\n' "${problems[@]}" | head -n 40
	fi
done
other=$(($(wc -l <"$work/macros") - $(cat "$work/int-macros" "$work/string-macros" "$work/type-macros" | wc -l)))
echo "     ($(wc -l <"$work/int-macros") integer, $(wc -l <"$work/string-macros") string and $(wc -l <"$work/type-macros") type macros compared; $other macros are neither, as EVENT2_EXPORT_SYMBOL is; function-like macros are api-check's)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
