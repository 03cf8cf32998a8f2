/* Chapter 06 test helpers: buffers built chain by chain, and checks. */
#ifndef EVBUFFER_HELPERS_H_INCLUDED_
#define EVBUFFER_HELPERS_H_INCLUDED_

#include <event2/buffer.h>
#include <stddef.h>

/* A buffer whose chains hold exactly the given pieces, one chain each. */
struct evbuffer *buffer_of_pieces(const char *const *pieces);
/* Append one piece to buf as a chain of its own. */
void add_as_own_chain(struct evbuffer *buf, const char *piece);
/* The number of chains that hold data. */
int chains_with_data(struct evbuffer *buf);
/* Assert the invariants, and that buf holds exactly the len bytes of text. */
void assert_holds(struct evbuffer *buf, const void *text, size_t len);
#define assert_holds_str(buf, s) assert_holds((buf), (s), strlen(s))
/* A nonblocking AF_UNIX stream socketpair; asserts on failure. */
void make_socketpair(int fds[2]);
/* A temporary file holding len bytes of a known pattern; returns its fd. */
int make_pattern_file(size_t len);
/* The pattern byte at offset i of such a file. */
unsigned char pattern_byte(size_t i);

#endif
