/* Chapter 06: reserve and commit, reading and writing descriptors, files and
 * file segments (sendfile, mmap, read), references and shared buffers. */
#include <event2/buffer.h>
#include "evbuffer-internal.h"
#include "evbuffer_helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

static void
test_reserve_one_extent_then_commit_part_of_it(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[1];

	(void)state;
	evbuffer_add(buf, "head:", 5);
	assert_int_equal(evbuffer_reserve_space(buf, 3000, v, 1), 1);
	assert_true(v[0].iov_len >= 3000);
	memcpy(v[0].iov_base, "body", 4);
	v[0].iov_len = 4;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), 0);
	assert_holds_str(buf, "head:body");
	evbuffer_free(buf);
}

static void
test_reserve_spanning_two_chains_uses_the_tail_and_a_new_chain(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[4];
	char *expect, fill[900];
	size_t room;
	int n;

	(void)state;
	memset(fill, 'f', sizeof(fill));
	evbuffer_add(buf, fill, sizeof(fill));
	n = evbuffer_reserve_space(buf, 5000, v, 4);
	assert_int_equal(n, 2);
	room = v[0].iov_len;
	assert_true(room > 0 && room < 5000);
	assert_true(v[0].iov_len + v[1].iov_len >= 5000);
	evbuffer_check_invariants(buf);
	memset(v[0].iov_base, 'a', room);
	memset(v[1].iov_base, 'b', 10);
	v[1].iov_len = 10;
	assert_int_equal(evbuffer_commit_space(buf, v, 2), 0);
	expect = malloc(900 + room + 10);
	memset(expect, 'f', 900);
	memset(expect + 900, 'a', room);
	memset(expect + 900 + room, 'b', 10);
	assert_holds(buf, expect, 900 + room + 10);
	assert_int_equal(chains_with_data(buf), 2);
	free(expect);
	evbuffer_free(buf);
}

static void
test_reserve_twice_hands_out_the_same_space(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec a[2], b[2];

	(void)state;
	evbuffer_add(buf, "x", 1);
	assert_int_equal(evbuffer_reserve_space(buf, 100, a, 2), 1);
	assert_int_equal(evbuffer_reserve_space(buf, 100, b, 2), 1);
	assert_ptr_equal(a[0].iov_base, b[0].iov_base);
	assert_int_equal(a[0].iov_len, b[0].iov_len);
	memcpy(b[0].iov_base, "yz", 2);
	b[0].iov_len = 2;
	assert_int_equal(evbuffer_commit_space(buf, b, 1), 0);
	assert_holds_str(buf, "xyz");
	evbuffer_free(buf);
}

/* An uncommitted reservation leaves its chains as spares; a larger one
 * reuses their space, in order, before it adds a chain for what they lack,
 * as libevent 2.1 does. */
static void
test_reserve_reuses_the_space_of_an_uncommitted_reservation(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec a[4], b[4];
	size_t room;
	int n;

	(void)state;
	/* An empty buffer: the first reservation makes one chain. */
	assert_int_equal(evbuffer_reserve_space(buf, 100, a, 2), 1);
	room = a[0].iov_len;
	assert_true(room >= 100);
	/* More than it holds: its space first, then a new chain. */
	n = evbuffer_reserve_space(buf, (ev_ssize_t)room + 5000, b, 2);
	assert_int_equal(n, 2);
	assert_ptr_equal(b[0].iov_base, a[0].iov_base);
	assert_int_equal(b[0].iov_len, room);
	assert_true(b[0].iov_len + b[1].iov_len >= room + 5000);
	evbuffer_check_invariants(buf);
	memset(b[0].iov_base, 'a', room);
	memset(b[1].iov_base, 'b', 7);
	b[1].iov_len = 7;
	assert_int_equal(evbuffer_commit_space(buf, b, 2), 0);
	assert_int_equal(evbuffer_get_length(buf), room + 7);
	assert_int_equal(chains_with_data(buf), 2);
	evbuffer_check_invariants(buf);
	evbuffer_free(buf);
}

/* A reservation larger than the tail's space and the spares after it is
 * spread over as many chains as n_vec allows, and returns their number. */
