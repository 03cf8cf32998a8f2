/* Descriptor exhaustion: run a scenario in a forked child whose descriptor
 * table is full (a low RLIMIT_NOFILE, every slot below it taken) but for k
 * free slots, for k = 0, 1, 2, ... until the scenario succeeds.
 *
 * For every k too small, the scenario's calls must report the failure
 * (NULL or -1, with errno EMFILE or a logged "Too many open files"), leave
 * no descriptor behind and not end the process; the first k that is enough
 * must then succeed, which proves the earlier failures were the limit's.
 * Later chapters add their scenarios (accept, connect) the same way:
 * tests/fdlimit/test_fdlimit_NN.c, one file per chapter.
 */
#ifndef FDLIMIT_H_INCLUDED_
#define FDLIMIT_H_INCLUDED_

/* One scenario: run() makes its calls and releases everything it made.
 * It returns 0 if every call worked, -1 as soon as one reported failure
 * (after releasing what it had made so far). */
struct fd_scenario {
	const char *name;
	int (*run)(void);
};

/* Run s in a forked child for k = 0, 1, ... free slots; fails the (cmocka)
 * test if the child reports a broken promise, crashes or exits early.
 * Returns the smallest k that was enough. */
int fdlimit_check(const struct fd_scenario *s);

/* For scenarios: check a condition inside the child; a false one ends the
 * child with a message, which fails the parent's test. */
#define FD_CHECK(cond) fdlimit_check_((cond), #cond, __FILE__, __LINE__)
void fdlimit_check_(int ok, const char *what, const char *file, int line);

/* Did the last failure say why: errno is EMFILE, or a message logged since
 * the run began names the error? */
int fdlimit_reported(void);

#endif
