/*
 * Tests of tools/lit, the tangler, and of the exercise runner.
 *
 * Each test writes a tiny book into a fresh directory under /tmp, runs the
 * real tool on it, and checks what it wrote or what it said.  Run from the
 * repository root (make check does), so that build/tools/lit and tools/ are
 * where the tests expect them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char repo[PATH_MAX];
static char lit[PATH_MAX + 32];

/* ------------------------------------------------------------ helpers */

struct sandbox {
	char dir[64];
};

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], cmd[PATH_MAX * 2];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
read_back(const char *dir, const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Run a shell command inside dir; return its exit status and its output. */
static int
run_in(const char *dir, char *output, size_t outsize, const char *fmt, ...)
{
	char cmd[8192];
	int n = snprintf(cmd, sizeof(cmd), "cd '%s' && ( ", dir);
	va_list ap;
	va_start(ap, fmt);
	n += vsnprintf(cmd + n, sizeof(cmd) - (size_t)n, fmt, ap);
	va_end(ap);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " ) 2>&1");
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t len = fread(output, 1, outsize - 1, p);
	output[len] = '\0';
	int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int
sandbox_setup(void **state)
{
	struct sandbox *s = malloc(sizeof(*s));
	strcpy(s->dir, "/tmp/lit-test-XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	*state = s;
	return 0;
}

static int
sandbox_teardown(void **state)
{
	struct sandbox *s = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	int rc = system(cmd);
	free(s);
	return rc;
}

/* Tangle a one-chapter book; expect failure naming file:line and a phrase. */
static void
expect_error(const char *dir, const char *chapter, const char *where, const char *phrase)
{
	char out[8192];
	write_file(dir, "chapters/01-demo/01-demo.adoc", chapter);
	int rc = run_in(dir, out, sizeof(out), "%s tangle --out out chapters/*/*.adoc", lit);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, where) || !strstr(out, phrase))
		fail_msg("expected '%s' and '%s' in:\n%s", where, phrase, out);
	char written[PATH_MAX];
	struct stat st;
	snprintf(written, sizeof(written), "%s/out/src", dir);
	assert_int_not_equal(stat(written, &st), 0);   /* nothing written */
}

#define BLOCK(title, attrs, body) "." title "\n[source,c," attrs "]\n----\n" body "----\n\n"

/* ------------------------------------------------------- error classes */

static void
test_undefined_reference_names_its_line(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir,
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "int x;\n<<Missing piece>>\n"),
	    "chapters/01-demo/01-demo.adoc:7:", "undefined chunk <<Missing piece>>");
}

static void
test_unused_chunk_is_an_error(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir,
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "int x;\n")
	    BLOCK("Orphan", "chunk=\"Orphan\"", "int y;\n"),
	    "chapters/01-demo/01-demo.adoc:10:", "defined but never used");
}

static void
test_cycle_is_reported(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir,
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "<<Ping>>\n")
	    BLOCK("Ping", "chunk=\"Ping\"", "<<Pong>>\n")
	    BLOCK("Pong", "chunk=\"Pong\"", "<<Ping>>\n"),
	    "chapters/01-demo/01-demo.adoc:", "a cycle");
}

static void
test_duplicate_definition_needs_append(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir,
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "<<Body>>\n")
	    BLOCK("Body", "chunk=\"Body\"", "int a;\n")
	    BLOCK("Body", "chunk=\"Body\"", "int b;\n"),
	    "chapters/01-demo/01-demo.adoc:16:", "already defined at chapters/01-demo/01-demo.adoc:10");
}

static void
test_append_without_definition_is_an_error(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir,
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "int a;\n")
	    BLOCK("More", "chunk=\"More\",append", "int b;\n"),
	    "chapters/01-demo/01-demo.adoc:10:", "no earlier definition");
}

static void
test_root_outside_src_is_refused(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir, "== Demo\n\n" BLOCK("Root", "chunk=\"lib/a.c\"", "int a;\n"),
	    "chapters/01-demo/01-demo.adoc:4:", "outside src/");
	expect_error(s->dir, "== Demo\n\n" BLOCK("Root", "chunk=\"src/../a.c\"", "int a;\n"),
	    "chapters/01-demo/01-demo.adoc:4:", "not a plain path under src/");
}

