/*
 * retry.h: the one retry policy for statements sent to the server.
 *
 * Four loops (the copier's statements and chunk transactions, the
 * applier's transactions, db_exec_retry) used to decide on their own which
 * errors to retry, how often and how long to wait, and drifted apart. Now
 * each names a struct retry_policy and asks retry_after() after every
 * failed try. The decision is pure (no sleeping, no server): it takes the
 * server's errno, never its message, and returns a named reason:
 *
 *   1205 lock wait timeout, 1213 deadlock: the statement (or the whole
 *        transaction, which the server rolled back) can run again as is;
 *   2006 server gone, 2013 connection lost: the session is gone; the
 *        caller reconnects (db_reconnect restores every session setting)
 *        and runs again, which only statements safe to repeat may do.
 *
 * Lock conflicts and lost connections are counted apart (`attempts` and
 * `reconnects`), each with its own doubling wait, so that a burst of lock
 * waits does not use up the tries a killed connection needs, and the
 * other way round. db_retry() (util/db.h) wraps this for a struct db:
 * it logs, sleeps and reconnects.
 */
#ifndef OSC_UTIL_RETRY_H
#define OSC_UTIL_RETRY_H

enum retry_reason {
	RETRY_GIVE_UP = 0, /* not retryable, or the policy's tries are used */
	RETRY_LOCK_WAIT,   /* 1205 ER_LOCK_WAIT_TIMEOUT */
	RETRY_DEADLOCK,    /* 1213 ER_LOCK_DEADLOCK */
	RETRY_SERVER_GONE, /* 2006 CR_SERVER_GONE_ERROR */
	RETRY_SERVER_LOST, /* 2013 CR_SERVER_LOST */
};

struct retry_policy {
	/* Tries of the statement for lock conflicts, the first included
	 * (1: none again). */
	unsigned int attempts;
	/* Lost connections survived; 0: a lost connection gives up (for
	 * what is not safe to run twice). */
	unsigned int reconnects;
	/* The first wait after a lock conflict, and before a reconnect;
	 * each doubles per use, up to max_wait_ms. */
	unsigned int wait_ms;
	unsigned int reconnect_wait_ms;
	unsigned int max_wait_ms;
};

/* The progress of one statement (or transaction) through its policy. */
struct retry {
	const struct retry_policy *policy;
	unsigned int tries;	 /* lock-conflict tries made, the first one
				  * included once a failure is counted */
	unsigned int reconnects; /* lost connections so far */
	unsigned int next_wait_ms, next_reconnect_wait_ms;
	unsigned long long retries; /* tries again, of either kind */
	/* The reason of the last failure, also when it gave up because the
	 * tries were used up (RETRY_GIVE_UP: an error not retried). */
	enum retry_reason last;
};

/* The reason `code` (a server or client errno) is retried for, if any. */
enum retry_reason retry_reason_of(unsigned int code);
/* "lock wait timeout", "deadlock", "server has gone away", "lost during
 * a query": for messages. */
const char *retry_reason_name(enum retry_reason reason);
/* 2006/2013: the session is gone and must be opened again first. */
int retry_needs_reconnect(enum retry_reason reason);

/* Start a statement's tries under `policy` (which must outlive r). */
void retry_init(struct retry *r, const struct retry_policy *policy);

/*
 * After a failed try with errno `code`: RETRY_GIVE_UP when the caller must
 * stop (the error is not one to retry, or the policy's attempts or
 * reconnects are used up); otherwise the reason, with *wait_ms set to the
 * time to wait before the next try (before reconnecting, for the two
 * lost-connection reasons). Pure: it sleeps and reconnects nothing.
 */
enum retry_reason retry_after(struct retry *r, unsigned int code,
			      unsigned int *wait_ms);

#endif
