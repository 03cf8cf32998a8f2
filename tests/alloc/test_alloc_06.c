/* Chapter 06 under allocation failure: evbuffers built up, moved, shared,
 * read and written, with every allocation they make refused in turn.
 *
 * Each workload keeps a model of what each buffer should hold.  A call that
 * succeeds changes the model as the call's documentation says; a call that
 * fails must have had an allocation refused (ALLOC_OK) and must leave the
 * buffer equal to the model.  The workload then goes on, so that when only
 * one allocation is refused every later call must work on the buffer the
 * failure left behind.
 */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <event2/util.h>
#include "evbuffer-internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "alloc_inject.h"

#define MODEL_MAX (128 * 1024)

/* What a buffer should hold. */
struct model {
	unsigned char b[MODEL_MAX];
	size_t len;
};

static struct model model[3];

static void
model_add(struct model *m, const void *p, size_t n)
{
	assert_true(m->len + n <= MODEL_MAX);
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void
model_prepend(struct model *m, const void *p, size_t n)
{
	assert_true(m->len + n <= MODEL_MAX);
	memmove(m->b + n, m->b, m->len);
	memcpy(m->b, p, n);
	m->len += n;
}

static void
model_drain(struct model *m, size_t n)
{
	n = n < m->len ? n : m->len;
	memmove(m->b, m->b + n, m->len - n);
	m->len -= n;
}

/* Move the first n bytes of one model to the end (or front) of another. */
static void
model_move(struct model *from, struct model *to, size_t n, int to_front)
{
	n = n < from->len ? n : from->len;
	if (to_front)
		model_prepend(to, from->b, n);
	else
		model_add(to, from->b, n);
	model_drain(from, n);
}

/* The buffer is sound and as long as the model, without reading any file
 * segment in (which allocates). */
static void
holds_length(struct evbuffer *buf, const struct model *m)
{
	evbuffer_check_invariants(buf);
	assert_int_equal(evbuffer_get_length(buf), m->len);
}

/* The buffer holds exactly what the model says (checked with injection
 * paused: reading a file segment in may allocate). */
static void
holds(struct evbuffer *buf, const struct model *m)
{
	static unsigned char copy[MODEL_MAX + 1];

	alloc_pause();
	evbuffer_check_invariants(buf);
	assert_int_equal(evbuffer_get_length(buf), m->len);
	assert_int_equal(evbuffer_copyout(buf, copy, sizeof(copy)), (ev_ssize_t)m->len);
	assert_memory_equal(copy, m->b, m->len);
	alloc_resume();
}

static unsigned char pattern[40000];

static void
fill_pattern(void)
{
	size_t i;

	for (i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)('a' + (i * 7 + i / 251) % 26);
}

/* New buffers, or NULL (and a refused allocation) for all of them. */
static int
new_buffers(struct evbuffer **bufs, int n)
{
	long m;
	int i;

	for (i = 0; i < n; i++) {
		model[i].len = 0;
		m = alloc_mark();
		bufs[i] = evbuffer_new();
		if (!ALLOC_OK(m, bufs[i] != NULL)) {
			while (i-- > 0)
				evbuffer_free(bufs[i]);
			return -1;
		}
	}
	return 0;
}

/* ---- adding, prepending, formatting, pulling up, reading lines ---- */

static int refs_cleaned;

static void
count_cleanup(const void *data, size_t len, void *arg)
{
	(void)data;
	(void)len;
	(void)arg;
	refs_cleaned++;
}

static void
add_bytes_step(struct evbuffer *buf, struct model *mod, const void *p,
    size_t n, int front)
{
	long m = alloc_mark();
	int r = front ? evbuffer_prepend(buf, p, n) : evbuffer_add(buf, p, n);

	if (ALLOC_OK(m, r == 0)) {
		if (front)
			model_prepend(mod, p, n);
		else
			model_add(mod, p, n);
	}
	holds(buf, mod);
}

static void
printf_step(struct evbuffer *buf, struct model *mod, int value)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "[%d:%s]", value, "printf"), r;
	long m = alloc_mark();

	r = evbuffer_add_printf(buf, "[%d:%s]", value, "printf");
	if (ALLOC_OK(m, r >= 0)) {
		assert_int_equal(r, n);
		model_add(mod, text, (size_t)n);
	}
	holds(buf, mod);
}

static void
pullup_step(struct evbuffer *buf, const struct model *mod, ev_ssize_t size)
{
	long m = alloc_mark();
	unsigned char *p = evbuffer_pullup(buf, size);
	size_t want = size < 0 ? mod->len : (size_t)size;

	if (want == 0 || want > mod->len) {
		assert_null(p);		/* nothing to pull up: not a failure */
	} else if (ALLOC_OK(m, p != NULL)) {
		assert_memory_equal(p, mod->b, want);
		assert_true(evbuffer_get_contiguous_space(buf) >= want);
	}
	holds(buf, mod);
}