static void
test_unterminated_block_is_reported(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir, "== Demo\n\n.Root\n[source,c,chunk=\"src/a.c\"]\n----\nint a;\n",
	    "chapters/01-demo/01-demo.adoc:5:", "never closed");
}

static void
test_malformed_attributes_are_reported(void **state)
{
	struct sandbox *s = *state;
	expect_error(s->dir, "== Demo\n\n.Root\n[source,c,chunk=\"src/a.c]\n----\nint a;\n----\n",
	    "chapters/01-demo/01-demo.adoc:4:", "malformed block attribute list");
}

static void
test_exercise_must_be_one_function(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_file(s->dir, "chapters/01-demo/01-demo.adoc",
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "<<Two things>>\n")
	    BLOCK("Two things", "chunk=\"Two things\",exercise=\"1.1\"", "int a;\nint b;\n"));
	int rc = run_in(s->dir, out, sizeof(out), "%s manifest chapters/*/*.adoc", lit);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "chapters/01-demo/01-demo.adoc:10:"));
	assert_non_null(strstr(out, "exactly one function"));
}

static void
test_exercises_out_of_reading_order_are_refused(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_file(s->dir, "chapters/01-demo/01-demo.adoc",
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "<<Second>>\n<<First>>\n")
	    BLOCK("Second", "chunk=\"Second\",exercise=\"1.2\"", "int\ntwo(void)\n{\n\treturn 2;\n}\n")
	    BLOCK("First", "chunk=\"First\",exercise=\"1.1\"", "int\none(void)\n{\n\treturn 1;\n}\n"));
	int rc = run_in(s->dir, out, sizeof(out), "%s manifest chapters/*/*.adoc", lit);
	assert_int_not_equal(rc, 0);
	if (!strstr(out, "chapters/01-demo/01-demo.adoc:21:") ||
	    !strstr(out, "exercise 1.1 comes after exercise 1.2") || !strstr(out, "reading order"))
		fail_msg("expected the out-of-order exercise named at its line:\n%s", out);
}

/* The book titles a chunk with its name: a different title above the block,
 * or a chapter called "chapter 01", is a mistake the weave names. */
static void
test_weave_refuses_a_wrong_title_and_a_zero_padded_chapter(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_file(s->dir, "chapters/01-demo/01-demo.adoc",
	    "== Demo\n\nAs chapter 02 will show.\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "<<Body>>\n")
	    BLOCK("Something else", "chunk=\"Body\"", "int a;\n"));
	int rc = run_in(s->dir, out, sizeof(out), "%s weave --out w chapters/*/*.adoc", lit);
	if (rc == 0 || !strstr(out, "chapters/01-demo/01-demo.adoc:3: error: write \"chapter 2\"") ||
	    !strstr(out, "chapters/01-demo/01-demo.adoc:11: error: block title 'Something else' "
	    "does not match its chunk <<Body>>"))
		fail_msg("weave said (rc %d):\n%s", rc, out);
}

/* Chunks over the limit are listed, not refused; long="why" takes one off the list. */
static void
test_long_chunks_are_a_to_do_list(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_file(s->dir, "chapters/01-demo/01-demo.adoc",
	    "== Demo\n\n" BLOCK("Root", "chunk=\"src/a.c\"", "<<Three lines>>\n<<Four lines>>\n<<Also four>>\n")
	    BLOCK("Three lines", "chunk=\"Three lines\"", "int a;\nint b;\nint c;\n")
	    BLOCK("Four lines", "chunk=\"Four lines\"", "int d;\nint e;\nint f;\nint g;\n")
	    BLOCK("Also four", "chunk=\"Also four\",long=\"a table reads best whole\"",
		"int h;\nint i;\nint j;\nint k;\n"));
	int rc = run_in(s->dir, out, sizeof(out), "%s long --over 3 chapters/*/*.adoc", lit);
	assert_int_equal(rc, 0);
	if (!strstr(out, "chapters/01-demo/01-demo.adoc:20: \xe2\x9f\xa8" "Four lines\xe2\x9f\xa9 is 4 lines\n") ||
	    strstr(out, "Three lines") || strstr(out, "Also four") ||
	    !strstr(out, "1 chunk definition over 3 lines to split or explain; 1 explained"))
		fail_msg("lit long said:\n%s", out);
}

