/* bench/accept.c -- connections accepted per second.
 *
 * The server is the program under test: a listener on 127.0.0.1 whose
 * callback closes each accepted socket at once.  The client is a second
 * thread with plain blocking sockets and no event library: socket(),
 * connect(), close() with SO_LINGER 0 (a reset, so that no TIME_WAIT
 * entries pile up and run the machine out of ports), as fast as it can.
 * It keeps at most WINDOW connections ahead of the server -- a semaphore
 * the accept callback posts -- so that the accept queue never overflows
 * into dropped SYNs and one-second retransmits.  WINDOW 1 is one client at
 * a time (each connection waits for the previous one to be accepted);
 * a larger window lets connections queue, so that one wake-up finds many.
 *
 *   accept CONNECTIONS WINDOW
 *
 * Prints two "NAME<TAB>nanoseconds per connection" lines: the wall time
 * from the first connect to the last accept, and the CPU time (user and
 * system) of the server's thread alone, each divided by CONNECTIONS.  The
 * second leaves out the client, whose work is the same whichever library
 * serves it.  Built unchanged against litevent and against libevent 2.1
 * (bench/compare.sh).
 */
#include <event2/event.h>
#include <event2/listener.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/socket.h>

static int connections, accepted;
static sem_t credits;
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

static void *
client(void *arg)
{
	struct linger reset = { 1, 0 };
	int i;

	(void)arg;
	for (i = 0; i < connections; i++) {
		int fd;

		while (sem_wait(&credits) != 0)
			;
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&server,
		    sizeof(server)) < 0) {
			perror("bench/accept: connect");
			exit(2);
		}
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
		close(fd);
	}
	return NULL;
}

static void
on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *addr, int len, void *arg)
{
	(void)addr;
	(void)len;
	(void)arg;
	close(fd);
	sem_post(&credits);
	if (++accepted == connections)
		event_base_loopbreak(evconnlistener_get_base(lev));
}

int
main(int argc, char **argv)
{
	struct event_base *base = event_base_new();
	struct evconnlistener *lev;
	socklen_t len = sizeof(server);
	int window;
	pthread_t th;
	double start, cpu;

	if (argc != 3 || (connections = atoi(argv[1])) <= 0 ||
	    (window = atoi(argv[2])) <= 0) {
		fprintf(stderr, "usage: accept CONNECTIONS WINDOW\n");
		return 2;
	}
	memset(&server, 0, sizeof(server));
	server.sin_family = AF_INET;
	server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lev = evconnlistener_new_bind(base, on_accept, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 1024,
	    (struct sockaddr *)&server, sizeof(server));
	if (lev == NULL) {
		perror("bench/accept: listen");
		return 2;
	}
	getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&server, &len);
	sem_init(&credits, 0, (unsigned)window);

	start = now_ns();
	cpu = thread_cpu_ns();
	pthread_create(&th, NULL, client, NULL);
	event_base_dispatch(base);
	cpu = thread_cpu_ns() - cpu;
	pthread_join(th, NULL);
	printf("accept: connect+reset, %d in flight\t%.1f\n", window,
	    (now_ns() - start) / connections);
	printf("accept: server CPU, %d in flight\t%.1f\n", window,
	    cpu / connections);

	evconnlistener_free(lev);
	event_base_free(base);
	sem_destroy(&credits);
	return 0;
}
