/* What every fuzz target needs besides its own oracle (CONTRACTS.md §4):
 * a reader that takes the input a byte at a time, a check that stops at
 * the first disagreement with abort() (which libFuzzer records as a crash
 * and the corpus replay as a failed test), and a log callback that keeps
 * the library's expected warnings (a frozen buffer, a malformed address)
 * off the fuzzer's output.  Header only: a target includes it and links
 * nothing more. */
#ifndef FUZZ_H_INCLUDED_
#define FUZZ_H_INCLUDED_

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			fuzz_disagree(__FILE__, __LINE__, #cond);	\
	} while (0)

static inline void
fuzz_disagree(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: the library disagrees with the model: %s\n",
	    file, line, what);
	abort();
}

/* The unread part of the input. */
struct input {
	const uint8_t *p;
	size_t n;
};

/* The next byte, or 0 once the input is used up. */
static inline unsigned
take(struct input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static inline void
fuzz_quiet_log(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

#endif
