/* Descriptor readiness, driven straight through the backend ENVIRONMENTS
 * chose: register events in the fd table, dispatch once, look at what became
 * active. */
#include "backend_test.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/select.h>
#include <sys/wait.h>

#include "changelist-internal.h"
#include "util-internal.h"

static int
setup_base(void **state)
{
	struct event_base *base = event_base_new();

	if (base == NULL)
		return -1;
	*state = base;
	return 0;
}

static int
teardown_base(void **state)
{
	event_base_free(*state);
	return 0;
}

static void
test_method_is_the_one_the_environment_chose(void **state)
{
	struct event_base *base = *state;
	int features = event_base_get_features(base);

	assert_string_equal(event_base_get_method(base), expected_method());
	if (strncmp(expected_method(), "epoll", 5) == 0) {
		assert_int_equal(features, EV_FEATURE_ET | EV_FEATURE_O1 |
		    EV_FEATURE_EARLY_CLOSE);
		assert_int_equal(base->changelist.n_changes, 0);
		if (getenv("EVENT_EPOLL_USE_CHANGELIST"))
			assert_true(base->flags & EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	} else if (strcmp(expected_method(), "poll") == 0) {
		/* POLLRDHUP gives poll early-close reporting on Linux. */
		assert_int_equal(features, EV_FEATURE_FDS | EV_FEATURE_EARLY_CLOSE);
	} else {
		assert_int_equal(features, EV_FEATURE_FDS);
	}
}

static void
test_nothing_ready_reports_nothing(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];

	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_false(is_active(&ev));
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_written_byte_makes_peer_readable(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];

	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ | EV_PERSIST);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(ev.ev_res, EV_READ);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_reader_and_writer_each_get_their_direction(void **state)
{
	struct event_base *base = *state;
	struct event rd, wr;
	int pair[2];

	make_pair(pair);
	init_event(&rd, base, pair[0], EV_READ);
	init_event(&wr, base, pair[0], EV_WRITE);
	assert_int_equal(watch(&rd), 0);
	assert_int_equal(watch(&wr), 0);
	/* Nothing to read yet: only the writer is ready. */
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_false(is_active(&rd));
	assert_true(is_active(&wr));
	assert_int_equal(wr.ev_res, EV_WRITE);
	assert_int_equal(clear_active(base), 1);
	/* Now both. */
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&rd));
	assert_true(is_active(&wr));
	assert_int_equal(rd.ev_res, EV_READ);
	assert_int_equal(wr.ev_res, EV_WRITE);
	assert_int_equal(clear_active(base), 2);
	assert_int_equal(unwatch(&rd), 0);
	assert_int_equal(unwatch(&wr), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_removed_direction_is_no_longer_reported(void **state)
{
	struct event_base *base = *state;
	struct event rd, wr;
	int pair[2];

	make_pair(pair);
	init_event(&rd, base, pair[0], EV_READ);
	init_event(&wr, base, pair[0], EV_WRITE);
	assert_int_equal(watch(&rd), 0);
	assert_int_equal(watch(&wr), 0);
	assert_int_equal(unwatch(&wr), 0);
	/* The writer is gone; the reader has nothing to read. */
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_int_equal(clear_active(base), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&rd));
	assert_false(is_active(&wr));
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&rd), 0);
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_int_equal(clear_active(base), 0);
	close(pair[0]);
	close(pair[1]);
}

/* An endless wait must last until a child writes, 0.2 s from now, to
 * writer_fd the byte the reader rd wants, and then report rd alone. */
static void
expect_wait_until_child_writes(struct event_base *base, struct event *rd, int writer_fd)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(200000);
		_exit(write(writer_fd, "x", 1) == 1 ? 0 : 1);
	}
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(rd));
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* A removed direction must not wake the backend: with the writer gone, an
 * endless wait on an always-writable socket sleeps until the byte that the
 * reader wants arrives from a child. */
static void
test_removed_direction_does_not_wake_the_wait(void **state)
{
	struct event_base *base = *state;
	struct event rd, wr;
	int pair[2];

	make_pair(pair);
	init_event(&rd, base, pair[0], EV_READ);
	init_event(&wr, base, pair[0], EV_WRITE);
	assert_int_equal(watch(&rd), 0);
	assert_int_equal(watch(&wr), 0);
	assert_int_equal(unwatch(&wr), 0);
	expect_wait_until_child_writes(base, &rd, pair[1]);
	assert_int_equal(unwatch(&rd), 0);
	close(pair[0]);
	close(pair[1]);
}