/* ----------------------------------------------------------------- modes */

static const char *two_chapters_first =
    "== First\n\n"
    BLOCK("Root", "chunk=\"src/a.c\"", "#include <stdio.h>\n<<Say hello>>\n<<Later addition>>\n")
    "=== Greeting\n\n"
    BLOCK("Say hello", "chunk=\"Say hello\",exercise=\"1.1\",stub=\"return -1;\",hint=\"Print it.\"",
	"int\nhello(void)\n{\n\t<<Print the greeting>>\n\treturn 0;\n}\n")
    BLOCK("Print the greeting", "chunk=\"Print the greeting\"", "puts(\"hello\");\n")
    BLOCK("A macro", "chunk=\"src/m.h\"", "#define TWICE(x) \\\n\t<<Macro body>>\n")
    BLOCK("Macro body", "chunk=\"Macro body\"", "((x) + (x))\n");

static const char *two_chapters_second =
    "== Second\n\n"
    BLOCK("Later addition", "chunk=\"Later addition\"", "int later;\n")
    BLOCK("More greeting", "chunk=\"Print the greeting\",append", "puts(\"again\");\n");

static void
write_two_chapters(const char *dir)
{
	write_file(dir, "chapters/01-first/01-first.adoc", two_chapters_first);
	write_file(dir, "chapters/02-second/02-second.adoc", two_chapters_second);
}

static void
test_tangle_is_deterministic_with_banner_and_chunk_comments(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s tangle --out one chapters/*/*.adoc && %s tangle --out two chapters/*/*.adoc && "
	    "diff -r one two", lit, lit), 0);
	const char *c = read_back(s->dir, "one/src/a.c");
	assert_non_null(c);
	assert_non_null(strstr(c, "Generated by tools/lit"));
	assert_non_null(strstr(c, "chapters/02-second/02-second.adoc"));
	assert_non_null(strstr(c, "/* \xe2\x9f\xa8Say hello\xe2\x9f\xa9 */"));
	/* The reference's indentation applies to every expanded line, and an
	 * appended definition follows the first. */
	assert_non_null(strstr(c, "\tputs(\"hello\");\n"));
	assert_non_null(strstr(c, "\tputs(\"again\");\n"));
	assert_true(strstr(c, "hello\")") < strstr(c, "again\")"));
}

static void
test_prefix_tangle_drops_later_chapters(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s tangle --upto 01 --out p chapters/*/*.adoc", lit), 0);
	const char *c = read_back(s->dir, "p/src/a.c");
	assert_non_null(c);
	assert_null(strstr(c, "later"));
	assert_null(strstr(c, "again"));
	assert_non_null(strstr(c, "hello"));
}

static void
test_line_directives_point_at_the_chapter(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s tangle --lines --out l chapters/*/*.adoc", lit), 0);
	const char *c = read_back(s->dir, "l/src/a.c");
	/* "puts(\"hello\");" is line 27 of the first chapter. */
	assert_non_null(strstr(c, "#line 27 \"chapters/01-first/01-first.adoc\"\n\tputs(\"hello\");"));
	const char *h = read_back(s->dir, "l/src/m.h");
	/* Never after a line ending in a backslash: the macro would break. */
	assert_null(strstr(h, "\\\n#line"));
	assert_non_null(strstr(h, "\\\n\t((x) + (x))"));
}

