/* Chapter 06 test helpers. */
#include "evbuffer_helpers.h"

#include <event2/util.h>
#include <evbuffer-internal.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <setjmp.h>
#include <cmocka.h>

void
add_as_own_chain(struct evbuffer *buf, const char *piece)
{
	struct evbuffer *one = evbuffer_new();

	assert_non_null(one);
	assert_int_equal(evbuffer_add(one, piece, strlen(piece)), 0);
	assert_int_equal(evbuffer_add_buffer(buf, one), 0);
	evbuffer_free(one);
}

struct evbuffer *
buffer_of_pieces(const char *const *pieces)
{
	struct evbuffer *buf = evbuffer_new();

	assert_non_null(buf);
	for (; *pieces; pieces++)
		add_as_own_chain(buf, *pieces);
	evbuffer_check_invariants(buf);
	return buf;
}

int
chains_with_data(struct evbuffer *buf)
{
	return evbuffer_peek(buf, -1, NULL, NULL, 0);
}

void
assert_holds(struct evbuffer *buf, const void *text, size_t len)
{
	unsigned char *copy = malloc(len + 1);

	assert_non_null(copy);
	evbuffer_check_invariants(buf);
	assert_int_equal(evbuffer_get_length(buf), len);
	assert_int_equal(evbuffer_copyout(buf, copy, len + 1), (ev_ssize_t)len);
	assert_memory_equal(copy, text, len);
	free(copy);
}

void
make_socketpair(int fds[2])
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	assert_int_equal(evutil_make_socket_nonblocking(fds[0]), 0);
	assert_int_equal(evutil_make_socket_nonblocking(fds[1]), 0);
}

unsigned char
pattern_byte(size_t i)
{
	return (unsigned char)('a' + (i * 7 + i / 251) % 26);
}

int
make_pattern_file(size_t len)
{
	char path[] = "/tmp/litevent-evbuffer-XXXXXX";
	unsigned char *data = malloc(len ? len : 1);
	int fd = mkstemp(path);
	size_t i;

	assert_true(fd >= 0);
	assert_non_null(data);
	unlink(path);
	for (i = 0; i < len; i++)
		data[i] = pattern_byte(i);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	free(data);
	return fd;
}