/* A descriptor whose last event is gone must leave the backend's set (the
 * poll backend's array too): an always-writable socket whose writer was
 * removed must not end an endless wait, which lasts until a child writes
 * the byte the reader on another socket wants. */
static void
test_descriptor_with_no_events_left_does_not_wake_the_wait(void **state)
{
	struct event_base *base = *state;
	struct event rd, wr;
	int readable[2], writable[2];

	make_pair(readable);
	make_pair(writable);
	init_event(&rd, base, readable[0], EV_READ);
	init_event(&wr, base, writable[0], EV_WRITE);
	assert_int_equal(watch(&wr), 0);
	assert_int_equal(watch(&rd), 0);
	assert_int_equal(unwatch(&wr), 0);
	expect_wait_until_child_writes(base, &rd, readable[1]);
	assert_int_equal(unwatch(&rd), 0);
	close(readable[0]);
	close(readable[1]);
	close(writable[0]);
	close(writable[1]);
}

/* Descriptors deleted from the front and the back of the backend's set
 * leave the others watched, and a deleted one can come back. */
static void
test_deleting_some_fds_keeps_the_others_watched(void **state)
{
	struct event_base *base = *state;
	struct event ev[4];
	int pair[4][2], i;

	for (i = 0; i < 4; i++) {
		make_pair(pair[i]);
		init_event(&ev[i], base, pair[i][0], EV_READ | EV_PERSIST);
		assert_int_equal(watch(&ev[i]), 0);
		assert_int_equal(write(pair[i][1], "x", 1), 1);
	}
	assert_int_equal(unwatch(&ev[0]), 0);
	assert_int_equal(unwatch(&ev[2]), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_false(is_active(&ev[0]));
	assert_true(is_active(&ev[1]));
	assert_false(is_active(&ev[2]));
	assert_true(is_active(&ev[3]));
	assert_int_equal(clear_active(base), 2);
	assert_int_equal(unwatch(&ev[3]), 0);
	assert_int_equal(watch(&ev[0]), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev[0]));
	assert_true(is_active(&ev[1]));
	assert_false(is_active(&ev[2]));
	assert_false(is_active(&ev[3]));
	assert_int_equal(clear_active(base), 2);
	assert_int_equal(unwatch(&ev[0]), 0);
	assert_int_equal(unwatch(&ev[1]), 0);
	for (i = 0; i < 4; i++) {
		close(pair[i][0]);
		close(pair[i][1]);
	}
}

static void
test_two_readers_on_one_fd_both_wake_and_one_can_leave(void **state)
{
	struct event_base *base = *state;
	struct event a, b;
	int pair[2];

	make_pair(pair);
	init_event(&a, base, pair[0], EV_READ);
	init_event(&b, base, pair[0], EV_READ);
	assert_int_equal(watch(&a), 0);
	assert_int_equal(watch(&b), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&a));
	assert_true(is_active(&b));
	assert_int_equal(clear_active(base), 2);
	assert_int_equal(unwatch(&a), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_false(is_active(&a));
	assert_true(is_active(&b));
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&b), 0);
	close(pair[0]);
	close(pair[1]);
}

/* The program closed the descriptor and forgot the event.  No backend may
 * fail the whole dispatch for it (libevent 2.1's select does: EBADF, -1,
 * and the loop ends); select and poll report it ready both ways, so the
 * callback hears EBADF itself, and a healthy neighbour is still served.
 * epoll's kernel dropped the descriptor when it closed: nothing to say. */
static void
test_a_descriptor_closed_under_its_event_does_not_fail_the_dispatch(void **state)
{
	struct event_base *base = *state;
	struct event stale, healthy;
	int gone[2], pair[2];

	make_pair(gone);
	make_pair(pair);
	init_event(&stale, base, gone[0], EV_READ | EV_PERSIST);
	init_event(&healthy, base, pair[0], EV_READ | EV_PERSIST);
	assert_int_equal(watch(&stale), 0);
	assert_int_equal(watch(&healthy), 0);
	close(gone[0]);
	close(gone[1]);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, 100000), 0);
	assert_true(is_active(&healthy));
	if (strncmp(expected_method(), "epoll", 5) != 0) {
		assert_true(is_active(&stale));
		assert_true(stale.ev_res & EV_READ);
	}
	clear_active(base);
	unwatch(&stale);
	assert_int_equal(unwatch(&healthy), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_eof_makes_reader_active(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];
	char c;

	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ);
	assert_int_equal(watch(&ev), 0);
	close(pair[1]);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_true(ev.ev_res & EV_READ);
	assert_int_equal(read(pair[0], &c, 1), 0);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
}

