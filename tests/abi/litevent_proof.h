/* litevent_proof.h -- is this process running litevent, and the copy we meant?
 *
 * A check that builds a program "against litevent" proves nothing if the
 * program quietly ran on the system's libevent 2.1 instead.  Every such
 * program calls litevent_proof() and fails unless it returns 0.  The
 * environment says what to expect:
 *
 *   LITEVENT_EXPECT=DIR     the program is dynamically linked: every libevent*
 *                           object in the process must be a file in DIR, and
 *                           the one defining event_base_new() among them;
 *   LITEVENT_EXPECT=static  litevent is linked into the executable: no
 *                           libevent* shared object may be loaded at all.
 *
 * In both cases a fact true of litevent and false of libevent 2.1.12 must
 * hold too, so that even a system library copied into DIR is caught.  The
 * helper uses only public API, so it compiles against either header set. */
#ifndef LITEVENT_PROOF_H
#define LITEVENT_PROOF_H

/* 0 when the process runs the litevent LITEVENT_EXPECT names; otherwise it
 * prints why not to stderr and returns -1. */
int litevent_proof(void);

#endif