static void
test_reserve_spreads_over_up_to_n_vec_chains(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec a[4], b[8];
	size_t total = 0, i, want;
	char *expect;
	int n, m;

	(void)state;
	evbuffer_add(buf, "x", 1);
	n = evbuffer_reserve_space(buf, 5000, a, 2);	/* tail + one chain */
	assert_int_equal(n, 2);
	want = a[0].iov_len + a[1].iov_len + 20000;
	m = evbuffer_reserve_space(buf, (ev_ssize_t)want, b, 8);
	assert_int_equal(m, 3);
	assert_ptr_equal(b[0].iov_base, a[0].iov_base);
	assert_ptr_equal(b[1].iov_base, a[1].iov_base);
	for (i = 0; i < (size_t)m; i++)
		total += b[i].iov_len;
	assert_true(total >= want);
	evbuffer_check_invariants(buf);
	/* Commit all three, the last one partly: the bytes arrive in order. */
	memset(b[0].iov_base, '0', b[0].iov_len);
	memset(b[1].iov_base, '1', b[1].iov_len);
	memset(b[2].iov_base, '2', 3);
	b[2].iov_len = 3;
	assert_int_equal(evbuffer_commit_space(buf, b, 3), 0);
	total = 1 + b[0].iov_len + b[1].iov_len + 3;
	expect = malloc(total);
	expect[0] = 'x';
	memset(expect + 1, '0', b[0].iov_len);
	memset(expect + 1 + b[0].iov_len, '1', b[1].iov_len);
	memset(expect + 1 + b[0].iov_len + b[1].iov_len, '2', 3);
	assert_holds(buf, expect, total);
	assert_int_equal(chains_with_data(buf), 3);
	free(expect);
	/* With fewer vectors the last one takes the rest: still one call. */
	n = evbuffer_reserve_space(buf, 100000, a, 2);
	assert_int_equal(n, 2);
	assert_true(a[0].iov_len + a[1].iov_len >= 100000);
	evbuffer_check_invariants(buf);
	evbuffer_free(buf);
}

/* A commit that leaves an extent empty and fills a later one must not
 * leave an empty chain in front of data. */
static void
test_commit_skipping_an_extent_keeps_the_chains_dense(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[3];
	size_t room;

	(void)state;
	assert_int_equal(evbuffer_reserve_space(buf, 10, v, 2), 1);
	room = v[0].iov_len;
	assert_int_equal(evbuffer_reserve_space(buf, (ev_ssize_t)room + 10, v, 3), 2);
	v[0].iov_len = 0;
	memcpy(v[1].iov_base, "later", 5);
	v[1].iov_len = 5;
	assert_int_equal(evbuffer_commit_space(buf, v, 2), 0);
	assert_holds_str(buf, "later");
	assert_int_equal(chains_with_data(buf), 1);
	evbuffer_free(buf);
}

static void
test_adding_data_cancels_a_reservation_and_the_commit_fails(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2];

	(void)state;
	evbuffer_add(buf, "a", 1);
	assert_true(evbuffer_reserve_space(buf, 10, v, 2) >= 1);
	evbuffer_add(buf, "b", 1);
	v[0].iov_len = 3;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), -1);
	assert_holds_str(buf, "ab");
	/* Committing without any reservation fails too. */
	assert_int_equal(evbuffer_commit_space(buf, v, 1), -1);
	assert_int_equal(evbuffer_commit_space(buf, v, 0), 0);
	assert_holds_str(buf, "ab");
	evbuffer_free(buf);
}

static void
test_commit_refuses_extents_that_do_not_match(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2], saved;
	char elsewhere[8];

	(void)state;
	evbuffer_add(buf, "a", 1);
	assert_int_equal(evbuffer_reserve_space(buf, 10, v, 1), 1);
	saved = v[0];
	v[0].iov_base = elsewhere;
	v[0].iov_len = 2;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), -1);
	v[0] = saved;
	v[0].iov_len = saved.iov_len + 1;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), -1);
	assert_holds_str(buf, "a");
	v[0] = saved;
	memcpy(v[0].iov_base, "b", 1);
	v[0].iov_len = 1;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), 0);
	assert_holds_str(buf, "ab");
	evbuffer_free(buf);
}