static void
test_edge_triggered_reports_new_data_once(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];

	if (!(event_base_get_features(base) & EV_FEATURE_ET))
		skip();
	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ | EV_ET | EV_PERSIST);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(clear_active(base), 1);
	/* The byte is still unread, but nothing changed: no second report. */
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_false(is_active(&ev));
	/* A new byte is a new edge. */
	assert_int_equal(write(pair[1], "y", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
	close(pair[1]);
}

/* libevent 2.1 passes EV_ET to the callback of an edge-triggered event, so
 * that a callback shared by both kinds knows it must read until EAGAIN; a
 * level-triggered event on the same base is not told EV_ET. */
static void
test_edge_triggered_event_is_told_ev_et(void **state)
{
	struct event_base *base = *state;
	struct event et, lt;
	int a[2], b[2];
	short et_res, lt_res;

	if (!(event_base_get_features(base) & EV_FEATURE_ET))
		skip();
	make_pair(a);
	make_pair(b);
	init_event(&et, base, a[0], EV_READ | EV_WRITE | EV_ET | EV_PERSIST);
	init_event(&lt, base, b[0], EV_READ | EV_PERSIST);
	assert_int_equal(watch(&et), 0);
	assert_int_equal(watch(&lt), 0);
	assert_int_equal(write(a[1], "x", 1), 1);
	assert_int_equal(write(b[1], "y", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	if (!is_active(&lt) || !is_active(&et))
		assert_int_equal(dispatch_once(base, 200000), 0);
	et_res = is_active(&et) ? et.ev_res : 0;
	lt_res = is_active(&lt) ? lt.ev_res : 0;
	/* Clean up before asserting: the events live on this stack. */
	assert_int_equal(clear_active(base), 2);
	assert_int_equal(unwatch(&et), 0);
	assert_int_equal(unwatch(&lt), 0);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
	assert_int_equal(et_res, EV_READ | EV_WRITE | EV_ET);
	assert_int_equal(lt_res, EV_READ);
}

static void
test_level_triggered_reports_unread_data_again(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];

	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ | EV_PERSIST);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_mixing_edge_and_level_on_one_fd_is_refused(void **state)
{
	struct event_base *base = *state;
	struct event lt, et;
	int pair[2];

	make_pair(pair);
	init_event(&lt, base, pair[0], EV_READ);
	init_event(&et, base, pair[0], EV_WRITE | EV_ET);
	assert_int_equal(watch(&lt), 0);
	assert_int_equal(watch(&et), -1);
	assert_int_equal(unwatch(&lt), 0);
	/* Once the level-triggered event is gone, the fd may turn edge-triggered. */
	assert_int_equal(watch(&et), 0);
	assert_int_equal(unwatch(&et), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_closed_reported_while_data_is_unread(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];

	if (!(event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE))
		skip();
	make_pair(pair);
	init_event(&ev, base, pair[0], EV_CLOSED);
	assert_int_equal(watch(&ev), 0);
	/* Data alone does not wake an EV_CLOSED-only event. */
	assert_int_equal(write(pair[1], "data", 4), 4);
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_false(is_active(&ev));
	assert_int_equal(shutdown(pair[1], SHUT_WR), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(ev.ev_res, EV_CLOSED);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_closed_and_read_on_one_event_report_both(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];

	if (!(event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE))
		skip();
	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ | EV_CLOSED);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(shutdown(pair[1], SHUT_WR), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(ev.ev_res, EV_READ | EV_CLOSED);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
	close(pair[1]);
}

static void
test_regular_file_is_always_ready(void **state)
{
	struct event_base *base = *state;
	struct event ev, sock;
	char path[] = "/tmp/litevent-03-XXXXXX";
	int fd = mkstemp(path), pair[2];

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, "hello", 5), 5);
	make_pair(pair);
	init_event(&sock, base, pair[0], EV_READ);
	assert_int_equal(watch(&sock), 0);
	/* epoll refuses a regular file with EPERM; the backend copes. */
	init_event(&ev, base, fd, EV_READ | EV_WRITE | EV_PERSIST);
	assert_int_equal(watch(&ev), 0);
	/* A wait "forever" must not sleep: the file is ready now. */
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(ev.ev_res, EV_READ | EV_WRITE);
	assert_false(is_active(&sock));
	assert_int_equal(clear_active(base), 1);
	/* And again: a file stays ready. */
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(clear_active(base), 1);
	/* The socket is still watched alongside. */
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&sock));
	assert_int_equal(clear_active(base), 2);
	/* Once removed, the file is reported no more. */
	assert_int_equal(unwatch(&ev), 0);
	assert_int_equal(unwatch(&sock), 0);
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_int_equal(clear_active(base), 0);
	close(fd);
	close(pair[0]);
	close(pair[1]);
}

