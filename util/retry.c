/*
 * retry.c: the retry decision (see retry.h). Pure: errno in, reason and
 * wait out, so that it is unit-tested without a server.
 */
#include "util/compat.h"
#include "util/retry.h"

enum retry_reason retry_reason_of(unsigned int code)
{
	switch (code) {
	case 1205:
		return RETRY_LOCK_WAIT;
	case 1213:
		return RETRY_DEADLOCK;
	case 2006:
		return RETRY_SERVER_GONE;
	case 2013:
		return RETRY_SERVER_LOST;
	default:
		return RETRY_GIVE_UP;
	}
}

const char *retry_reason_name(enum retry_reason reason)
{
	switch (reason) {
	case RETRY_LOCK_WAIT:
		return "lock wait timeout";
	case RETRY_DEADLOCK:
		return "deadlock";
	case RETRY_SERVER_GONE:
		return "server has gone away";
	case RETRY_SERVER_LOST:
		return "lost during a query";
	case RETRY_GIVE_UP:
		break;
	}
	return "not retried";
}

int retry_needs_reconnect(enum retry_reason reason)
{
	return reason == RETRY_SERVER_GONE || reason == RETRY_SERVER_LOST;
}

void retry_init(struct retry *r, const struct retry_policy *policy)
{
	memset(r, 0, sizeof(*r));
	r->policy = policy;
	r->tries = 1;
	r->next_wait_ms = policy->wait_ms;
	r->next_reconnect_wait_ms = policy->reconnect_wait_ms;
}

/* Return the wait *next holds, and double it for next time, up to max
 * (0: the waits do not grow). */
static unsigned int take_wait(unsigned int *next, unsigned int max)
{
	unsigned int w = *next, cap = max ? max : w;

	if (w > cap)
		w = cap;
	*next = w > cap / 2 ? cap : w * 2;
	return w;
}

enum retry_reason retry_after(struct retry *r, unsigned int code,
			      unsigned int *wait_ms)
{
	const struct retry_policy *p = r->policy;
	enum retry_reason why = retry_reason_of(code);

	*wait_ms = 0;
	r->last = why;
	if (why == RETRY_GIVE_UP)
		return RETRY_GIVE_UP;
	if (retry_needs_reconnect(why)) {
		if (r->reconnects >= p->reconnects)
			return RETRY_GIVE_UP;
		r->reconnects++;
		*wait_ms = take_wait(&r->next_reconnect_wait_ms,
				     p->max_wait_ms);
	} else {
		if (r->tries >= p->attempts)
			return RETRY_GIVE_UP;
		r->tries++;
		*wait_ms = take_wait(&r->next_wait_ms, p->max_wait_ms);
	}
	r->retries++;
	return why;
}