static void
test_weave_anchors_links_and_index(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s weave --out w chapters/*/*.adoc", lit), 0);
	const char *w = read_back(s->dir, "w/01-first/01-first.adoc");
	assert_non_null(w);
	assert_non_null(strstr(w, ".[[chunk-print-the-greeting]]pass:c[\xe2\x9f\xa8Print the greeting\xe2\x9f\xa9] \xe2\x89\xa1"));
	assert_non_null(strstr(w, "Used in <<chunk-say-hello,"));
	assert_non_null(strstr(w, "Continued in <<chunk-print-the-greeting-2,"));
	assert_non_null(strstr(w, "[%collapsible]"));
	assert_null(strstr(w, "<<Print the greeting>>"));      /* became a token */
	const char *w2 = read_back(s->dir, "w/02-second/02-second.adoc");
	assert_non_null(strstr(w2, "[[chunk-print-the-greeting-2]]"));
	assert_non_null(strstr(w2, "{plus}\xe2\x89\xa1"));
	const char *idx = read_back(s->dir, "w/index.adoc");
	assert_non_null(strstr(idx, "== Index of chunks"));
	assert_non_null(strstr(idx, "<<chunk-later-addition,"));
}

static void
test_fixrefs_turns_tokens_into_links(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	write_file(s->dir, "page.html", "<pre><span class=\"n\">LITREF000001</span></pre>\n"
	    "<p id=\"chunk-say-hello\">here</p>\n");
	/* An EPUB is a page per chapter: a link to another page names it. */
	write_file(s->dir, "epub/ch1.xhtml", "<pre><code>LITREF000001</code></pre>\n");
	write_file(s->dir, "epub/ch2.xhtml", "<p><span id=\"chunk-say-hello\"></span>hello</p>\n");
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s weave --out w chapters/*/*.adoc && %s fixrefs w/refs.tsv page.html && "
	    "%s fixrefs w/refs.tsv epub/ch1.xhtml epub/ch2.xhtml", lit, lit, lit), 0);
	assert_non_null(strstr(read_back(s->dir, "page.html"),
	    "<a class=\"chunkref\" href=\"#chunk-say-hello\">\xe2\x9f\xa8Say hello\xe2\x9f\xa9</a>"));
	assert_non_null(strstr(read_back(s->dir, "epub/ch1.xhtml"),
	    "<a class=\"chunkref\" href=\"ch2.xhtml#chunk-say-hello\">\xe2\x9f\xa8Say hello\xe2\x9f\xa9</a>"));
}

/* An exercise's anchor is on its statement, never inside the folded answer;
 * outside the HTML the answer moves to an appendix that links back. */
static void
test_weave_keeps_solutions_away_from_questions(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s weave --out w chapters/*/*.adoc", lit), 0);
	const char *w = read_back(s->dir, "w/01-first/01-first.adoc");
	const char *statement = strstr(w, "[[chunk-say-hello]]*Exercise 1.1.*");
	const char *html_only = strstr(w, "ifdef::backend-html5[]\n.Solution to exercise 1.1");
	const char *listing = strstr(w, ".pass:c[\xe2\x9f\xa8Say hello\xe2\x9f\xa9] \xe2\x89\xa1");
	const char *elsewhere = strstr(w, "ifndef::backend-html5[]\nThe book's solution");
	if (!statement || !html_only || !listing || !elsewhere ||
	    !(statement < html_only && html_only < listing && listing < elsewhere) ||
	    !strstr(w, "<<solution-1-1,solution to exercise 1.1>>") || strstr(w, "Print it.\n"))
		fail_msg("weave of an exercise:\n%s", w);
	assert_non_null(strstr(w, "_Hint:_ pass:c[Print it.]"));
	const char *idx = read_back(s->dir, "w/index.adoc");
	const char *appendix = strstr(idx, "ifndef::backend-html5[]\n[appendix]\n[[solutions]]");
	const char *answer = strstr(idx, "[[solution-1-1]]*Exercise 1.1:* `hello()`, from chapter 1");
	if (!appendix || !answer || !strstr(answer, "<<chunk-say-hello,back to the exercise>>") ||
	    !strstr(answer, "hello(void)\n{\n\tLITREF"))
		fail_msg("solutions appendix:\n%s", idx);
}

/* The rendered pages: each mistake of inline markup is named by line. */
static void
test_checkhtml_finds_what_inline_markup_got_wrong(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	write_file(s->dir, "bad.html",
	    "<p>runs from `base&#8217;s loop</p>\n"
	    "<p>while <code>pos &#8656; limit</code> and <code>ev&#8594;flags</code></p>\n"
	    "<pre><code>\xe2\x9f\xa8Say hello\xe2\x9f\xa9\n\xe2\x9f\xa8Made up\xe2\x9f\xa9</code></pre>\n"
	    "<details><summary>x</summary><div id=\"chunk-say-hello\"></div></details>\n"
	    "<p>LITREF000001</p>\n");
	write_file(s->dir, "good.html",
	    "<p>a <code>pos &lt;= limit</code> and base&#8217;s loop, <code>ev-&gt;flags</code></p>\n"
	    "<pre><code><a href=\"#x\">\xe2\x9f\xa8Say hello\xe2\x9f\xa9</a> `ls` &#8594;</code></pre>\n"
	    "<p id=\"chunk-say-hello\">x</p><details><summary>answer</summary>folded</details>\n");
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s weave --out w chapters/*/*.adoc", lit), 0);
	int rc = run_in(s->dir, out, sizeof(out), "%s checkhtml --refs w/refs.tsv good.html", lit);
	if (rc != 0)
		fail_msg("a clean page was refused:\n%s", out);
	rc = run_in(s->dir, out, sizeof(out), "%s checkhtml --refs w/refs.tsv bad.html", lit);
	if (rc == 0 || !strstr(out, "bad.html:1: a stray backtick") ||
	    !strstr(out, "bad.html:2: a typographic replacement inside inline code") ||
	    !strstr(out, "bad.html:3: a chunk reference in a listing that is not a link") ||
	    strstr(out, "bad.html:4: a chunk reference") ||
	    !strstr(out, "bad.html:5: a chunk's anchor inside a folded solution") ||
	    !strstr(out, "bad.html:6: a chunk reference token") || !strstr(out, "6 problems"))
		fail_msg("checkhtml said (rc %d):\n%s", rc, out);
}

static void
test_starter_keeps_signature_and_uses_stub(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s starters --out ex chapters/*/*.adoc", lit), 0);
	const char *st = read_back(s->dir, "ex/01-first/1.1-hello.c");
	assert_non_null(st);
	assert_non_null(strstr(st, "Exercise 1.1: write hello()"));
	assert_non_null(strstr(st, "Read \"Greeting\""));
	assert_non_null(strstr(st, "Hint: Print it."));
	assert_non_null(strstr(st, "int\nhello(void)\n{\n\t/* Your code here. */\n\treturn -1;\n}\n"));
}

static void
test_manifest_lists_exercise_fields(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out), "%s manifest chapters/*/*.adoc", lit), 0);
	assert_string_equal(out, "1.1\t01-first\thello\tSay hello\tGreeting\tPrint it.\t"
	    "chapters/01-first/01-first.adoc:14\t\n");
}