static void
test_draining_everything_keeps_reserved_space_valid(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2];

	(void)state;
	evbuffer_add(buf, "old", 3);
	assert_int_equal(evbuffer_reserve_space(buf, 10, v, 2), 1);
	evbuffer_drain(buf, 3);
	evbuffer_check_invariants(buf);
	memcpy(v[0].iov_base, "new", 3);
	v[0].iov_len = 3;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), 0);
	assert_holds_str(buf, "new");
	evbuffer_free(buf);
}

static void
test_reserving_nothing_after_a_reference_never_pins_the_reference(void **state)
{
	static const char text[] = "borrowed";
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2];
	int n;

	(void)state;
	evbuffer_add_reference(buf, text, 8, NULL, NULL);
	n = evbuffer_reserve_space(buf, 0, v, 2);
	assert_int_equal(n, 1);
	assert_true((const char *)v[0].iov_base < text ||
	    (const char *)v[0].iov_base > text + 8);
	evbuffer_drain(buf, 8);
	evbuffer_check_invariants(buf);
	memcpy(v[0].iov_base, "own", 3);
	v[0].iov_len = 3;
	assert_int_equal(evbuffer_commit_space(buf, v, 1), 0);
	assert_holds_str(buf, "own");
	evbuffer_free(buf);
}

static void
test_bad_vectors_are_refused_and_change_nothing(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_iovec v[2];

	(void)state;
	evbuffer_add(buf, "keep", 4);
	assert_int_equal(evbuffer_reserve_space(buf, 10, NULL, 2), -1);
	assert_int_equal(evbuffer_reserve_space(buf, 10, v, 0), -1);
	assert_int_equal(evbuffer_commit_space(buf, NULL, 1), -1);
	assert_int_equal(evbuffer_commit_space(buf, v, -1), -1);
	assert_int_equal(evbuffer_peek(buf, -1, NULL, NULL, 3), -1);
	assert_int_equal(evbuffer_peek(buf, -1, NULL, v, -1), -1);
	assert_int_equal(evbuffer_add_iovec(buf, NULL, 2), 0);
	assert_holds_str(buf, "keep");
	evbuffer_free(buf);
}

static void
test_read_and_write_through_a_socketpair(void **state)
{
	struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
	int fds[2];

	(void)state;
	make_socketpair(fds);
	add_as_own_chain(out, "hello, ");
	add_as_own_chain(out, "peer");
	assert_int_equal(evbuffer_write(out, fds[0]), 11);
	assert_holds(out, "", 0);
	assert_int_equal(evbuffer_read(in, fds[1], -1), 11);
	assert_holds_str(in, "hello, peer");
	errno = 0;
	assert_int_equal(evbuffer_read(in, fds[1], -1), -1);
	assert_int_equal(errno, EAGAIN);
	close(fds[0]);
	assert_int_equal(evbuffer_read(in, fds[1], -1), 0);
	assert_holds_str(in, "hello, peer");
	close(fds[1]);
	evbuffer_free(in);
	evbuffer_free(out);
}

static void
test_read_with_a_limit_reads_no_more(void **state)
{
	struct evbuffer *in = evbuffer_new();
	int fds[2];

	(void)state;
	make_socketpair(fds);
	assert_int_equal(write(fds[0], "abcdefgh", 8), 8);
	assert_int_equal(evbuffer_read(in, fds[1], 3), 3);
	assert_holds_str(in, "abc");
	assert_int_equal(evbuffer_read(in, fds[1], 100), 5);
	assert_holds_str(in, "abcdefgh");
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(in);
}

static void
test_write_atmost_stops_after_the_limit(void **state)
{
	struct evbuffer *out = evbuffer_new();
	char got[16];
	int fds[2];

	(void)state;
	make_socketpair(fds);
	add_as_own_chain(out, "abc");
	add_as_own_chain(out, "defg");
	assert_int_equal(evbuffer_write_atmost(out, fds[0], 5), 5);
	assert_holds_str(out, "fg");
	assert_int_equal(read(fds[1], got, sizeof(got)), 5);
	assert_memory_equal(got, "abcde", 5);
	assert_int_equal(evbuffer_write_atmost(out, fds[0], 0), 0);
	assert_holds_str(out, "fg");
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(out);
}

