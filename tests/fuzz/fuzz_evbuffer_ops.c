/* Fuzz target: a sequence of evbuffer operations on two buffers, checked
 * against a model (two flat byte arrays and their freeze flags) after every
 * step.
 *
 * The input is a list of steps, each an operation byte followed by the
 * bytes it needs.  The operation's low four bits choose the call, bit 4 the
 * buffer it acts on (the other one is the partner for moves), and the rest
 * its variant.  Sizes come from one byte: below 200 it is the size itself,
 * above it a size up to some 16 KiB, so that short inputs still build buffers
 * of many chains.  Bytes added come from the input when there is enough of
 * it, else from a counter.
 *
 * After every step both buffers must pass evbuffer_check_invariants() and
 * hold exactly what the model holds; a call on a frozen end must fail and
 * change nothing; every other call must do what its documentation says.
 */
/* fuzz-chapter: 06 */
#include <event2/buffer.h>
#include <event2/event.h>
#include "fuzz_evbuffer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAX_LEN (64u * 1024)	/* no buffer grows past this: each step copies both */

/* What one evbuffer should hold. */
struct model {
	uint8_t *b;
	size_t len, cap;
	int frozen_front, frozen_back;
	int may_share;		/* may hold chains shared from another buffer */
};

/* The state of one run: the two buffers, their models, and the bytes the
 * counter hands out when the input runs short. */
struct world {
	struct evbuffer *buf[2];
	struct model m[2];
	struct input in;
	uint8_t counter;
	int refs_added, refs_cleaned;
};

/* ---- the model ---- */

static void
model_reserve(struct model *m, size_t len)
{
	if (len <= m->cap)
		return;
	m->cap = len * 2;
	m->b = realloc(m->b, m->cap);
	CHECK(m->b != NULL);
}

static void
model_append(struct model *m, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	model_reserve(m, m->len + n);
	memcpy(m->b + m->len, p, n);
	m->len += n;
}

static void
model_prepend(struct model *m, const uint8_t *p, size_t n)
{
	if (n == 0)
		return;
	model_reserve(m, m->len + n);
	memmove(m->b + n, m->b, m->len);
	memcpy(m->b, p, n);
	m->len += n;
}

static void
model_drain(struct model *m, size_t n)
{
	if (n > m->len)
		n = m->len;
	if (n == 0)
		return;
	memmove(m->b, m->b + n, m->len - n);
	m->len -= n;
}

/* ---- checks ---- */

static void
holds(struct evbuffer *buf, const struct model *m)
{
	check_holds(buf, m->b, m->len);
}

/* ---- sizes and bytes ---- */

static size_t
take_size(struct world *w)
{
	unsigned s = take(&w->in);

	return s < 200 ? s : (size_t)(s - 199) * 300 + take(&w->in);
}

/* n bytes to add: from the input if it has them, else from the counter.
 * The caller frees the result. */
static uint8_t *
take_bytes(struct world *w, size_t n)
{
	uint8_t *p = malloc(n + 1);
	size_t i;

	CHECK(p != NULL);
	if (w->in.n >= n && n < 64) {
		memcpy(p, w->in.p, n);
		w->in.p += n;
		w->in.n -= n;
	} else {
		for (i = 0; i < n; i++)
			p[i] = w->counter++;
	}
	return p;
}

static int
fits(const struct model *m, size_t n)
{
	return n <= MAX_LEN - m->len;
}

/* ---- the steps ---- */

static void
step_add(struct world *w, int i, int front)
{
	struct model *m = &w->m[i];
	size_t n = take_size(w);
	uint8_t *p;
	int r;

	if (!fits(m, n))
		return;
	p = take_bytes(w, n);
	r = front ? evbuffer_prepend(w->buf[i], p, n) : evbuffer_add(w->buf[i], p, n);
	if (front ? m->frozen_front : m->frozen_back) {
		CHECK(r == -1);
	} else {
		CHECK(r == 0);
		if (front)
			model_prepend(m, p, n);
		else
			model_append(m, p, n);
	}
	free(p);
}

