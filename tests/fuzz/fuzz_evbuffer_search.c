/* Fuzz target: the read-side queries of an evbuffer whose bytes are split
 * across chains at points the input chooses, checked against the same bytes
 * held in one flat array.
 *
 * The input is read front to back:
 *   [shape] [kind, length] x pieces   [count] [op, a, b, c] x count   [bytes]
 * shape says how many pieces (1..8); each piece becomes its own chain (or
 * chains) by one of five routes: a plain add, a chain moved from another
 * buffer, a misaligned chain, a reference to the caller's memory, or a file
 * segment that is read in only when a query needs it.  Then up to 64
 * queries: evbuffer_search_eol in every style, evbuffer_search and
 * evbuffer_search_range, evbuffer_peek, evbuffer_copyout_from,
 * evbuffer_pullup and evbuffer_readln.  After each one the buffer must still
 * hold exactly the model's bytes.  At the end every line is read out in the
 * style the last byte of the header picked.
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
#include <unistd.h>

/* The model: the bytes the buffer should hold, in order. */
struct model {
	const uint8_t *bytes;
	size_t len;
};

/* ---- building the split buffer ---- */

static void
add_moved_chain(struct evbuffer *buf, const uint8_t *p, size_t n, size_t skew)
{
	struct evbuffer *tmp = evbuffer_new();
	uint8_t junk[64];

	CHECK(tmp != NULL);
	memset(junk, 'j', sizeof(junk));
	CHECK(evbuffer_add(tmp, junk, skew) == 0);
	CHECK(evbuffer_add(tmp, p, n) == 0);
	CHECK(evbuffer_drain(tmp, skew) == 0);
	CHECK(evbuffer_add_buffer(buf, tmp) == 0);
	evbuffer_free(tmp);
}

static void
add_file_piece(struct evbuffer *buf, const uint8_t *p, size_t n, unsigned how)
{
	struct evbuffer_file_segment *seg;
	size_t lead = how & 7;
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	uint8_t junk[8] = { 0 };

	CHECK(fd >= 0);
	CHECK(write(fd, junk, lead) == (ssize_t)lead);
	CHECK(write(fd, p, n) == (ssize_t)n);
	seg = evbuffer_file_segment_new(fd, 0, -1, EVBUF_FS_CLOSE_ON_FREE |
	    ((how & 8) ? EVBUF_FS_DISABLE_MMAP : 0));
	CHECK(seg != NULL);
	CHECK(evbuffer_add_file_segment(buf, seg, (ev_off_t)lead,
	    (ev_off_t)n) == 0);
	evbuffer_file_segment_free(seg);
}

static void
add_piece(struct evbuffer *buf, const uint8_t *p, size_t n, unsigned kind)
{
	switch (kind % 5) {
	case 0:
		CHECK(evbuffer_add(buf, p, n) == 0);
		break;
	case 1:
		add_moved_chain(buf, p, n, 0);
		break;
	case 2:
		add_moved_chain(buf, p, n, 1 + (kind >> 3) % 63);
		break;
	case 3:
		CHECK(evbuffer_add_reference(buf, p, n, NULL, NULL) == 0);
		break;
	case 4:
		add_file_piece(buf, p, n, kind >> 3);
		break;
	}
}

/* ---- the model's answers ---- */

static long
model_search(const struct model *m, size_t start, size_t end,
    const uint8_t *what, size_t len)
{
	size_t i;

	if (len == 0)
		return (long)start;
	for (i = start; i + len <= end; i++)
		if (memcmp(m->bytes + i, what, len) == 0)
			return (long)i;
	return -1;
}

/* Where the first end of line at or after start is, in one style. */
static long
model_eol(const struct model *m, size_t start, int style, size_t *eol_len)
{
	const uint8_t *b = m->bytes;
	size_t i, j;

	for (i = start; i < m->len; i++) {
		int next_is_lf = i + 1 < m->len && b[i + 1] == '\n';

		switch (style) {
		case EVBUFFER_EOL_ANY:
			if (b[i] != '\r' && b[i] != '\n')
				continue;
			for (j = i; j < m->len && (b[j] == '\r' || b[j] == '\n'); j++)
				;
			*eol_len = j - i;
			return (long)i;
		case EVBUFFER_EOL_CRLF:
			if (b[i] == '\n' || (b[i] == '\r' && next_is_lf)) {
				*eol_len = b[i] == '\n' ? 1 : 2;
				return (long)i;
			}
			continue;
		case EVBUFFER_EOL_CRLF_STRICT:
			if (b[i] == '\r' && next_is_lf) {
				*eol_len = 2;
				return (long)i;
			}
			continue;
		case EVBUFFER_EOL_LF:
		case EVBUFFER_EOL_NUL:
			if (b[i] == (style == EVBUFFER_EOL_LF ? '\n' : '\0')) {
				*eol_len = 1;
				return (long)i;
			}
			continue;
		}
	}
	*eol_len = 0;
	return -1;
}