/* A character device that epoll also refuses: reads from /dev/null return
 * end-of-file at once, so it is always readable. */
static void
test_dev_null_is_always_readable(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int fd = open("/dev/null", O_RDONLY);

	assert_true(fd >= 0);
	init_event(&ev, base, fd, EV_READ | EV_PERSIST);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(ev.ev_res, EV_READ);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(unwatch(&ev), 0);
	close(fd);
}

static void
test_fd_beyond_fd_setsize_refused_only_by_select(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2], big;

	if (raise_fd_limit(FD_SETSIZE + 64) < FD_SETSIZE + 16)
		skip();
	make_pair(pair);
	big = fcntl(pair[0], F_DUPFD, FD_SETSIZE + 8);
	assert_true(big >= FD_SETSIZE);
	init_event(&ev, base, big, EV_READ);
	if (strcmp(event_base_get_method(base), "select") == 0) {
		/* Refused with a warning, and nothing written past the set. */
		assert_int_equal(watch(&ev), -1);
		assert_int_equal(dispatch_once(base, 0), 0);
		assert_int_equal(clear_active(base), 0);
	} else {
		assert_int_equal(watch(&ev), 0);
		assert_int_equal(write(pair[1], "x", 1), 1);
		assert_int_equal(dispatch_once(base, -1), 0);
		assert_true(is_active(&ev));
		assert_int_equal(clear_active(base), 1);
		assert_int_equal(unwatch(&ev), 0);
	}
	close(big);
	close(pair[0]);
	close(pair[1]);
}

/* Thousands of socketpairs; every seventh gets a byte; exactly those
 * become active, however many dispatches it takes to hear of them all. */
static void
test_thousands_of_fds_report_exactly_the_ready_ones(void **state)
{
	struct event_base *base = *state;
	int is_select = strcmp(event_base_get_method(base), "select") == 0;
	long limit = raise_fd_limit(10240);
	int n = (int)((limit - 64) / 2), i, ready = 0, seen, rounds;
	int (*pairs)[2];
	struct event *evs;

	if (n > 5000)
		n = 5000;
	if (is_select && n > (FD_SETSIZE - 64) / 2)
		n = (FD_SETSIZE - 64) / 2;
	assert_true(n >= 100);
	pairs = calloc((size_t)n, sizeof(*pairs));
	evs = calloc((size_t)n, sizeof(*evs));
	assert_non_null(pairs);
	assert_non_null(evs);
	for (i = 0; i < n; i++) {
		make_pair(pairs[i]);
		init_event(&evs[i], base, pairs[i][0], EV_READ | EV_PERSIST);
		assert_int_equal(watch(&evs[i]), 0);
	}
	for (i = 0; i < n; i += 7) {
		assert_int_equal(write(pairs[i][1], "x", 1), 1);
		ready++;
	}
	/* A backend may report a bounded number per call; active events stay
	 * active, so repeated calls only add the ones not yet heard of. */
	for (rounds = 0, seen = 0; seen < ready && rounds < 1000; rounds++) {
		assert_int_equal(dispatch_once(base, -1), 0);
		for (seen = 0, i = 0; i < n; i++)
			seen += is_active(&evs[i]);
	}
	for (i = 0; i < n; i++)
		assert_int_equal(is_active(&evs[i]), i % 7 == 0);
	assert_int_equal(clear_active(base), ready);
	for (i = 0; i < n; i++) {
		assert_int_equal(unwatch(&evs[i]), 0);
		close(pairs[i][0]);
		close(pairs[i][1]);
	}
	free(pairs);
	free(evs);
}

