/*
 * status-socket.h: the interactive control socket (--status-socket=PATH).
 *
 * A unix stream socket, mode 0600, served by one thread. Clients send
 * commands, one per line; each gets exactly one line back (JSON for
 * `status`, "ok..." or "error: ..." otherwise), so that
 *
 *     echo status | socat - UNIX-CONNECT:/run/osc.sock
 *     echo throttle | nc -U /run/osc.sock
 *
 * work. Several clients may be connected at once; a client idle for 60 s
 * is dropped. The commands (gh-ost's aliases in brackets):
 *
 *   status [info]                the status object (progress.h fields)
 *   throttle [pause, suspend]    pause the copier until no-throttle
 *   no-throttle [unthrottle, resume, continue]
 *   chunk-size=ROWS              1..10000000 (chunk-size=? shows it)
 *   max-lag=MS [max-lag-millis]  0 (off) or 100..3600000
 *   max-load=VAR=N[,VAR=N]       "" turns it off
 *   cut-over [unpostpone, no-postpone]
 *                                release a postponed cut-over
 *   panic                        abort now and clean up
 *   panic --keep [panic-keep]    stop now, keeping the ghost and the
 *                                changelog (its checkpoint) for a later
 *                                osc --resume
 *   help
 *
 * Start: an existing socket file that something answers on is refused
 * (another run uses it); one that nobody answers on is stale and is
 * replaced; a path that exists and is not a socket is refused. Stop
 * removes the file (if it is still ours).
 *
 * The dispatch goes through struct status_socket_ops, which the engine
 * provides. Callbacks run on the socket thread and must be thread-safe;
 * any may be NULL (the command then answers "error: ... not available").
 */
#ifndef OSC_STATUS_SOCKET_H
#define OSC_STATUS_SOCKET_H

#include "throttle/throttle.h"
#include "util/strbuf.h"

enum status_command_kind {
	STATUS_CMD_STATUS,
	STATUS_CMD_THROTTLE,
	STATUS_CMD_NO_THROTTLE,
	STATUS_CMD_CHUNK_SIZE,
	STATUS_CMD_MAX_LAG,
	STATUS_CMD_MAX_LOAD,
	STATUS_CMD_CUT_OVER,
	STATUS_CMD_PANIC,
	STATUS_CMD_PANIC_KEEP,
	STATUS_CMD_HELP,
	STATUS_CMD_EMPTY,	/* a blank line: no answer */
};

#define STATUS_CHUNK_SIZE_MAX 10000000ULL
#define STATUS_MAX_LAG_MIN_MS 100ULL
#define STATUS_MAX_LAG_MAX_MS 3600000ULL

struct status_command {
	enum status_command_kind kind;
	int query;			/* NAME=? or NAME alone: show it */
	unsigned long long number;	/* chunk-size, max-lag */
	struct throttle_load_spec load;	/* max-load */
};

#define STATUS_COMMAND_INIT { STATUS_CMD_EMPTY, 0, 0, THROTTLE_LOAD_SPEC_INIT }

/*
 * Parse one line (without its newline; surrounding blanks ignored).
 * Pure. -1 with one line in `err` (no "error: " prefix) when the command
 * is unknown or its value is out of range.
 */
int status_command_parse(const char *line, struct status_command *cmd,
			 struct strbuf *err);
void status_command_release(struct status_command *cmd);

struct status_socket_ops {
	void *data;
	/* One JSON object, no newline (progress_format_json()). */
	void (*status)(void *data, struct strbuf *json);
	void (*set_throttle)(void *data, int on);
	int (*set_chunk_size)(void *data, unsigned long long rows,
			      struct strbuf *err);
	unsigned long long (*get_chunk_size)(void *data);
	int (*set_max_lag)(void *data, unsigned long long ms,
			   struct strbuf *err);
	unsigned long long (*get_max_lag)(void *data);
	int (*set_max_load)(void *data, const struct throttle_load_spec *spec,
			    struct strbuf *err);
	void (*get_max_load)(void *data, struct strbuf *spec);
	/* Release a postponed cut-over. */
	int (*cut_over)(void *data, struct strbuf *err);
	/* Abort the run now (the engine cleans up and exits 1). */
	void (*panic)(void *data);
	/* Stop the run now, keeping its objects for --resume (exit 1). */
	void (*panic_keep)(void *data);
};

/*
 * Parse and dispatch one line; append the answer (one line, no newline;
 * nothing for a blank line) to `reply`. Used by the server thread, and by
 * tests without a socket.
 */
void status_socket_handle_line(const struct status_socket_ops *ops,
			       const char *line, struct strbuf *reply);

struct status_socket;

/*
 * Create the socket at `path` and start serving. `ops` is copied (the
 * data it points to must outlive the server). NULL with `err` on failure.
 */
struct status_socket *status_socket_start(const char *path,
					  const struct status_socket_ops *ops,
					  struct strbuf *err);
/* Stop the thread, close every connection, remove the socket file. */
void status_socket_stop(struct status_socket *s);

#endif