static void
readln_step(struct evbuffer *buf, struct model *mod)
{
	unsigned char *eol = memchr(mod->b, '\n', mod->len);
	size_t n_read = 99, at;
	long m = alloc_mark();
	char *line = evbuffer_readln(buf, &n_read, EVBUFFER_EOL_LF);

	at = eol ? (size_t)(eol - mod->b) : 0;
	if (eol == NULL) {
		assert_null(line);	/* no line yet: not a failure */
		assert_int_equal(n_read, 0);
	} else if (ALLOC_OK(m, line != NULL)) {
		assert_int_equal(n_read, at);
		assert_memory_equal(line, mod->b, at);
		alloc_free(line);
		model_drain(mod, at + 1);
	} else {
		assert_int_equal(n_read, 0);
	}
	holds(buf, mod);
}

static void
reference_step(struct evbuffer *buf, struct model *mod, const char *text,
    int *refs_added)
{
	int cleaned = refs_cleaned, r;
	long m = alloc_mark();

	r = evbuffer_add_reference(buf, text, strlen(text), count_cleanup, NULL);
	if (ALLOC_OK(m, r == 0)) {
		model_add(mod, text, strlen(text));
		++*refs_added;
	} else {
		assert_int_equal(refs_cleaned, cleaned);	/* still the caller's */
	}
	holds(buf, mod);
}

static void
build_and_read(void)
{
	struct evbuffer *buf[1];
	int refs_added = 0;

	if (new_buffers(buf, 1) < 0)
		return;
	refs_cleaned = 0;
	add_bytes_step(buf[0], &model[0], "hello\n", 6, 0);
	add_bytes_step(buf[0], &model[0], pattern, 5000, 0);
	add_bytes_step(buf[0], &model[0], "front\n", 6, 1);
	printf_step(buf[0], &model[0], 42);
	reference_step(buf[0], &model[0], "a line by reference\n", &refs_added);
	add_bytes_step(buf[0], &model[0], pattern, 20000, 0);
	printf_step(buf[0], &model[0], -7);
	add_bytes_step(buf[0], &model[0], "\n", 1, 1);
	pullup_step(buf[0], &model[0], 3000);
	pullup_step(buf[0], &model[0], -1);
	readln_step(buf[0], &model[0]);
	readln_step(buf[0], &model[0]);
	/* Room before the first byte, and a prepend that needs more: part
	 * goes into that room, the rest into a new chain. */
	assert_int_equal(evbuffer_drain(buf[0], 3), 0);
	model_drain(&model[0], 3);
	add_bytes_step(buf[0], &model[0], pattern + 500, 700, 1);
	evbuffer_free(buf[0]);
	assert_int_equal(refs_cleaned, refs_added);
}

/* ---- moving and sharing chains between buffers ---- */

static void
move_step(struct evbuffer **buf, int from, int to, size_t n)
{
	long m = alloc_mark();
	int r = evbuffer_remove_buffer(buf[from], buf[to], n);
	size_t want = n < model[from].len ? n : model[from].len;

	/* Moving whole chains allocates nothing; the part of a chain is
	 * copied, and when that copy is refused after whole chains moved,
	 * the call says how much did move. */
	if (ALLOC_OK(m, r >= 0)) {
		ALLOC_OK(m, r == (int)want);
		assert_true(r > 0 || want == 0);
		model_move(&model[from], &model[to], (size_t)r, 0);
	}
	holds(buf[from], &model[from]);
	holds(buf[to], &model[to]);
}

static void
share_step(struct evbuffer **buf, int from, int to)
{
	long m = alloc_mark();
	int r = evbuffer_add_buffer_reference(buf[to], buf[from]);

	if (ALLOC_OK(m, r == 0))
		model_add(&model[to], model[from].b, model[from].len);
	holds(buf[from], &model[from]);
	holds(buf[to], &model[to]);
}

static void
remove_step(struct evbuffer *buf, struct model *mod, size_t n)
{
	static unsigned char out[MODEL_MAX];
	size_t want = n < mod->len ? n : mod->len;
	int r = evbuffer_remove(buf, out, n);

	assert_int_equal(r, (int)want);
	assert_memory_equal(out, mod->b, want);
	model_drain(mod, want);
	holds(buf, mod);
}