static void
test_bulk_transfer_through_a_nonblocking_socketpair(void **state)
{
	struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
	const size_t total = 3 * 1024 * 1024;
	unsigned char *data = malloc(total), *check = malloc(total);
	size_t i;
	int fds[2], n;

	(void)state;
	make_socketpair(fds);
	for (i = 0; i < total; i++)
		data[i] = pattern_byte(i);
	for (i = 0; i < total; i += 1000)
		evbuffer_add(out, data + i, total - i < 1000 ? total - i : 1000);
	while (evbuffer_get_length(in) < total) {
		if (evbuffer_get_length(out) > 0) {
			n = evbuffer_write(out, fds[0]);
			assert_true(n > 0 || errno == EAGAIN);
		}
		n = evbuffer_read(in, fds[1], -1);
		assert_true(n > 0 || errno == EAGAIN);
	}
	evbuffer_check_invariants(in);
	evbuffer_check_invariants(out);
	assert_int_equal(evbuffer_remove(in, check, total), (int)total);
	assert_memory_equal(check, data, total);
	free(data);
	free(check);
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(in);
	evbuffer_free(out);
}

static int
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static void
test_add_file_goes_out_by_sendfile_to_a_socket_and_closes_the_file(void **state)
{
	struct evbuffer *out = evbuffer_new();
	unsigned char got[4096];
	size_t have = 0, i;
	int fd = make_pattern_file(3000), fds[2], n;

	(void)state;
	make_socketpair(fds);
	evbuffer_add(out, "<", 1);
	assert_int_equal(evbuffer_add_file(out, fd, 100, 2000), 0);
	evbuffer_add(out, ">", 1);
	assert_int_equal(evbuffer_get_length(out), 2002);
	evbuffer_check_invariants(out);
	/* The segment was not read into memory to be sent. */
	assert_int_equal(out->n_unmaterialized, 1);
	while (evbuffer_get_length(out) > 0)
		assert_true(evbuffer_write(out, fds[0]) > 0);
	assert_int_equal(out->n_unmaterialized, 0);
	assert_false(fd_is_open(fd));
	while (have < 2002 && (n = read(fds[1], got + have, sizeof(got) - have)) > 0)
		have += (size_t)n;
	assert_int_equal(have, 2002);
	assert_int_equal(got[0], '<');
	for (i = 0; i < 2000; i++)
		assert_int_equal(got[1 + i], pattern_byte(100 + i));
	assert_int_equal(got[2001], '>');
	close(fds[0]);
	close(fds[1]);
	evbuffer_free(out);
}

static void
test_add_file_bytes_can_be_read_from_the_buffer(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	unsigned char got[64];
	char *line;
	size_t i;
	int fd = make_pattern_file(50);

	(void)state;
	assert_int_equal(evbuffer_add_file(buf, fd, 0, -1), 0);
	assert_int_equal(evbuffer_get_length(buf), 50);
	evbuffer_add(buf, "\n", 1);
	line = evbuffer_readln(buf, NULL, EVBUFFER_EOL_LF);
	assert_non_null(line);
	for (i = 0; i < 50; i++)
		assert_int_equal((unsigned char)line[i], pattern_byte(i));
	free(line);
	assert_holds(buf, "", 0);
	assert_false(fd_is_open(fd));
	(void)got;
	evbuffer_free(buf);
}

static void
test_add_file_to_a_pipe_is_written_from_memory(void **state)
{
	struct evbuffer *out = evbuffer_new();
	unsigned char got[256];
	int fd = make_pattern_file(200), p[2];
	size_t i;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(evbuffer_add_file(out, fd, 10, 150), 0);
	assert_int_equal(evbuffer_write(out, p[1]), 150);
	assert_int_equal(read(p[0], got, sizeof(got)), 150);
	for (i = 0; i < 150; i++)
		assert_int_equal(got[i], pattern_byte(10 + i));
	assert_false(fd_is_open(fd));
	close(p[0]);
	close(p[1]);
	evbuffer_free(out);
}

static int cleanup_calls;
static const void *cleanup_seg;

static void
count_segment_cleanup(struct evbuffer_file_segment const *seg, int flags,
    void *arg)
{
	(void)flags;
	assert_ptr_equal(arg, &cleanup_calls);
	cleanup_seg = seg;
	cleanup_calls++;
}

