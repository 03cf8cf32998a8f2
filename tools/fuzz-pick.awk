# tools/fuzz-pick.awk MAX -- choose at most MAX corpus files from a libFuzzer
# merge control file (-merge_control_file): first, greedily, the files that
# together reach every coverage edge any file reaches (each pick the one
# adding most new edges, the smaller on a tie); then, while room is left,
# those adding most new features (edge hit counts and the like).  Prints
# the chosen paths, one a line, and the coverage reached to stderr.
#
#   awk -v max=50 -f tools/fuzz-pick.awk CONTROL_FILE
NR == 1 { nfiles = $1; next }
NR == 2 { next }
NR <= nfiles + 2 { path[NR - 3] = $0; next }
$1 == "STARTED" { size[$2] = $3; next }
$1 == "COV" || $1 == "FT" {
	kind = $1 == "COV" ? "e" : "f"
	for (i = 3; i <= NF; i++) {
		has[kind, $2, $i] = 1
		list[kind, $2] = list[kind, $2] " " $i
		if (!((kind, $i) in all)) { all[kind, $i] = 1; total[kind]++ }
	}
}
function gain(kind, f,    n, k, items) {
	n = split(list[kind, f], items, " ")
	g = 0
	for (k = 1; k <= n; k++)
		if (!((kind, items[k]) in got))
			g++
	return g
}
function take(f,    kind, n, k, items) {
	chosen[f] = 1
	picked++
	for (kind in want) {
		n = split(list[kind, f], items, " ")
		for (k = 1; k <= n; k++)
			if (!((kind, items[k]) in got)) { got[kind, items[k]] = 1; reached[kind]++ }
	}
}
function pick(kind,    f, best, bestgain, g) {
	best = -1; bestgain = 0
	for (f = 0; f < nfiles; f++) {
		if (f in chosen || !((kind, f) in list)) continue
		g = gain(kind, f)
		if (g > bestgain || (g == bestgain && g > 0 && size[f] < size[best])) {
			best = f; bestgain = g
		}
	}
	return best
}
END {
	want["e"] = 1; want["f"] = 1
	while (picked < max && (f = pick("e")) >= 0) take(f)
	while (picked < max && (f = pick("f")) >= 0) take(f)
	for (f in chosen) print path[f]
	printf "%d files reach %d of %d edges and %d of %d features\n", picked,
	    reached["e"], total["e"], reached["f"], total["f"] > "/dev/stderr"
}