static void
step_add_iovec(struct world *w, int i)
{
	struct model *m = &w->m[i];
	struct evbuffer_iovec vec[3];
	uint8_t *parts[3];
	size_t total = 0, added;
	int n = 1 + (int)(take(&w->in) % 3), k;

	for (k = 0; k < n; k++) {
		vec[k].iov_len = take_size(w) % 5000;
		parts[k] = take_bytes(w, vec[k].iov_len);
		vec[k].iov_base = parts[k];
		total += vec[k].iov_len;
	}
	if (fits(m, total)) {
		added = evbuffer_add_iovec(w->buf[i], vec, n);
		CHECK(added == (m->frozen_back ? 0 : total));
		for (k = 0; k < n && !m->frozen_back; k++)
			model_append(m, parts[k], vec[k].iov_len);
	}
	for (k = 0; k < n; k++)
		free(parts[k]);
}

static void
step_drain_or_remove(struct world *w, int i, int remove)
{
	struct model *m = &w->m[i];
	size_t n = take_size(w), got;
	uint8_t *out;
	int r;

	if (!remove) {
		r = evbuffer_drain(w->buf[i], n);
		CHECK(r == (m->frozen_front ? -1 : 0));
		if (!m->frozen_front)
			model_drain(m, n);
		return;
	}
	out = malloc(n + 1);
	CHECK(out != NULL);
	r = evbuffer_remove(w->buf[i], out, n);
	if (m->frozen_front) {
		CHECK(r == -1);
	} else {
		got = n < m->len ? n : m->len;
		CHECK(r == (int)got);
		CHECK(got == 0 || memcmp(out, m->b, got) == 0);
		model_drain(m, got);
	}
	free(out);
}

/* Move bytes from buffer i to its partner j: all to the end (add_buffer),
 * all to the front (prepend_buffer), or the first n (remove_buffer). */
static void
step_move(struct world *w, int i, unsigned how)
{
	int j = 1 - i, r;
	struct model *src = &w->m[i], *dst = &w->m[j];
	size_t n = how == 2 ? take_size(w) : src->len;
	int refused;

	if (n > src->len)
		n = src->len;
	if (!fits(dst, n))
		return;
	if (how == 0) {
		r = evbuffer_add_buffer(w->buf[j], w->buf[i]);
		refused = dst->frozen_back || src->frozen_front;
	} else if (how == 1) {
		r = evbuffer_prepend_buffer(w->buf[j], w->buf[i]);
		refused = dst->frozen_front || src->frozen_front;
	} else {
		r = evbuffer_remove_buffer(w->buf[i], w->buf[j], n);
		refused = dst->frozen_back || src->frozen_front;
	}
	if (refused && n == 0 && how != 2) {
		CHECK(r == -1 || r == 0);	/* nothing to move: either answer */
		return;
	}
	if (refused) {
		CHECK(r == -1);
		return;
	}
	CHECK(r == (how == 2 ? (int)n : 0));
	if (how == 1)
		model_prepend(dst, src->b, n);
	else
		model_append(dst, src->b, n);
	model_drain(src, n);
	dst->may_share |= src->may_share && n > 0;
}

/* The caller's own buffer, itself as partner: always refused. */
static void
step_move_to_self(struct world *w, int i)
{
	CHECK(evbuffer_add_buffer(w->buf[i], w->buf[i]) == -1);
	CHECK(evbuffer_prepend_buffer(w->buf[i], w->buf[i]) == -1);
	CHECK(evbuffer_remove_buffer(w->buf[i], w->buf[i], 10) == -1);
	CHECK(evbuffer_add_buffer_reference(w->buf[i], w->buf[i]) == -1);
}

