#include <string.h>
#include "loop_test.h"

static void
probe_run(struct event_callback *cb, void *arg)
{
	struct probe *p = arg;

	(void)cb;
	if (p->trace->n < MAX_RUNS)
		p->trace->order[p->trace->n++] = p->id;
	if (p->do_exit)
		event_base_loopexit(p->base, NULL);
	if (p->do_break)
		event_base_loopbreak(p->base);
	if (p->do_continue)
		event_base_loopcontinue(p->base);
	if (p->wake)
		probe_activate(p->wake);
	if (p->again > 0) {
		p->again--;
		probe_activate(p);
	}
}

void
probe_init(struct probe *p, struct event_base *base, struct trace *t, int id,
    int priority)
{
	memset(p, 0, sizeof(*p));
	p->base = base;
	p->trace = t;
	p->id = id;
	litevent_callback_init(base, &p->cb, priority, probe_run, p);
}

void
probe_activate(struct probe *p)
{
	litevent_callback_activate(p->base, &p->cb);
}