static void
test_segment_offsets_are_within_the_segment(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_file_segment *seg;
	unsigned char got[64];
	int fd = make_pattern_file(1000);
	size_t i;

	(void)state;
	seg = evbuffer_file_segment_new(fd, 10, 100, 0);
	assert_non_null(seg);
	assert_int_equal(evbuffer_add_file_segment(buf, seg, 20, 30), 0);
	assert_int_equal(evbuffer_add_file_segment(buf, seg, 95, -1), 0);
	assert_int_equal(evbuffer_get_length(buf), 35);
	assert_int_equal(evbuffer_copyout(buf, got, sizeof(got)), 35);
	for (i = 0; i < 30; i++)
		assert_int_equal(got[i], pattern_byte(30 + i));
	for (i = 0; i < 5; i++)
		assert_int_equal(got[30 + i], pattern_byte(105 + i));
	evbuffer_check_invariants(buf);
	/* Ranges outside the segment are refused. */
	assert_int_equal(evbuffer_add_file_segment(buf, seg, 101, -1), -1);
	assert_int_equal(evbuffer_add_file_segment(buf, seg, 90, 11), -1);
	assert_int_equal(evbuffer_add_file_segment(buf, seg, -1, 5), -1);
	assert_int_equal(evbuffer_add_file_segment(buf, seg, 0, -2), -1);
	assert_int_equal(evbuffer_add_file_segment(buf, seg, 100, -1), 0);
	assert_int_equal(evbuffer_get_length(buf), 35);
	evbuffer_file_segment_free(seg);
	evbuffer_free(buf);
	assert_true(fd_is_open(fd));
	close(fd);
}

static void
test_segment_cleanup_runs_once_after_every_holder_is_done(void **state)
{
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	struct evbuffer_file_segment *seg;
	int fd = make_pattern_file(64);

	(void)state;
	cleanup_calls = 0;
	seg = evbuffer_file_segment_new(fd, 0, -1,
	    EVBUF_FS_CLOSE_ON_FREE | EVBUF_FS_DISABLE_LOCKING);
	assert_non_null(seg);
	evbuffer_file_segment_add_cleanup_cb(seg, count_segment_cleanup,
	    &cleanup_calls);
	assert_int_equal(evbuffer_add_file_segment(a, seg, 0, 10), 0);
	assert_int_equal(evbuffer_add_file_segment(b, seg, 10, 10), 0);
	evbuffer_file_segment_free(seg);
	assert_int_equal(cleanup_calls, 0);
	evbuffer_drain(a, 10);
	assert_int_equal(cleanup_calls, 0);
	assert_true(fd_is_open(fd));
	evbuffer_free(b);
	assert_int_equal(cleanup_calls, 1);
	assert_ptr_equal(cleanup_seg, seg);
	assert_false(fd_is_open(fd));
	evbuffer_free(a);
	assert_int_equal(cleanup_calls, 1);
}

static void
test_segment_without_mmap_or_sendfile_is_read_at_once(void **state)
{
	struct evbuffer *buf = evbuffer_new();
	struct evbuffer_file_segment *seg;
	unsigned char got[40];
	int fd = make_pattern_file(100);
	size_t i;

	(void)state;
	seg = evbuffer_file_segment_new(fd, 50, 40,
	    EVBUF_FS_DISABLE_MMAP | EVBUF_FS_DISABLE_SENDFILE);
	assert_non_null(seg);
	close(fd);		/* the bytes are already in memory */
	assert_int_equal(evbuffer_add_file_segment(buf, seg, 0, -1), 0);
	assert_int_equal(buf->n_unmaterialized, 0);
	assert_int_equal(evbuffer_remove(buf, got, sizeof(got)), 40);
	for (i = 0; i < 40; i++)
		assert_int_equal(got[i], pattern_byte(50 + i));
	evbuffer_file_segment_free(seg);
	evbuffer_free(buf);
}

static void
test_segment_bad_arguments_are_refused(void **state)
{
	int fd = make_pattern_file(10);

	(void)state;
	assert_null(evbuffer_file_segment_new(-1, 0, 5, 0));
	assert_null(evbuffer_file_segment_new(fd, -1, 5, 0));
	assert_null(evbuffer_file_segment_new(fd, 0, -2, 0));
	assert_null(evbuffer_file_segment_new(fd, 11, -1, 0));
	/* A file shorter than the segment cannot be read. */
	assert_null(evbuffer_file_segment_new(fd, 5, 10,
	    EVBUF_FS_DISABLE_SENDFILE | EVBUF_FS_CLOSE_ON_FREE));
	assert_true(fd_is_open(fd));
	close(fd);
}