static void
test_exercise_substitution_replaces_one_chunk(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	write_file(s->dir, "mine.c", "int\nhello(void)\n{\n\treturn 42;\n}\n");
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s tangle --lines --exercise 1.1=mine.c --out x chapters/*/*.adoc", lit), 0);
	const char *c = read_back(s->dir, "x/src/a.c");
	assert_non_null(strstr(c, "#line 1 \"mine.c\"\nint\nhello(void)\n{\n\treturn 42;"));
	assert_null(strstr(c, "puts(\"hello\")"));
	assert_int_not_equal(run_in(s->dir, out, sizeof(out),
	    "%s tangle --exercise 9.9=mine.c --out y chapters/*/*.adoc", lit), 0);
	assert_non_null(strstr(out, "no exercise 9.9"));
}

static void
test_unchanged_files_are_not_rewritten_and_stale_ones_go(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "%s tangle --out t chapters/*/*.adoc && touch -d '2001-01-01' t/src/a.c && "
	    "echo stale > t/src/old.c && %s tangle --out t chapters/*/*.adoc && "
	    "stat -c %%Y t/src/a.c && test ! -e t/src/old.c", lit, lit), 0);
	assert_non_null(strstr(out, "978307200"));    /* 2001-01-01, untouched */
	assert_non_null(strstr(out, "removed stale"));
}

