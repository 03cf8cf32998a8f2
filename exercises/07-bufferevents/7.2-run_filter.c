/*
 * Exercise 7.2: write run_filter().
 *
 * Read "The driver" in chapters/07-bufferevents/07-bufferevents.adoc.
 * This file stands in for the chunk ⟨Run a filter until it has no more to give⟩ when you run
 *     make exercise EX=7.2
 * Hint: Loop: note both lengths; if high is set, stop when dst has reached it and pass high minus dst's length as the limit (else -1). Call the filter; BEV_ERROR returns at once. Progress is src shrinking or dst growing; a BEV_OK with progress (or from an empty source) counts as output. Stop after a result other than BEV_OK, a call without progress, a call made with an empty source, or (in BEV_NORMAL only) a source the call emptied. Return BEV_OK if there was output, else BEV_NEED_MORE.
 */
static enum bufferevent_filter_result
run_filter(bufferevent_filter_cb filter, struct evbuffer *src,
    struct evbuffer *dst, size_t high, enum bufferevent_flush_mode mode,
    void *ctx)
{
	/* Your code here. */
	(void)filter; (void)src; (void)dst; (void)high; (void)mode; (void)ctx; return BEV_NEED_MORE;
}