static void
test_changelist_cancels_add_then_delete(void **state)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;
	struct event ev;
	int pair[2];

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(event_config_set_flag(cfg,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST), 0);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	assert_non_null(base);
	if (strcmp(event_base_get_method(base), "epoll (with changelist)") != 0) {
		event_base_free(base);
		skip();
	}
	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ);
	assert_int_equal(watch(&ev), 0);
	/* Recorded, not yet told to the kernel. */
	assert_int_equal(base->changelist.n_changes, 1);
	assert_int_equal(unwatch(&ev), 0);
	assert_int_equal(base->changelist.n_changes, 1);
	assert_int_equal(write(pair[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_int_equal(base->changelist.n_changes, 0);
	assert_false(is_active(&ev));
	/* Added for real this time, and the kernel hears of it at dispatch. */
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(dispatch_once(base, -1), 0);
	assert_true(is_active(&ev));
	assert_int_equal(clear_active(base), 1);
	/* A delete pending when the fd is closed is harmless. */
	assert_int_equal(unwatch(&ev), 0);
	close(pair[0]);
	assert_int_equal(dispatch_once(base, 0), 0);
	close(pair[1]);
	event_base_free(base);
}

/* A server deletes the event of a connection, closes it, and accepts the
 * next one, which gets the same descriptor number.  The kernel dropped the
 * old registration at close(); with the changelist the delete and the add
 * merge into "no change", so the new socket must still reach the kernel.
 * Run on every backend by ENVIRONMENTS, with and without the changelist. */
static void
reuse_a_descriptor_number(struct event_base *base, int settle, short second)
{
	struct event first, again;
	int old[2], fresh[2], number;
	short got;

	make_pair(old);
	number = old[0];
	init_event(&first, base, old[0], EV_READ);
	assert_int_equal(watch(&first), 0);
	if (settle)
		assert_int_equal(dispatch_once(base, 0), 0);	/* the kernel knows */
	assert_int_equal(unwatch(&first), 0);
	close(old[0]);
	close(old[1]);
	make_pair(fresh);
	assert_int_equal(fresh[0], number);
	init_event(&again, base, fresh[0], second);
	assert_int_equal(watch(&again), 0);
	assert_int_equal(write(fresh[1], "x", 1), 1);
	assert_int_equal(dispatch_once(base, 2000000), 0);
	got = is_active(&again) ? again.ev_res : 0;
	/* Clean up before asserting: the event lives on this stack. */
	clear_active(base);
	assert_int_equal(unwatch(&again), 0);
	close(fresh[0]);
	close(fresh[1]);
	assert_int_equal(got & second, second);
}

static void
test_closed_and_reused_descriptor_number_is_watched_again(void **state)
{
	struct event_base *base = *state;

	/* The same interest, which the changelist would merge to nothing. */
	reuse_a_descriptor_number(base, 1, EV_READ);
	/* Another interest: the kernel's MOD finds nothing and becomes ADD. */
	reuse_a_descriptor_number(base, 1, EV_READ | EV_WRITE);
	/* Deleted before the kernel ever heard of it. */
	reuse_a_descriptor_number(base, 0, EV_READ);
}

static int nwarnings;

static void
count_warnings(int severity, const char *msg)
{
	(void)msg;
	if (severity == EVENT_LOG_WARN)
		nwarnings++;
}

/* A descriptor whose slot in the fd table cannot be made -- the doubling
 * would overflow -- is refused with a warning, and the base goes on. */
static void
test_descriptor_too_large_for_the_fd_table_is_refused(void **state)
{
	struct event_base *base = *state;
	static const int huge[] = { INT_MAX, INT_MAX / 2 + 1, 1 << 28 };
	struct event ev;
	size_t i;

	event_set_log_callback(count_warnings);
	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		int before = base->io.nentries;
		nwarnings = 0;
		init_event(&ev, base, huge[i], EV_READ);
		assert_int_equal(watch(&ev), -1);
		assert_true(nwarnings >= 1);
		assert_int_equal(base->io.nentries, before);
	}
	event_set_log_callback(NULL);
	/* The base is as good as before. */
	test_written_byte_makes_peer_readable(state);
}

static int
count_visit(struct event_base *base, struct event *ev, void *arg)
{
	(void)base;
	(void)ev;
	++*(int *)arg;
	return 0;
}

/* An I/O event on descriptor -1 is kept, as libevent 2.1 keeps it, but no
 * backend hears of it and nothing ever reports it ready. */
static void
test_descriptor_minus_one_is_kept_but_never_reported(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int seen = 0;

	init_event(&ev, base, -1, EV_READ | EV_WRITE);
	assert_int_equal(watch(&ev), 0);
	assert_int_equal(event_tables_foreach(base, count_visit, &seen), 0);
	assert_int_equal(seen, 1);
	assert_int_equal(base->changelist.n_changes, 0);
	fd_table_activate(base, -1, EV_READ | EV_WRITE);
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_false(is_active(&ev));
	assert_int_equal(unwatch(&ev), 0);
	seen = 0;
	assert_int_equal(event_tables_foreach(base, count_visit, &seen), 0);
	assert_int_equal(seen, 0);
}

static void
test_precise_timer_waits_the_whole_timeout(void **state)
{
	struct event_config *cfg = event_config_new();
	struct event_base *base;
	struct timeval start, end, diff;

	(void)state;
	assert_int_equal(event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER), 0);
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	assert_non_null(base);
	assert_true(base->flags & EVENT_BASE_FLAG_PRECISE_TIMER);
	assert_int_equal(evutil_monotonic_now(&start, 1), 0);
	assert_int_equal(dispatch_once(base, 1500), 0);
	assert_int_equal(evutil_monotonic_now(&end, 1), 0);
	assert_int_equal(clear_active(base), 0);
	/* Never early: a wake-up before the deadline would spin the loop. */
	evutil_timersub(&end, &start, &diff);
	assert_true(diff.tv_sec > 0 || diff.tv_usec >= 1500);
	/* And a zero timeout polls without arming anything. */
	assert_int_equal(dispatch_once(base, 0), 0);
	assert_int_equal(clear_active(base), 0);
	event_base_free(base);
}