static void
test_sendfile_segment_with_offsets_to_a_socketpair(void **state)
{
	struct evbuffer *out = evbuffer_new();
	struct evbuffer_file_segment *seg;
	unsigned char got[128];
	int fd = make_pattern_file(500), fds[2];
	size_t i;

	(void)state;
	make_socketpair(fds);
	seg = evbuffer_file_segment_new(fd, 100, 200, 0);
	assert_non_null(seg);
	assert_int_equal(evbuffer_add_file_segment(out, seg, 50, 100), 0);
	assert_int_equal(evbuffer_write_atmost(out, fds[0], 30), 30);
	assert_int_equal(evbuffer_write(out, fds[0]), 70);
	assert_int_equal(read(fds[1], got, sizeof(got)), 100);
	for (i = 0; i < 100; i++)
		assert_int_equal(got[i], pattern_byte(150 + i));
	evbuffer_file_segment_free(seg);
	evbuffer_free(out);
	close(fd);
	close(fds[0]);
	close(fds[1]);
}

struct ref_log {
	int calls;
	const void *data;
	size_t len;
};

static void
log_cleanup(const void *data, size_t len, void *arg)
{
	struct ref_log *log = arg;

	log->calls++;
	log->data = data;
	log->len = len;
}

static void
test_reference_cleanup_runs_once_when_drained(void **state)
{
	static const char text[] = "by reference";
	struct evbuffer *buf = evbuffer_new();
	struct ref_log log = { 0, NULL, 0 };
	char out[4];

	(void)state;
	assert_int_equal(evbuffer_add_reference(buf, text, 12, log_cleanup, &log), 0);
	assert_holds_str(buf, "by reference");
	assert_int_equal(evbuffer_remove(buf, out, 3), 3);
	assert_int_equal(log.calls, 0);
	evbuffer_drain(buf, 9);
	assert_int_equal(log.calls, 1);
	assert_ptr_equal(log.data, text);
	assert_int_equal(log.len, 12);
	evbuffer_add(buf, "x", 1);
	evbuffer_free(buf);
	assert_int_equal(log.calls, 1);
}

static void
test_reference_cleanup_runs_once_when_freed_or_moved(void **state)
{
	static const char text[] = "moving";
	struct evbuffer *a = evbuffer_new(), *b = evbuffer_new();
	struct ref_log log = { 0, NULL, 0 }, empty = { 0, NULL, 0 };

	(void)state;
	evbuffer_add_reference(a, text, 6, log_cleanup, &log);
	evbuffer_add_buffer(b, a);
	assert_int_equal(log.calls, 0);
	evbuffer_free(a);
	assert_int_equal(log.calls, 0);
	assert_holds_str(b, "moving");
	evbuffer_free(b);
	assert_int_equal(log.calls, 1);
	/* Nothing to hold: the cleanup runs at once, once. */
	a = evbuffer_new();
	assert_int_equal(evbuffer_add_reference(a, text, 0, log_cleanup, &empty), 0);
	assert_int_equal(empty.calls, 1);
	evbuffer_free(a);
	assert_int_equal(empty.calls, 1);
}

static void
test_a_failed_reference_keeps_the_memory_the_callers(void **state)
{
	static const char text[] = "refused";
	struct evbuffer *buf = evbuffer_new();
	struct ref_log log = { 0, NULL, 0 };

	(void)state;
	evbuffer_freeze(buf, 0);
	assert_int_equal(evbuffer_add_reference(buf, text, 7, log_cleanup, &log), -1);
	evbuffer_free(buf);
	assert_int_equal(log.calls, 0);
}