static void
test_hand_edit_fails_check_tangle_naming_the_chapter(void **state)
{
	struct sandbox *s = *state;
	char out[8192];
	write_two_chapters(s->dir);
	assert_int_equal(run_in(s->dir, out, sizeof(out),
	    "mkdir -p build/tools tools && cp '%s' build/tools/lit && cp '%s/tools/lit.c' tools/ && "
	    "touch build/tools/lit && build/tools/lit tangle chapters/*/*.adoc && "
	    "'%s/tools/drift.sh'", lit, repo, repo), 0);
	assert_non_null(strstr(out, "src/ matches the chapters"));
	int rc = run_in(s->dir, out, sizeof(out),
	    "echo '/* my fix */' >> src/a.c && '%s/tools/drift.sh'", repo);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "src/a.c was edited by hand"));
	assert_non_null(strstr(out, "chapters/01-first/01-first.adoc"));
	assert_non_null(strstr(out, "make tangle"));
}

/* --------------------------------------------------- the exercise runner */

/* Does text appear in out exactly once? */
static int
appears_once(const char *out, const char *text)
{
	const char *first = strstr(out, text);
	return first && !strstr(first + 1, text);
}

/* Copy the fixture book (tests/tools/fixture) into the sandbox. */
static void
copy_fixture(const char *dir)
{
	char out[4096];
	assert_int_equal(run_in(dir, out, sizeof(out),
	    "cp -r '%s/tests/tools/fixture/.' . && mkdir -p build/tools && cp '%s' build/tools/lit",
	    repo, lit), 0);
}

static void
test_runner_reports_failing_tests_of_a_starter(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	int rc = run_in(s->dir, out, sizeof(out), "'%s/tools/exercise.sh' run 1.1", repo);
	if (rc != 1 || !strstr(out, "FAIL test_add_sums_two_counters") ||
	    !strstr(out, "Re-read \"Adding counters\"") || !strstr(out, "Hint: Return the sum."))
		fail_msg("runner output (rc %d):\n%s", rc, out);
	/* The other test of the chapter still passes with the reference. */
	assert_null(strstr(out, "FAIL test_clamp"));
}

static void
test_runner_accepts_a_correct_solution_and_lists_progress(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	write_file(s->dir, "exercises/01-demo/1.1-demo_add.c",
	    "int\ndemo_add(int a, int b)\n{\n\tint sum = a;\n\tsum += b;\n\treturn sum;\n}\n");
	int rc = run_in(s->dir, out, sizeof(out), "'%s/tools/exercise.sh' run 1.1", repo);
	if (rc != 0 || !strstr(out, "exercise 1.1 is done"))
		fail_msg("runner output (rc %d):\n%s", rc, out);
	rc = run_in(s->dir, out, sizeof(out), "'%s/tools/exercise.sh' list", repo);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "demo_add()"));
	assert_non_null(strstr(out, "done"));
	assert_non_null(strstr(out, "not started"));
	assert_non_null(strstr(out, "1 of 2 done"));
}

static void
test_runner_explains_a_file_that_does_not_build(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	write_file(s->dir, "exercises/01-demo/1.1-demo_add.c",
	    "int\ndemo_add(int a, int b)\n{\n\treturn a + ;\n}\n");
	int rc = run_in(s->dir, out, sizeof(out), "'%s/tools/exercise.sh' run 1.1", repo);
	if (rc != 1 || !strstr(out, "does not build yet") ||
	    !strstr(out, "exercises/01-demo/1.1-demo_add.c:4"))
		fail_msg("runner output (rc %d):\n%s", rc, out);
}

/* A test that never returns is stopped at its own limit and named; the
 * counts still cover every test of the chapter. */
static void
test_runner_names_a_test_that_never_returns(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	write_file(s->dir, "exercises/01-demo/1.2-demo_clamp.c",
	    "int\ndemo_clamp(int value, int low, int high)\n{\n\tfor (;;)\n\t\t;\n}\n");
	int rc = run_in(s->dir, out, sizeof(out), "TEST_SECONDS=1 '%s/tools/exercise.sh' run 1.2", repo);
	if (rc != 1 || !strstr(out, "TIMEOUT test_clamp_keeps_values_in_range (test_demo)") ||
	    !strstr(out, "probably a loop that never ends") ||
	    !strstr(out, "1 failing, 1 passing, 0 not run (of 2)"))
		fail_msg("runner output (rc %d):\n%s", rc, out);
}

