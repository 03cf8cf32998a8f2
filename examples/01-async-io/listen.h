/*
 * listen.h - the listening socket shared by the servers of chapter 1.
 *
 * Every server in the chapter binds to the loopback address only, so
 * nothing it does is reachable from another machine.  A port of 0 asks
 * the kernel to choose a free one; the server then reports the port it
 * got on stdout, which is how the smoke test finds it.
 */
#ifndef LISTEN_H
#define LISTEN_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * A decimal port number from 0 to 65535, or -1.  strtol alone would
 * accept "80x" as 80 and "" as 0, so the end pointer is checked too.
 */
static inline int
parse_port(const char *text)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0')
		return -1;
	if (value < 0 || value > 65535)
		return -1;
	return (int)value;
}

/*
 * Open a TCP socket listening on 127.0.0.1:port and print
 * "listening on PORT".  extra_flags is or-ed into the socket type
 * (SOCK_NONBLOCK for the servers that must never sleep in accept).
 * Returns the socket, or -1 after saying why on stderr.
 */
static inline int
open_listener(const char *port_text, int extra_flags)
{
	struct sockaddr_in addr;
	socklen_t addrlen = sizeof(addr);
	int port, fd, one = 1;

	port = parse_port(port_text);
	if (port < 0) {
		fprintf(stderr, "not a port number: '%s'\n", port_text);
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | extra_flags, 0);
	if (fd < 0) {
		perror("socket");
		return -1;
	}
	/* Let a restarted server rebind while old connections sit in
	 * TIME_WAIT; without this, bind fails for a minute or so. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		perror("setsockopt(SO_REUSEADDR)");

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("bind");
		close(fd);
		return -1;
	}
	if (listen(fd, SOMAXCONN) < 0) {
		perror("listen");
		close(fd);
		return -1;
	}
	/* With port 0 only the kernel knows which port we got. */
	if (getsockname(fd, (struct sockaddr *)&addr, &addrlen) < 0) {
		perror("getsockname");
		close(fd);
		return -1;
	}
	printf("listening on %u\n", (unsigned)ntohs(addr.sin_port));
	fflush(stdout);
	return fd;
}

#endif /* LISTEN_H */