static void
iovec_step(struct evbuffer *buf, struct model *mod)
{
	struct evbuffer_iovec vec[3] = {
		{ pattern, 100 }, { pattern + 100, 3000 }, { pattern + 3100, 9000 },
	};
	long m = alloc_mark();
	size_t added = evbuffer_add_iovec(buf, vec, 3), i, whole = 0;

	/* Some vectors may go in before one fails: whole vectors only. */
	for (i = 0; i < 3 && whole < added; i++)
		whole += vec[i].iov_len;
	assert_int_equal(whole, added);
	ALLOC_OK(m, added == 12100);
	model_add(mod, pattern, added);
	holds(buf, mod);
}

static void
move_and_share(void)
{
	struct evbuffer *buf[3];
	int i;

	if (new_buffers(buf, 3) < 0)
		return;
	add_bytes_step(buf[0], &model[0], pattern, 3000, 0);
	add_bytes_step(buf[0], &model[0], pattern + 3000, 3000, 0);
	move_step(buf, 0, 1, 3100);		/* one chain and a part */
	share_step(buf, 1, 2);
	add_bytes_step(buf[1], &model[1], "after sharing", 13, 0);
	add_bytes_step(buf[1], &model[1], "before sharing", 14, 1);
	move_step(buf, 2, 0, 50);		/* a part of a shared chain */
	iovec_step(buf[2], &model[2]);
	move_step(buf, 2, 1, model[2].len);	/* everything */
	{
		long m = alloc_mark();
		int r = evbuffer_prepend_buffer(buf[0], buf[1]);

		if (ALLOC_OK(m, r == 0))
			model_move(&model[1], &model[0], model[1].len, 1);
		holds(buf[0], &model[0]);
		holds(buf[1], &model[1]);
	}
	remove_step(buf[0], &model[0], 7000);
	for (i = 0; i < 3; i++)
		evbuffer_free(buf[i]);
}

/* ---- file segments, reservations, descriptors ---- */

static int
pattern_fd(size_t len)
{
	int fd = memfd_create("alloc", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, pattern, len), (ssize_t)len);
	return fd;
}

static void
segment_step(struct evbuffer *buf, struct model *mod, unsigned flags)
{
	struct evbuffer_file_segment *seg;
	int fd = pattern_fd(9000), r;
	long m = alloc_mark();

	seg = evbuffer_file_segment_new(fd, 100, 8000, flags | EVBUF_FS_CLOSE_ON_FREE);
	if (!ALLOC_OK(m, seg != NULL)) {
		close(fd);		/* a segment that failed leaves fd open */
		return;
	}
	m = alloc_mark();
	r = evbuffer_add_file_segment(buf, seg, 1000, 5000);
	if (ALLOC_OK(m, r == 0))
		model_add(mod, pattern + 1100, 5000);
	evbuffer_file_segment_free(seg);
	holds_length(buf, mod);	/* copyout_step reads it in, refusals and all */
}

static void
add_file_step(struct evbuffer *buf, struct model *mod)
{
	int fd = pattern_fd(7000), r;
	long m = alloc_mark();

	r = evbuffer_add_file(buf, fd, 10, 6000);
	if (ALLOC_OK(m, r == 0))
		model_add(mod, pattern + 10, 6000);
	else
		close(fd);		/* refused: the descriptor is still ours */
	holds_length(buf, mod);
}

/* A copy out of a buffer whose segment is read in now: a refused read
 * reports -1 and leaves the buffer to be read again. */
static void
copyout_step(struct evbuffer *buf, const struct model *mod)
{
	static unsigned char out[MODEL_MAX];
	long m = alloc_mark();
	ev_ssize_t r = evbuffer_copyout(buf, out, sizeof(out));

	if (ALLOC_OK(m, r >= 0)) {
		assert_int_equal(r, (ev_ssize_t)mod->len);
		assert_memory_equal(out, mod->b, mod->len);
	}
	holds(buf, mod);
}

static void
reserve_step(struct evbuffer *buf, struct model *mod, size_t size, int nvec)
{
	struct evbuffer_iovec vec[2];
	long m = alloc_mark();
	int n = evbuffer_reserve_space(buf, (ev_ssize_t)size, vec, nvec), i;

	if (!ALLOC_OK(m, n > 0)) {
		holds(buf, mod);
		return;
	}
	for (i = 0; i < n; i++) {
		if (vec[i].iov_len > size / 2)
			vec[i].iov_len = size / 2;
		memcpy(vec[i].iov_base, pattern + i * 7, vec[i].iov_len);
	}
	assert_int_equal(evbuffer_commit_space(buf, vec, n), 0);
	for (i = 0; i < n; i++)
		model_add(mod, pattern + i * 7, vec[i].iov_len);
	holds(buf, mod);
}

