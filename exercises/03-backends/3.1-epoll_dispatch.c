/*
 * Exercise 3.1: write epoll_dispatch().
 *
 * Read "Changing the kernel's set" in chapters/03-backends/03-backends.adoc.
 * This file stands in for the chunk ⟨Wait with epoll and report⟩ when you run
 *     make exercise EX=3.1
 * Hint: Translate EPOLLIN/EPOLLOUT/EPOLLRDHUP to EV_READ/EV_WRITE/EV_CLOSED, treat EPOLLHUP and EPOLLERR as both directions, and call fd_table_activate_record with each ready record's data.ptr (NULL is the timerfd) and EV_ET added to what it got.
 */
static int
epoll_dispatch(struct event_base *base, struct timeval *tv)
{
	/* Your code here. */
	return -1;
}
