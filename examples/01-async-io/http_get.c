/*
 * http_get.c - fetch one URL over HTTP/1.0 with blocking calls.
 *
 *	usage: http_get HOST PORT PATH
 *	e.g.   http_get example.com 80 /
 *
 * Writes the whole response, status line and headers included, to
 * stdout.  Exit status 0 on success, 1 on any network or output
 * error, 2 on bad usage.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

// tag::connect[]
/*
 * Resolve HOST:PORT and connect to the first address that answers.
 * getaddrinfo() may return several (IPv6 and IPv4, or many A records),
 * so each is tried in the order the resolver prefers.
 */
static int
connect_to(const char *host, const char *port)
{
	struct addrinfo hints, *list, *ai;
	int fd = -1, err, saved_errno = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;		/* IPv4 or IPv6 */
	hints.ai_socktype = SOCK_STREAM;	/* TCP */
	err = getaddrinfo(host, port, &hints, &list);	/* may block */
	if (err != 0) {
		fprintf(stderr, "http_get: %s: %s\n", host, gai_strerror(err));
		return -1;
	}
	for (ai = list; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			saved_errno = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)	/* blocks */
			break;
		saved_errno = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(list);
	if (fd < 0)
		fprintf(stderr, "http_get: cannot connect to %s port %s: %s\n",
		    host, port, strerror(saved_errno));
	return fd;
}
// end::connect[]

// tag::send[]
/* send() may take fewer bytes than offered; keep going until all of
 * them are in the kernel's send buffer. */
static int
send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);	/* may block */

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
send_request(int fd, const char *host, const char *port, const char *path)
{
	char request[2048];
	/* An IPv6 literal needs brackets in a Host header. */
	const char *lbr = strchr(host, ':') ? "[" : "";
	const char *rbr = strchr(host, ':') ? "]" : "";
	int len;

	len = snprintf(request, sizeof(request),
	    "GET %s HTTP/1.0\r\n"
	    "Host: %s%s%s:%s\r\n"
	    "User-Agent: litevent-http_get/1.0\r\n"
	    "\r\n", path, lbr, host, rbr, port);
	if (len < 0 || (size_t)len >= sizeof(request)) {
		fprintf(stderr, "http_get: request too long\n");
		return -1;
	}
	if (send_all(fd, request, (size_t)len) < 0) {
		perror("http_get: send");
		return -1;
	}
	return 0;
}
// end::send[]

// tag::copy[]
/* HTTP/1.0 without keep-alive: the server marks the end of the
 * response by closing the connection, so read until recv() says 0. */
static int
copy_response(int fd)
{
	char buf[4096];
	ssize_t n;

	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);	/* blocks */
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("http_get: recv");
			return -1;
		}
		if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) {
			perror("http_get: stdout");
			return -1;
		}
	}
	if (fflush(stdout) != 0) {
		perror("http_get: stdout");
		return -1;
	}
	return 0;
}
// end::copy[]

// tag::main[]
int
main(int argc, char **argv)
{
	int fd, status = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s HOST PORT PATH\n", argv[0]);
		return 2;
	}
	fd = connect_to(argv[1], argv[2]);
	if (fd < 0)
		return 1;
	if (send_request(fd, argv[1], argv[2], argv[3]) == 0 &&
	    copy_response(fd) == 0)
		status = 0;
	close(fd);
	return status;
}
// end::main[]