/* ---- checks ---- */

static void
holds(struct evbuffer *buf, const struct model *m)
{
	check_holds(buf, m->bytes, m->len);
}

/* A position made by one SET or by SET 0 and two ADDs, so both paths of
 * evbuffer_ptr_set are walked. */
static struct evbuffer_ptr
position(struct evbuffer *buf, size_t at, unsigned how)
{
	struct evbuffer_ptr p;

	if (how & 1) {
		CHECK(evbuffer_ptr_set(buf, &p, at, EVBUFFER_PTR_SET) == 0);
	} else {
		CHECK(evbuffer_ptr_set(buf, &p, 0, EVBUFFER_PTR_SET) == 0);
		CHECK(evbuffer_ptr_set(buf, &p, at / 2, EVBUFFER_PTR_ADD) == 0);
		CHECK(evbuffer_ptr_set(buf, &p, at - at / 2, EVBUFFER_PTR_ADD) == 0);
	}
	CHECK(p.pos == (ev_ssize_t)at);
	return p;
}

static void
query_eol(struct evbuffer *buf, const struct model *m, size_t at, int style,
    unsigned how)
{
	struct evbuffer_ptr start = position(buf, at, how), hit;
	size_t got_len = 99, want_len;
	long want = model_eol(m, at, style, &want_len);

	hit = evbuffer_search_eol(buf, (how & 2) ? &start : NULL, &got_len,
	    (enum evbuffer_eol_style)style);
	if (!(how & 2))
		want = model_eol(m, 0, style, &want_len);
	CHECK(hit.pos == want);
	CHECK(got_len == want_len);
}

static void
query_search(struct evbuffer *buf, const struct model *m, size_t at,
    size_t end, const uint8_t *what, size_t len, unsigned how)
{
	struct evbuffer_ptr start = position(buf, at, how);
	struct evbuffer_ptr stop = position(buf, end, how >> 1), hit;
	long want;

	if (how & 4) {
		hit = evbuffer_search_range(buf, (const char *)what, len, &start,
		    &stop);
		want = model_search(m, at, end, what, len);
	} else {
		hit = evbuffer_search(buf, (const char *)what, len, &start);
		want = model_search(m, at, m->len, what, len);
	}
	CHECK(hit.pos == want);
	if (want >= 0 && len > 0) {
		/* The position found is usable: copying from it gives the match. */
		uint8_t copy[16];

		CHECK(evbuffer_copyout_from(buf, &hit, copy, len) == (ev_ssize_t)len);
		CHECK(memcmp(copy, what, len) == 0);
	}
}

static void
query_peek(struct evbuffer *buf, const struct model *m, size_t at, long want,
    int nvec)
{
	struct evbuffer_ptr start = position(buf, at, 1);
	struct evbuffer_iovec vec[8];
	size_t covered = 0, before_last = 0;
	int all, n, i;

	all = evbuffer_peek(buf, -1, &start, NULL, 0);
	CHECK(all >= 0 && (all > 0) == (at < m->len));
	n = evbuffer_peek(buf, (ev_ssize_t)want, &start, vec, nvec);
	CHECK(n >= 0 && n <= all);
	if (want < 0)
		CHECK(n == (nvec > 0 && nvec < all ? nvec : all));
	for (i = 0; i < n && i < nvec; i++) {
		CHECK(vec[i].iov_len > 0);
		CHECK(at + covered + vec[i].iov_len <= m->len);
		CHECK(memcmp(vec[i].iov_base, m->bytes + at + covered,
		    vec[i].iov_len) == 0);
		before_last = covered;
		covered += vec[i].iov_len;
	}
	if (want >= 0 && n <= nvec) {
		/* Exactly enough extents to cover want bytes, or all there are. */
		if ((size_t)want <= m->len - at)
			CHECK(covered >= (size_t)want && (n == 0 || before_last < (size_t)want));
		else
			CHECK(n == all && covered == m->len - at);
	}
}

static void
query_copyout(struct evbuffer *buf, const struct model *m, size_t at, size_t len)
{
	struct evbuffer_ptr start = position(buf, at, 1);
	uint8_t out[600];
	size_t want = len < m->len - at ? len : m->len - at;

	CHECK(evbuffer_copyout_from(buf, &start, out, len) == (ev_ssize_t)want);
	CHECK(memcmp(out, m->bytes + at, want) == 0);
}

