/* Shared by the evbuffer fuzz targets: the check that a buffer is sound and
 * holds exactly the model's bytes. */
#ifndef FUZZ_EVBUFFER_H_INCLUDED_
#define FUZZ_EVBUFFER_H_INCLUDED_

#include <event2/buffer.h>
#include "evbuffer-internal.h"
#include "fuzz.h"

#include <string.h>

static inline void
check_holds(struct evbuffer *buf, const uint8_t *bytes, size_t len)
{
	uint8_t *copy = malloc(len + 1);

	CHECK(copy != NULL);
	evbuffer_check_invariants(buf);
	CHECK(evbuffer_get_length(buf) == len);
	CHECK(evbuffer_copyout(buf, copy, len + 1) == (ev_ssize_t)len);
	CHECK(len == 0 || memcmp(copy, bytes, len) == 0);
	free(copy);
}

#endif
