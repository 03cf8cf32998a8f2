/* bench/accept_echo.c -- accept, then one 64-byte echo per connection.
 *
 * The server is the program under test: a listener on 127.0.0.1 handing
 * every socket to a bufferevent that echoes what it reads and frees itself
 * at end of file or error.  The clients are THREADS threads with plain
 * blocking sockets: connect(), send 64 bytes, read the 64 back, close with
 * SO_LINGER 0 (a reset: no TIME_WAIT entries to run the machine out of
 * ports).  Each thread has one connection in flight at a time.
 *
 *   accept_echo CONNECTIONS THREADS
 *
 * Prints the wall time from the first connect to the last bufferevent
 * freed, and the CPU time of the server's thread, each divided by
 * CONNECTIONS, in nanoseconds.  Built unchanged against litevent and
 * against libevent 2.1 (bench/compare.sh).
 */
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

#define MESSAGE 64
#define MAX_THREADS 16

static int connections, per_thread, finished;
static struct sockaddr_in server;

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double
thread_cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

static void
fail(const char *what)
{
	perror(what);
	exit(2);
}

static void *
client(void *arg)
{
	struct linger reset = { 1, 0 };
	char out[MESSAGE], in[MESSAGE];
	int i;

	(void)arg;
	memset(out, 'e', sizeof(out));
	for (i = 0; i < per_thread; i++) {
		ssize_t got = 0, n;
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&server,
		    sizeof(server)) < 0)
			fail("bench/accept_echo: connect");
		if (send(fd, out, sizeof(out), 0) != (ssize_t)sizeof(out))
			fail("bench/accept_echo: send");
		while (got < MESSAGE && (n = recv(fd, in + got,
		    sizeof(in) - (size_t)got, 0)) > 0)
			got += n;
		if (got != MESSAGE || memcmp(in, out, sizeof(in)) != 0)
			fail("bench/accept_echo: echo");
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
		close(fd);
	}
	return NULL;
}

static void
echo_back(struct bufferevent *bev, void *arg)
{
	(void)arg;
	evbuffer_add_buffer(bufferevent_get_output(bev),
	    bufferevent_get_input(bev));
}

static void
done(struct bufferevent *bev, short what, void *arg)
{
	struct event_base *base = arg;

	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	bufferevent_free(bev);
	if (++finished == connections)
		event_base_loopbreak(base);
}

static void
on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *addr, int len, void *arg)
{
	struct event_base *base = evconnlistener_get_base(lev);
	struct bufferevent *bev = bufferevent_socket_new(base, fd,
	    BEV_OPT_CLOSE_ON_FREE);

	(void)addr;
	(void)len;
	(void)arg;
	bufferevent_setcb(bev, echo_back, NULL, done, base);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

int
main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	struct evconnlistener *lev;
	socklen_t len = sizeof(server);
	pthread_t th[MAX_THREADS];
	int threads, i;
	double start, cpu;

	if (argc != 3 || (connections = atoi(argv[1])) <= 0 ||
	    (threads = atoi(argv[2])) <= 0 || threads > MAX_THREADS) {
		fprintf(stderr, "usage: accept_echo CONNECTIONS THREADS(1-%d)\n",
		    MAX_THREADS);
		return 2;
	}
	per_thread = connections / threads;
	connections = per_thread * threads;
	memset(&server, 0, sizeof(server));
	server.sin_family = AF_INET;
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lev = evconnlistener_new_bind(base, on_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024,
	    (struct sockaddr *)&server, sizeof(server));
	if (lev == NULL)
		fail("bench/accept_echo: listen");
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&server, &len);

	start = now_ns();
	cpu = thread_cpu_ns();
	for (i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, client, NULL);
	event_base_dispatch(base);
	cpu = thread_cpu_ns() - cpu;
	for (i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	printf("accept+echo 64 B, %d client thread%s\t%.1f\n", threads,
	    threads > 1 ? "s" : "", (now_ns() - start) / connections);
	printf("accept+echo: server CPU, %d client thread%s\t%.1f\n", threads,
	    threads > 1 ? "s" : "", cpu / connections);

	evconnlistener_free(lev);
	event_base_free(base);
	return 0;
}
