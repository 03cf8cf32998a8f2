# tools/test-outcomes.awk -- what happened to each test of one test binary.
#
#   awk -v bin=NAME -v envl=ENV -v rc=STATUS -f test-outcomes.awk NAMES LOG
#
# NAMES lists the binary's tests, one a line (LITEVENT_TEST_LIST=1 prints it);
# LOG is what the binary printed when run with LITEVENT_TEST_SECONDS set
# (tests/harness/watchdog.c: each test in its own process, with a time limit).
# Prints one record per test, in the binary's order, fields separated by tabs:
#
#   outcome  test  binary  environment  message
#
# outcome is pass, skip, fail, timeout, crash or notrun; every test in NAMES
# gets exactly one record, so the counts always add up.  The message holds
# the test's own lines (cmocka's error, the file and line, what the library
# logged), separated by the byte \037, at most five of them.
BEGIN { FS = " "; SEP = "\037" }

FNR == NR { order[++n] = $0; next }

/^\[ RUN      \] / { cur = $4; started[cur] = 1; next }
/^\[       OK \] / { outcome[$4] = "pass"; next }
/^\[  SKIPPED \] / { outcome[$4] = "skip"; next }
/^\[  FAILED  \] [A-Za-z_][A-Za-z_0-9]*$/ { if (!($4 in outcome)) outcome[$4] = "fail"; next }
/^\[  TIMEOUT \] / { name = $4; sub(/:$/, "", name); outcome[name] = "timeout"; next }
/^\[  CRASHED \] / {
	name = $4; sub(/:$/, "", name); outcome[name] = "crash"
	why = $0; sub(/^[^:]*: /, "", why); reason[name] = why
	next
}
/^\[  NOT RUN \] / { outcome[$5] = "notrun"; next }
/^\[     TIME \] / { cur = ""; next }
/^\[==========\]|^\[  PASSED  \]|^\[  FAILED  \] [0-9]+ test|^ [0-9]+ FAILED TEST|^[ \t]*$/ { next }

cur != "" {
	line = $0
	while (sub(/^\[  ERROR   \] --- |^\[   LINE   \] --- /, "", line))
		;
	sub(/: error: Failure!$/, "", line)
	sub(/^ERROR: /, "", line)
	if (line != "" && lines[cur] < 5) {
		text[cur] = text[cur] (lines[cur] ? SEP : "") substr(line, 1, 200)
		lines[cur]++
	}
}

END {
	for (i = 1; i <= n; i++) {
		t = order[i]
		o = (t in outcome) ? outcome[t] : ((t in started) ? "fail" : "notrun")
		# The binary itself was stopped (the backstop limit) in this test.
		if (!(t in outcome) && (t in started) && (rc == 124 || rc == 137))
			o = "timeout"
		msg = text[t]
		if (o == "crash")
			msg = reason[t] (msg != "" ? SEP msg : "")
		printf "%s\t%s\t%s\t%s\t%s\n", o, t, bin, envl, msg
	}
}
