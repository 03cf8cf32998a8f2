/*
 * tiny_httpd.c - answer exactly one HTTP request, then exit.
 *
 *	usage: tiny_httpd [PORT]	(default 0 = let the kernel pick)
 *
 * A test fixture for http_get: it prints "listening on PORT", serves a
 * fixed plain-text body (plus one line naming the requested path) to
 * the first client, and exits 0 if that request was a well-formed GET.
 * An alarm ends it after 30 seconds if nobody comes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"

#define BODY "Hello from tiny_httpd: the body arrived intact.\n"

/* Read until the blank line that ends the request head.  Returns the
 * number of bytes read, or -1 if it never came. */
static ssize_t
read_request(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t n = recv(fd, buf + len, size - 1 - len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			return (ssize_t)len;
	}
	return -1;		/* head larger than we are willing to hold */
}

static int
send_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
respond(int fd)
{
	char request[8192], path[1024], body[2048], reply[4096];
	int len, ok;

	ok = read_request(fd, request, sizeof(request)) > 0 &&
	    sscanf(request, "GET %1023s HTTP/1.%*1[01]\r", path) == 1;
	if (ok)
		snprintf(body, sizeof(body), "%spath: %s\n", BODY, path);
	else
		snprintf(body, sizeof(body), "bad request\n");
	len = snprintf(reply, sizeof(reply),
	    "HTTP/1.0 %s\r\n"
	    "Content-Type: text/plain\r\n"
	    "Content-Length: %zu\r\n"
	    "\r\n"
	    "%s", ok ? "200 OK" : "400 Bad Request", strlen(body), body);
	if (len < 0 || (size_t)len >= sizeof(reply) ||
	    send_all(fd, reply, (size_t)len) < 0)
		return -1;
	return ok ? 0 : -1;
}

int
main(int argc, char **argv)
{
	int listener, fd, status;

	listener = open_listener(argc > 1 ? argv[1] : "0", 0);
	if (listener < 0)
		return 1;
	alarm(30);
	do
		fd = accept(listener, NULL, NULL);
	while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		perror("accept");
		close(listener);
		return 1;
	}
	status = respond(fd) == 0 ? 0 : 1;
	close(fd);
	close(listener);
	return status;
}