static void
step_reserve(struct world *w, int i, unsigned how)
{
	struct model *m = &w->m[i];
	struct evbuffer_iovec vec[2];
	size_t size = take_size(w), fill[2] = { 0, 0 };
	int nvec = (how & 1) ? 2 : 1, n, k;
	unsigned char *p;

	if (!fits(m, size))
		return;
	n = evbuffer_reserve_space(w->buf[i], (ev_ssize_t)size, vec, nvec);
	if (m->frozen_back) {
		CHECK(n == -1);
		return;
	}
	CHECK(n >= 1 && n <= nvec);
	CHECK(vec[0].iov_len + (n == 2 ? vec[1].iov_len : 0) >= size);
	holds(w->buf[i], m);	/* reserving adds nothing */
	if (how & 2)
		return;		/* abandoned: the next call ends it */
	for (k = 0; k < n; k++) {
		size_t want = take_size(w);

		fill[k] = want < vec[k].iov_len ? want : vec[k].iov_len;
		p = take_bytes(w, fill[k]);
		memcpy(vec[k].iov_base, p, fill[k]);
		free(p);
		vec[k].iov_len = fill[k];
	}
	if (n == 2 && (how & 4))
		n = 1;		/* commit the first extent only */
	CHECK(evbuffer_commit_space(w->buf[i], vec, n) == 0);
	for (k = 0; k < n; k++)
		model_append(m, vec[k].iov_base, fill[k]);
	/* A second commit of the same extents is refused. */
	if (n > 0 && fill[0] > 0)
		CHECK(evbuffer_commit_space(w->buf[i], vec, n) == -1);
}

static void
count_cleanup(const void *data, size_t len, void *arg)
{
	struct world *w = arg;

	(void)data;
	(void)len;
	w->refs_cleaned++;
}

static void
step_add_reference(struct world *w, int i)
{
	struct model *m = &w->m[i];
	size_t n = take_size(w) % 64;
	const uint8_t *p = w->in.p;
	int r;

	if (n > w->in.n)
		n = w->in.n;
	w->in.p += n;
	w->in.n -= n;
	r = evbuffer_add_reference(w->buf[i], p, n, count_cleanup, w);
	if (m->frozen_back) {
		CHECK(r == -1);
		return;
	}
	CHECK(r == 0);
	w->refs_added++;
	model_append(m, p, n);
}

static void
step_add_buffer_reference(struct world *w, int i)
{
	int j = 1 - i, r;
	struct model *src = &w->m[i], *dst = &w->m[j];

	if (!fits(dst, src->len))
		return;
	r = evbuffer_add_buffer_reference(w->buf[j], w->buf[i]);
	if (dst->frozen_back || (src->may_share && r == -1)) {
		CHECK(r == -1);
		return;
	}
	CHECK(r == 0);
	model_append(dst, src->b, src->len);
	dst->may_share |= src->len > 0;
}

/* A file segment of counter bytes, added whole or in part. */
static void
step_add_file(struct world *w, int i, unsigned how)
{
	struct model *m = &w->m[i];
	size_t n = take_size(w) + 1, skip = take(&w->in) % n;
	uint8_t *p = take_bytes(w, n);
	struct evbuffer_file_segment *seg;
	int fd = memfd_create("fuzz", MFD_CLOEXEC), r;

	CHECK(fd >= 0);
	CHECK(write(fd, p, n) == (ssize_t)n);
	if (!fits(m, n)) {
		close(fd);
		free(p);
		return;
	}
	if (how & 1) {
		r = evbuffer_add_file(w->buf[i], fd, (ev_off_t)skip,
		    (ev_off_t)(n - skip));
		if (r < 0)
			close(fd);	/* refused: the descriptor is still ours */
	} else {
		seg = evbuffer_file_segment_new(fd, 0, (ev_off_t)n,
		    EVBUF_FS_CLOSE_ON_FREE | ((how & 2) ? EVBUF_FS_DISABLE_MMAP : 0));
		CHECK(seg != NULL);
		r = evbuffer_add_file_segment(w->buf[i], seg, (ev_off_t)skip, -1);
		evbuffer_file_segment_free(seg);
	}
	CHECK(r == (m->frozen_back ? -1 : 0));
	if (r == 0)
		model_append(m, p + skip, n - skip);
	free(p);
}