static void
read_step(struct evbuffer *buf, struct model *mod, int fd, size_t n)
{
	long m = alloc_mark();
	int r = evbuffer_read(buf, fd, (int)n);

	if (ALLOC_OK(m, r >= 0)) {
		assert_int_equal(r, (int)n);
		model_add(mod, pattern, n);
	}
	holds(buf, mod);
}

static void
write_step(struct evbuffer *buf, struct model *mod, int fd, int peer)
{
	static unsigned char got[MODEL_MAX];
	size_t before = mod->len;
	long m = alloc_mark();
	int r = evbuffer_write(buf, fd);
	ssize_t n;

	if (ALLOC_OK(m, r >= 0)) {
		assert_true((r > 0 || before == 0) && (size_t)r <= before);
		n = read(peer, got, (size_t)r);
		assert_int_equal(n, r);
		assert_memory_equal(got, mod->b, (size_t)r);
		model_drain(mod, (size_t)r);
	}
	holds(buf, mod);
}

static void
files_and_descriptors(void)
{
	struct evbuffer *buf[1];
	int pair[2];

	if (new_buffers(buf, 1) < 0)
		return;
	alloc_pause();
	assert_int_equal(evutil_socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
	assert_int_equal(evutil_make_socket_nonblocking(pair[0]), 0);
	alloc_resume();
	add_bytes_step(buf[0], &model[0], "head", 4, 0);
	/* Three segments: read in when first needed (pread, into an
	 * allocation), read in at once, and mapped when needed. */
	segment_step(buf[0], &model[0], EVBUF_FS_DISABLE_MMAP);
	segment_step(buf[0], &model[0], EVBUF_FS_DISABLE_SENDFILE |
	    EVBUF_FS_DISABLE_MMAP);
	add_file_step(buf[0], &model[0]);
	copyout_step(buf[0], &model[0]);
	reserve_step(buf[0], &model[0], 3000, 2);
	reserve_step(buf[0], &model[0], 20000, 1);
	assert_int_equal(write(pair[1], pattern, 5000), 5000);
	read_step(buf[0], &model[0], pair[0], 5000);
	write_step(buf[0], &model[0], pair[0], pair[1]);
	write_step(buf[0], &model[0], pair[0], pair[1]);
	evbuffer_free(buf[0]);
	close(pair[0]);
	close(pair[1]);
}

/* ---- callbacks, deferred to a loop, and locks ---- */

static size_t cb_added, cb_deleted;

static void
count_changes(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	(void)buf;
	(void)arg;
	cb_added += info->n_added;
	cb_deleted += info->n_deleted;
}

static void
callbacks_locks_and_deferral(void)
{
	struct evbuffer *buf[1];
	struct evbuffer_cb_entry *cb;
	struct event_base *base;
	long m;
	int r;

	m = alloc_mark();
	base = event_base_new();
	if (!ALLOC_OK(m, base != NULL))
		return;
	if (new_buffers(buf, 1) < 0) {
		event_base_free(base);
		return;
	}
	m = alloc_mark();
	r = evbuffer_enable_locking(buf[0], NULL);
	ALLOC_OK(m, r == 0);
	cb_added = cb_deleted = 0;
	m = alloc_mark();
	cb = evbuffer_add_cb(buf[0], count_changes, NULL);
	if (ALLOC_OK(m, cb != NULL)) {
		size_t added, drained;

		assert_int_equal(evbuffer_defer_callbacks(buf[0], base), 0);
		add_bytes_step(buf[0], &model[0], pattern, 4000, 0);
		added = model[0].len;
		drained = added < 1000 ? added : 1000;
		assert_int_equal(evbuffer_drain(buf[0], 1000), 0);
		model_drain(&model[0], 1000);
		assert_int_equal(cb_added + cb_deleted, 0);	/* deferred */
		assert_true(event_base_loop(base, EVLOOP_NONBLOCK) >= 0);
		/* The deferred run reported what happened, all of it, once. */
		assert_int_equal(cb_added, added);
		assert_int_equal(cb_deleted, drained);
	}
	assert_int_equal(evbuffer_setcb(buf[0], NULL, NULL), 0);
	holds(buf[0], &model[0]);
	evbuffer_free(buf[0]);
	event_base_free(base);
}

static const struct alloc_workload workloads[] = {
	{ "evbuffer_build_and_read", build_and_read },
	{ "evbuffer_move_and_share", move_and_share },
	{ "evbuffer_files_and_descriptors", files_and_descriptors },
	{ "evbuffer_callbacks_locks_and_deferral", callbacks_locks_and_deferral },
};

int
main(void)
{
	fill_pattern();
	assert_int_equal(evthread_use_pthreads(), 0);
	return ALLOC_RUN_WORKLOADS(workloads);
}
