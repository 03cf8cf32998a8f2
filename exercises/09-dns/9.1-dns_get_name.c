/*
 * Exercise 9.1: write dns_get_name().
 *
 * Read "Reading" in chapters/09-dns/09-dns.adoc.
 * This file stands in for the chunk ⟨Read a name with compression pointers⟩ when you run
 *     make exercise EX=9.1
 * Hint: Keep at (the next byte), floor (a pointer must point below it, and not into the header), resume (where the reader goes on after the first pointer) and wire (bytes so far, 1 for the final 0). A byte with both top bits set is a pointer; one top bit alone is an error; 0 ends the name; otherwise check wire and the message length, refuse '.' and NUL inside the label, and copy it (with a dot before all but the first) only when out is not NULL.
 */
int
dns_get_name(struct dns_reader *r, char *out)
{
	/* Your code here. */
	(void)r; (void)out; return -1;
}
