/* litevent_proof.c -- see litevent_proof.h. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <event2/util.h>

#include "litevent_proof.h"

struct loaded_scan {
	const void *address;	/* find the object that holds this address */
	char holder[PATH_MAX];	/* its path; "" is the executable itself */
	int holder_found;
	const char *expect_dir;	/* NULL: no libevent object may be loaded */
	int bad;		/* libevent objects from anywhere else */
	int ours;		/* libevent objects from expect_dir */
};

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Is the (resolved) file PATH directly inside the (resolved) directory DIR? */
static int
lies_in(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && path[n] == '/' && strchr(path + n + 1, '/') == NULL;
}

static int
holds_address(const struct dl_phdr_info *info, const void *address)
{
	ElfW(Addr) a = (ElfW(Addr))address;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		ElfW(Addr) start = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && a >= start && a < start + ph->p_memsz)
			return 1;
	}
	return 0;
}

static int
scan_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct loaded_scan *scan = arg;
	char real[PATH_MAX];
	const char *name = info->dlpi_name ? info->dlpi_name : "";

	(void)size;
	if (name[0] != '\0' && realpath(name, real) == NULL)
		snprintf(real, sizeof(real), "%s", name);
	if (name[0] == '\0')
		real[0] = '\0';
	if (!scan->holder_found && holds_address(info, scan->address)) {
		snprintf(scan->holder, sizeof(scan->holder), "%s", real);
		scan->holder_found = 1;
	}
	if (strncmp(base_name(real), "libevent", 8) != 0)
		return 0;
	if (scan->expect_dir && lies_in(real, scan->expect_dir)) {
		scan->ours++;
	} else {
		fprintf(stderr, "litevent proof: loaded %s, which is not litevent's\n", real);
		scan->bad++;
	}
	return 0;
}

/* libevent 2.1.12 reads the empty zone of "fe80::1%" as interface 0 and
 * accepts the address; litevent refuses it (chapter 2). */
static int
behaves_like_litevent(void)
{
	unsigned char addr[16];
	unsigned zone = 0;
	return evutil_inet_pton_scope(AF_INET6, "fe80::1%", addr, &zone) == 0;
}

int
litevent_proof(void)
{
	const char *expect = getenv("LITEVENT_EXPECT");
	char dir[PATH_MAX];
	struct loaded_scan scan = { 0 };
	int dynamic;

	if (expect == NULL || expect[0] == '\0') {
		fprintf(stderr, "litevent proof: LITEVENT_EXPECT is not set\n");
		return -1;
	}
	dynamic = strcmp(expect, "static") != 0;
	if (dynamic) {
		if (realpath(expect, dir) == NULL) {
			fprintf(stderr, "litevent proof: no directory %s\n", expect);
			return -1;
		}
		scan.expect_dir = dir;
		/* The definition the dynamic linker binds, not a PLT stub. */
		scan.address = dlsym(RTLD_DEFAULT, "event_base_new");
	} else {
		scan.address = (const void *)&event_base_new;
	}
	if (scan.address == NULL) {
		fprintf(stderr, "litevent proof: event_base_new is not defined\n");
		return -1;
	}
	dl_iterate_phdr(scan_object, &scan);

	if (scan.bad)
		return -1;
	if (dynamic && (scan.ours == 0 || !lies_in(scan.holder, dir))) {
		fprintf(stderr, "litevent proof: event_base_new comes from %s, not from %s\n",
		    scan.holder[0] ? scan.holder : "the executable", dir);
		return -1;
	}
	if (!dynamic && scan.holder[0] != '\0') {
		fprintf(stderr, "litevent proof: event_base_new comes from %s, not the executable\n",
		    scan.holder);
		return -1;
	}
	if (!behaves_like_litevent()) {
		fprintf(stderr, "litevent proof: evutil_inet_pton_scope accepts an empty zone, as libevent 2.1 does\n");
		return -1;
	}
	return 0;
}