static void
test_millisecond_timeout_is_not_rounded_down(void **state)
{
	struct event_base *base = *state;
	struct timeval start, end, diff;

	assert_int_equal(evutil_monotonic_now(&start, 1), 0);
	assert_int_equal(dispatch_once(base, 300), 0);
	assert_int_equal(evutil_monotonic_now(&end, 1), 0);
	evutil_timersub(&end, &start, &diff);
	assert_true(diff.tv_sec > 0 || diff.tv_usec >= 300);
	assert_int_equal(clear_active(base), 0);
}

static void
test_active_event_merges_a_second_reason(void **state)
{
	struct event_base *base = *state;
	struct event ev;
	int pair[2];

	make_pair(pair);
	init_event(&ev, base, pair[0], EV_READ | EV_WRITE);
	event_activate_locked(&ev, EV_READ, 1);
	event_activate_locked(&ev, EV_TIMEOUT, 1);
	assert_true(is_active(&ev));
	assert_int_equal(ev.ev_res, EV_READ | EV_TIMEOUT);
	assert_int_equal(base->event_count_active, 1);
	assert_int_equal(clear_active(base), 1);
	assert_int_equal(base->event_count_active, 0);
	close(pair[0]);
	close(pair[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_base, teardown_base)
		T(test_method_is_the_one_the_environment_chose),
		T(test_nothing_ready_reports_nothing),
		T(test_written_byte_makes_peer_readable),
		T(test_reader_and_writer_each_get_their_direction),
		T(test_removed_direction_is_no_longer_reported),
		T(test_removed_direction_does_not_wake_the_wait),
		T(test_descriptor_with_no_events_left_does_not_wake_the_wait),
		T(test_deleting_some_fds_keeps_the_others_watched),
		T(test_two_readers_on_one_fd_both_wake_and_one_can_leave),
		T(test_a_descriptor_closed_under_its_event_does_not_fail_the_dispatch),
		T(test_eof_makes_reader_active),
		T(test_edge_triggered_reports_new_data_once),
		T(test_edge_triggered_event_is_told_ev_et),
		T(test_level_triggered_reports_unread_data_again),
		T(test_mixing_edge_and_level_on_one_fd_is_refused),
		T(test_closed_reported_while_data_is_unread),
		T(test_closed_and_read_on_one_event_report_both),
		T(test_regular_file_is_always_ready),
		T(test_dev_null_is_always_readable),
		T(test_fd_beyond_fd_setsize_refused_only_by_select),
		T(test_thousands_of_fds_report_exactly_the_ready_ones),
		T(test_changelist_cancels_add_then_delete),
		T(test_closed_and_reused_descriptor_number_is_watched_again),
		T(test_descriptor_too_large_for_the_fd_table_is_refused),
		T(test_descriptor_minus_one_is_kept_but_never_reported),
		T(test_precise_timer_waits_the_whole_timeout),
		T(test_millisecond_timeout_is_not_rounded_down),
		T(test_active_event_merges_a_second_reason),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