static void
step_printf(struct world *w, int i)
{
	struct model *m = &w->m[i];
	char text[80], expect[120];
	size_t n = take(&w->in) % 40, k;
	unsigned value = take(&w->in) * 1000u + take(&w->in);
	int len, r;

	for (k = 0; k < n; k++)
		text[k] = (char)('a' + take(&w->in) % 26);
	text[n] = '\0';
	len = snprintf(expect, sizeof(expect), "%s:%u;", text, value);
	r = evbuffer_add_printf(w->buf[i], "%s:%u;", text, value);
	if (m->frozen_back) {
		CHECK(r == -1);
		return;
	}
	CHECK(r == len);
	model_append(m, (const uint8_t *)expect, (size_t)len);
}

static void
step_expand_or_pullup(struct world *w, int i, unsigned how)
{
	struct model *m = &w->m[i];
	size_t n = take_size(w);
	unsigned char *p;

	if (how & 1) {
		if (fits(m, n))
			CHECK(evbuffer_expand(w->buf[i], n) == 0);
		return;
	}
	if (how & 2)
		n = (size_t)-1;
	p = evbuffer_pullup(w->buf[i], (ev_ssize_t)n);
	if (n == (size_t)-1)
		n = m->len;
	if (n == 0 || n > m->len) {
		CHECK(p == NULL);
		return;
	}
	CHECK(p != NULL && memcmp(p, m->b, n) == 0);
}

static void
step_freeze(struct world *w, int i, unsigned how)
{
	struct model *m = &w->m[i];
	int front = how & 1, freeze = (how & 2) != 0;

	if (freeze)
		CHECK(evbuffer_freeze(w->buf[i], front) == 0);
	else
		CHECK(evbuffer_unfreeze(w->buf[i], front) == 0);
	if (front)
		m->frozen_front = freeze;
	else
		m->frozen_back = freeze;
}

static void
step(struct world *w)
{
	unsigned op = take(&w->in);
	int i = (op >> 4) & 1;
	unsigned how = op >> 5;

	switch (op & 15) {
	case 0: step_add(w, i, 0); break;
	case 1: step_add(w, i, 1); break;
	case 2: step_drain_or_remove(w, i, 0); break;
	case 3: step_drain_or_remove(w, i, 1); break;
	case 4: step_move(w, i, 0); break;
	case 5: step_move(w, i, 1); break;
	case 6: step_move(w, i, 2); break;
	case 7: step_reserve(w, i, how); break;
	case 8: step_add_reference(w, i); break;
	case 9: step_add_buffer_reference(w, i); break;
	case 10: step_add_file(w, i, how); break;
	case 11: step_printf(w, i); break;
	case 12: step_expand_or_pullup(w, i, how); break;
	case 13: step_freeze(w, i, how); break;
	case 14: step_add_iovec(w, i); break;
	case 15: step_move_to_self(w, i); break;
	}
	holds(w->buf[0], &w->m[0]);
	holds(w->buf[1], &w->m[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct world w;
	int i;

	event_set_log_callback(fuzz_quiet_log);
	memset(&w, 0, sizeof(w));
	w.in.p = data;
	w.in.n = size;
	for (i = 0; i < 2; i++) {
		w.buf[i] = evbuffer_new();
		CHECK(w.buf[i] != NULL);
	}
	while (w.in.n > 0)
		step(&w);
	for (i = 0; i < 2; i++) {
		evbuffer_free(w.buf[i]);
		free(w.m[i].b);
	}
	/* Every reference was handed back, exactly once. */
	CHECK(w.refs_cleaned == w.refs_added);
	return 0;
}