static void
test_buffer_reference_shares_bytes_that_outlive_the_source(void **state)
{
	static const char *const pieces[] = { "shared ", "bytes", NULL };
	static const char text[] = "ref";
	struct evbuffer *in = buffer_of_pieces(pieces);
	struct evbuffer *out = evbuffer_new(), *again = evbuffer_new();
	struct ref_log log = { 0, NULL, 0 };

	(void)state;
	evbuffer_add_reference(in, text, 3, log_cleanup, &log);
	assert_int_equal(evbuffer_add_buffer_reference(out, in), 0);
	assert_holds_str(out, "shared bytesref");
	assert_holds_str(in, "shared bytesref");
	/* Later changes to the source do not show. */
	evbuffer_add(in, "+more", 5);
	evbuffer_prepend(in, "pre-", 4);
	evbuffer_drain(in, 6);
	assert_holds_str(out, "shared bytesref");
	assert_holds_str(in, "ared bytesref+more");
	/* A buffer holding shared bytes cannot be shared again. */
	assert_int_equal(evbuffer_add_buffer_reference(again, out), -1);
	assert_int_equal(evbuffer_add_buffer_reference(out, out), -1);
	evbuffer_free(in);
	assert_int_equal(log.calls, 0);
	assert_holds_str(out, "shared bytesref");
	assert_non_null(evbuffer_pullup(out, -1));
	assert_holds_str(out, "shared bytesref");
	evbuffer_free(out);
	assert_int_equal(log.calls, 1);
	evbuffer_free(again);
}

static void
test_source_of_a_reference_never_moves_shared_bytes(void **state)
{
	struct evbuffer *in = evbuffer_new(), *out = evbuffer_new();
	char fill[200];

	(void)state;
	memset(fill, 's', sizeof(fill));
	evbuffer_add(in, fill, sizeof(fill));
	assert_int_equal(evbuffer_add_buffer_reference(out, in), 0);
	/* Draining then appending would normally slide the bytes back. */
	evbuffer_drain(in, 150);
	evbuffer_add(in, "tail", 4);
	evbuffer_prepend(in, "P", 1);
	assert_non_null(evbuffer_pullup(in, -1));
	assert_holds(out, fill, sizeof(fill));
	evbuffer_free(out);
	evbuffer_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reserve_one_extent_then_commit_part_of_it),
		cmocka_unit_test(test_reserve_spanning_two_chains_uses_the_tail_and_a_new_chain),
		cmocka_unit_test(test_reserve_twice_hands_out_the_same_space),
		cmocka_unit_test(test_reserve_reuses_the_space_of_an_uncommitted_reservation),
		cmocka_unit_test(test_reserve_spreads_over_up_to_n_vec_chains),
		cmocka_unit_test(test_commit_skipping_an_extent_keeps_the_chains_dense),
		cmocka_unit_test(test_adding_data_cancels_a_reservation_and_the_commit_fails),
		cmocka_unit_test(test_commit_refuses_extents_that_do_not_match),
		cmocka_unit_test(test_draining_everything_keeps_reserved_space_valid),
		cmocka_unit_test(test_reserving_nothing_after_a_reference_never_pins_the_reference),
		cmocka_unit_test(test_bad_vectors_are_refused_and_change_nothing),
		cmocka_unit_test(test_read_and_write_through_a_socketpair),
		cmocka_unit_test(test_read_with_a_limit_reads_no_more),
		cmocka_unit_test(test_write_atmost_stops_after_the_limit),
		cmocka_unit_test(test_bulk_transfer_through_a_nonblocking_socketpair),
		cmocka_unit_test(test_add_file_goes_out_by_sendfile_to_a_socket_and_closes_the_file),
		cmocka_unit_test(test_add_file_bytes_can_be_read_from_the_buffer),
		cmocka_unit_test(test_add_file_to_a_pipe_is_written_from_memory),
		cmocka_unit_test(test_segment_offsets_are_within_the_segment),
		cmocka_unit_test(test_segment_cleanup_runs_once_after_every_holder_is_done),
		cmocka_unit_test(test_segment_without_mmap_or_sendfile_is_read_at_once),
		cmocka_unit_test(test_segment_bad_arguments_are_refused),
		cmocka_unit_test(test_sendfile_segment_with_offsets_to_a_socketpair),
		cmocka_unit_test(test_reference_cleanup_runs_once_when_drained),
		cmocka_unit_test(test_reference_cleanup_runs_once_when_freed_or_moved),
		cmocka_unit_test(test_a_failed_reference_keeps_the_memory_the_callers),
		cmocka_unit_test(test_buffer_reference_shares_bytes_that_outlive_the_source),
		cmocka_unit_test(test_source_of_a_reference_never_moves_shared_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
