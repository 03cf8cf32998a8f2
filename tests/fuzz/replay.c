/* The corpus replay: a plain main for a libFuzzer target, built with the
 * ordinary compiler, so `make check` runs every committed input of every
 * target (under valgrind, or ASan in the sanitizer build) without clang.
 *
 * Each input file is one cmocka test, named for the file, so the check's
 * counts and failure reports are the same as for the chapters' tests.  A
 * target's oracle reports a mismatch with abort(), which ends the program:
 * the log then ends with the "[ RUN      ]" line of the input that did it.
 *
 *   test_fuzz_NAME            every file in tests/fuzz/corpus/NAME/
 *   test_fuzz_NAME FILE...    these files (a crash libFuzzer saved, say)
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#ifndef FUZZ_CORPUS
#error "build with -DFUZZ_CORPUS='\"tests/fuzz/corpus/NAME\"'"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static void
replay_one(void **state)
{
	const char *path = *state;
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *data;

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	/* One byte more than the file, so an empty input is not a NULL one. */
	data = malloc((size_t)st.st_size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	LLVMFuzzerTestOneInput(data, (size_t)st.st_size);
	free(data);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The paths of the regular files in dir, sorted; *n says how many. */
static char **
corpus_files(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **paths = NULL;
	size_t cap = 0;

	*n = 0;
	if (d == NULL) {
		fprintf(stderr, "no corpus directory %s\n", dir);
		exit(1);
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			paths = realloc(paths, cap * sizeof(*paths));
			if (paths == NULL)
				exit(1);
		}
		if (asprintf(&paths[*n], "%s/%s", dir, e->d_name) < 0)
			exit(1);
		++*n;
	}
	closedir(d);
	qsort(paths, *n, sizeof(*paths), by_name);
	return paths;
}

int
main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	char **paths = argv + 1;
	size_t n = (size_t)argc - 1, i;
	int failed;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	if (n == 0)
		paths = corpus_files(FUZZ_CORPUS, &n);
	tests = calloc(n ? n : 1, sizeof(*tests));
	if (tests == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		const char *slash = strrchr(paths[i], '/');

		tests[i].name = slash ? slash + 1 : paths[i];
		tests[i].test_func = replay_one;
		tests[i].initial_state = paths[i];
	}
	failed = _cmocka_run_group_tests(FUZZ_CORPUS, tests, n, NULL, NULL);
	if (paths != argv + 1) {
		for (i = 0; i < n; i++)
			free(paths[i]);
		free(paths);
	}
	free(tests);
	return failed;
}