/* An untouched starter that stops the process with its own message: the
 * message is shown once for all the tests it stopped, the run ends at the
 * first binary that failed, and the binaries after it count as not run. */
static void
test_runner_shows_the_starters_message_once(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	write_file(s->dir, "tests/01-demo/test_add_more.c",
	    "#include <stdarg.h>\n#include <stddef.h>\n#include <setjmp.h>\n#include <stdint.h>\n"
	    "#include <cmocka.h>\n#include \"demo.h\"\n"
	    "static void test_add_zero(void **s) { (void)s; assert_int_equal(demo_add(0, 0), 0); }\n"
	    "static void test_add_negative(void **s) { (void)s; assert_int_equal(demo_add(-2, 1), -1); }\n"
	    "int main(void) { const struct CMUnitTest t[] = { cmocka_unit_test(test_add_zero),\n"
	    "    cmocka_unit_test(test_add_negative) }; return cmocka_run_group_tests(t, NULL, NULL); }\n");
	write_file(s->dir, "exercises/01-demo/1.1-demo_add.c",
	    "#include <stdio.h>\n#include <stdlib.h>\nint\ndemo_add(int a, int b)\n{\n"
	    "\tfprintf(stderr, \"%s: exercise 1.1 is not written yet\\n\", __func__);\n\tabort();\n}\n");
	int rc = run_in(s->dir, out, sizeof(out), "'%s/tools/exercise.sh' run 1.1", repo);
	if (rc != 1 || !appears_once(out, "exercise 1.1 is not written yet") ||
	    !strstr(out, "NOT WRITTEN YET: the starter stopped 2 tests") ||
	    !strstr(out, "(test_add_zero, test_add_negative)") ||
	    !strstr(out, "2 failing, 0 passing, 2 not run (of 4)") || strstr(out, "status 134"))
		fail_msg("runner output (rc %d):\n%s", rc, out);
}

/* With ALL=1 every environment runs; a test failing alike in each is one
 * entry, and cmocka's hexadecimal gives way to the values as written. */
static void
test_runner_collapses_failures_alike_in_every_environment(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	write_file(s->dir, "tests/01-demo/ENVIRONMENTS", "\nDEMO_SECOND_RUN=1\n");
	int rc = run_in(s->dir, out, sizeof(out), "ALL=1 '%s/tools/exercise.sh' run 1.1", repo);
	if (rc != 1 || !appears_once(out, "FAIL test_add_sums_two_counters") ||
	    !strstr(out, "FAIL test_add_sums_two_counters (test_demo) [every environment]") ||
	    !strstr(out, "-1 != 5 (demo_add(2, 3), 5)") ||
	    !strstr(out, "2 failing, 2 passing, 0 not run (of 4: 2 tests in 2 environments)"))
		fail_msg("runner output (rc %d):\n%s", rc, out);
}

/* The table's columns line up whatever the length of a function's name. */
static void
test_exercise_table_columns_line_up(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	write_file(s->dir, "chapters/02-long/02-long.adoc",
	    "== Long\n\n" BLOCK("Root", "chunk=\"src/long.c\"", "<<Long>>\n")
	    BLOCK("Long", "chunk=\"Long\",exercise=\"2.1\"",
		"int\na_function_whose_name_is_longer_than_any_column(void)\n{\n\treturn 1;\n}\n"));
	int rc = run_in(s->dir, out, sizeof(out), "'%s/tools/exercise.sh' list", repo);
	assert_int_equal(rc, 0);
	const char *header = strstr(out, "STATUS");
	assert_non_null(header);
	const char *line_start = header;
	while (line_start > out && line_start[-1] != '\n')
		line_start--;
	long column = header - line_start;
	int rows = 0;
	for (const char *p = strstr(out, "not started"); p; p = strstr(p + 1, "not started")) {
		const char *q = p;
		while (q > out && q[-1] != '\n')
			q--;
		if (p - q != column)
			fail_msg("a status at column %ld, the header's at %ld:\n%s", (long)(p - q), column, out);
		rows++;
	}
	assert_int_equal(rows, 3);
}

