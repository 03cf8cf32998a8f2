/* proof_at_start.c -- linked into every program the ABI check runs, so that
 * even a test that knows nothing of litevent refuses to run anywhere else:
 * before main(), the process must pass litevent_proof(). */
#include <stdio.h>
#include <unistd.h>

#include "litevent_proof.h"

__attribute__((constructor)) static void
refuse_to_run_elsewhere(void)
{
	if (litevent_proof() != 0) {
		fprintf(stderr, "not running on the litevent that LITEVENT_EXPECT names\n");
		_exit(97);
	}
}