static void
query_pullup(struct evbuffer *buf, const struct model *m, long size)
{
	unsigned char *p = evbuffer_pullup(buf, (ev_ssize_t)size);
	size_t want = size < 0 ? m->len : (size_t)size;

	if (want == 0 || want > m->len) {
		CHECK(p == NULL);
		return;
	}
	CHECK(p != NULL);
	CHECK(memcmp(p, m->bytes, want) == 0);
	CHECK(evbuffer_get_contiguous_space(buf) >= want);
}

/* Read one line; the model drops what the buffer drained.  1 if a line came. */
static int
query_readln(struct evbuffer *buf, struct model *m, int style)
{
	size_t eol_len, n_read = 99;
	long at = model_eol(m, 0, style, &eol_len);
	char *line = evbuffer_readln(buf, &n_read, (enum evbuffer_eol_style)style);

	if (at < 0) {
		CHECK(line == NULL && n_read == 0);
		return 0;
	}
	CHECK(line != NULL);
	CHECK(n_read == (size_t)at && line[at] == '\0');
	CHECK(memcmp(line, m->bytes, (size_t)at) == 0);
	free(line);
	m->bytes += (size_t)at + eol_len;
	m->len -= (size_t)at + eol_len;
	return 1;
}

/* ---- the target ---- */

static void
run_query(struct evbuffer *buf, struct model *m, const uint8_t q[4],
    struct input *in)
{
	size_t at = ((size_t)q[1] << 8 | q[2]) % (m->len + 1);
	size_t end = ((size_t)q[2] << 8 | q[3]) % (m->len + 1);
	size_t len = q[3] % 9;
	uint8_t what[8];
	size_t i;

	switch (q[0] % 8) {
	case 0:
		query_eol(buf, m, at, q[3] % 5, q[3] / 5);
		break;
	case 1:
	case 2:
		/* A pattern cut from the bytes themselves, or from the input. */
		for (i = 0; i < len; i++)
			what[i] = (q[0] & 8) ? (uint8_t)take(in) :
			    m->len ? m->bytes[(end + i) % m->len] : 'x';
		query_search(buf, m, at, end, what, len,
		    (unsigned)(q[0] >> 4) | (q[0] % 8 == 2 ? 4 : 0));
		break;
	case 3:
		query_peek(buf, m, at, (q[3] & 0x80) ? -1 : (long)(q[3] & 0x7f) * 8,
		    q[0] >> 5);
		break;
	case 4:
		query_copyout(buf, m, at, (size_t)q[3] * 2);
		break;
	case 5:
		query_pullup(buf, m, (q[3] & 0x80) ? -1 : (long)(at % 1200));
		break;
	case 6:
		query_readln(buf, m, q[3] % 5);
		break;
	case 7:
		query_eol(buf, m, at, q[3] % 5, 3);
		break;
	}
	holds(buf, m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned shape = take(&in), kinds[8], lens[8];
	int npieces = 1 + (int)(shape & 7), nqueries, i;
	uint8_t (*queries)[4];
	struct evbuffer *buf;
	struct model m;
	size_t at = 0, n;

	event_set_log_callback(fuzz_quiet_log);
	for (i = 0; i < npieces; i++) {
		kinds[i] = take(&in);
		lens[i] = take(&in) * 4;
	}
	nqueries = (int)(take(&in) % 65);
	queries = (uint8_t (*)[4])in.p;
	if (in.n < (size_t)nqueries * 4)
		nqueries = (int)(in.n / 4);
	in.p += (size_t)nqueries * 4;
	in.n -= (size_t)nqueries * 4;

	/* What is left is the buffer's content.  A query that wants a pattern
	 * of its own reads it from there too, so the pattern may or may not
	 * occur. */
	m.bytes = in.p;
	m.len = in.n;
	buf = evbuffer_new();
	CHECK(buf != NULL);
	for (i = 0; i < npieces && at < m.len; i++) {
		n = i == npieces - 1 ? m.len - at : lens[i];
		if (n > m.len - at)
			n = m.len - at;
		if (n > 0)
			add_piece(buf, m.bytes + at, n, kinds[i]);
		at += n;
	}
	if (at < m.len)
		CHECK(evbuffer_add(buf, m.bytes + at, m.len - at) == 0);
	holds(buf, &m);

	for (i = 0; i < nqueries; i++)
		run_query(buf, &m, queries[i], &in);
	while (query_readln(buf, &m, (int)(shape >> 3) % 5))
		holds(buf, &m);
	holds(buf, &m);
	evbuffer_free(buf);
	return 0;
}
