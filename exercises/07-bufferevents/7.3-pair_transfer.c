/*
 * Exercise 7.3: write pair_transfer().
 *
 * Read "The transfer" in chapters/07-bufferevents/07-bufferevents.adoc.
 * This file stands in for the chunk ⟨Move bytes to the partner⟩ when you run
 *     make exercise EX=7.3
 * Hint: n is the writer's output length. Unless forced, when the reader has a high watermark, cut n to the room below it (0 if the reader is at or over it). Nothing to move: return 0. Thaw both sides' ends, evbuffer_remove_buffer(from output, to input, n), freeze them again, then litevent_bev_input_grew(to), litevent_bev_output_shrank(from), litevent_bev_arm_timer(to, EV_READ), litevent_bev_arm_timer(from, EV_WRITE); return n.
 */
static size_t
pair_transfer(struct pair_bufferevent *from, struct pair_bufferevent *to,
    int forced)
{
	/* Your code here. */
	(void)from; (void)to; (void)forced; return 0;
}
