/*
 * Exercise 2.2: write evutil_ascii_strncasecmp().
 *
 * Read "Strings without locale surprises" in chapters/02-evutil/02-evutil.adoc.
 * This file stands in for the chunk ⟨Compare at most n bytes ignoring ASCII case⟩ when you run
 *     make exercise EX=2.2
 * Hint: Fold both bytes with ascii_lower(); stop at the first difference, at the NUL, or after n bytes.
 */
int
evutil_ascii_strncasecmp(const char *str1, const char *str2, size_t n)
{
	/* Your code here. */
	(void)str1; (void)str2; (void)n; return 0;
}
