/*
 * Exercise 7.1: write litevent_bev_input_grew().
 *
 * Read "After bytes moved" in chapters/07-bufferevents/07-bufferevents.adoc.
 * This file stands in for the chunk ⟨Decide after bytes arrived⟩ when you run
 *     make exercise EX=7.1
 * Hint: Read the input's length once. If wm_read.high is set and the length has reached it, litevent_bev_pause() reading with BEV_PAUSE_HIGH_WATERMARK. If the length is at least wm_read.low, litevent_bev_report_data() for EV_READ with no extra options.
 */
void
litevent_bev_input_grew(struct bufferevent_state *st)
{
	/* Your code here. */
	(void)st;
}