/* make watch runs again when the exercise's file is saved, and only then. */
static void
test_watch_reruns_only_for_its_own_file(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	int rc = run_in(s->dir, out, sizeof(out),
	    "runs() { grep -c '^Exercise 1.1:' watch.log; }; "
	    "wait_for() { for i in $(seq 100); do [ \"$(runs)\" -ge $1 ] && grep -q 'waiting for' watch.log && return 0; sleep 0.2; done; return 1; }; "
	    "'%s/tools/exercise.sh' watch 1.1 > watch.log 2>&1 & w=$!; "
	    "wait_for 1 || echo 'no first run'; sleep 1; "
	    "echo notes > exercises/01-demo/notes.txt; sleep 2.5; echo \"after another file: $(runs) run(s)\"; "
	    "echo '/* saved */' >> exercises/01-demo/1.1-demo_add.c; "
	    "wait_for 2 || echo 'no second run'; echo \"after the exercise: $(runs) run(s)\"; "
	    "kill $w; wait $w 2>/dev/null; cat watch.log", repo);
	(void)rc;
	if (!strstr(out, "after another file: 1 run(s)") || !strstr(out, "after the exercise: 2 run(s)"))
		fail_msg("watch output:\n%s", out);
}

static void
test_verify_proves_every_starter_fails_a_test(void **state)
{
	struct sandbox *s = *state;
	static char out[65536];
	copy_fixture(s->dir);
	int rc = run_in(s->dir, out, sizeof(out), "'%s/tools/exercise.sh' verify", repo);
	if (rc != 0 || !strstr(out, "2 passed, 0 failed"))
		fail_msg("verify output (rc %d):\n%s", rc, out);
}

int
main(void)
{
	if (!getcwd(repo, sizeof(repo)))
		return 1;
	snprintf(lit, sizeof(lit), "%s/build/tools/lit", repo);
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, sandbox_setup, sandbox_teardown)
		T(test_undefined_reference_names_its_line),
		T(test_unused_chunk_is_an_error),
		T(test_cycle_is_reported),
		T(test_duplicate_definition_needs_append),
		T(test_append_without_definition_is_an_error),
		T(test_root_outside_src_is_refused),
		T(test_unterminated_block_is_reported),
		T(test_malformed_attributes_are_reported),
		T(test_exercise_must_be_one_function),
		T(test_exercises_out_of_reading_order_are_refused),
		T(test_long_chunks_are_a_to_do_list),
		T(test_weave_refuses_a_wrong_title_and_a_zero_padded_chapter),
		T(test_tangle_is_deterministic_with_banner_and_chunk_comments),
		T(test_prefix_tangle_drops_later_chapters),
		T(test_line_directives_point_at_the_chapter),
		T(test_weave_anchors_links_and_index),
		T(test_fixrefs_turns_tokens_into_links),
		T(test_weave_keeps_solutions_away_from_questions),
		T(test_checkhtml_finds_what_inline_markup_got_wrong),
		T(test_starter_keeps_signature_and_uses_stub),
		T(test_manifest_lists_exercise_fields),
		T(test_exercise_substitution_replaces_one_chunk),
		T(test_unchanged_files_are_not_rewritten_and_stale_ones_go),
		T(test_hand_edit_fails_check_tangle_naming_the_chapter),
		T(test_runner_reports_failing_tests_of_a_starter),
		T(test_runner_accepts_a_correct_solution_and_lists_progress),
		T(test_runner_explains_a_file_that_does_not_build),
		T(test_runner_names_a_test_that_never_returns),
		T(test_runner_shows_the_starters_message_once),
		T(test_runner_collapses_failures_alike_in_every_environment),
		T(test_exercise_table_columns_line_up),
		T(test_watch_reruns_only_for_its_own_file),
		T(test_verify_proves_every_starter_fails_a_test),
#undef T
	};
	return cmocka_run_group_tests_name("lit", tests, NULL, NULL);
}
