/*
 * status-socket.c: the control socket (see status-socket.h).
 *
 * Command parsing and dispatch are separate from the I/O: the parser is
 * pure and status_socket_handle_line() only calls the engine's callbacks,
 * so both are unit-tested without a socket. The server is one thread
 * polling the listening socket, its clients and a wake-up pipe (written
 * by status_socket_stop()). Clients are non-blocking and answers are sent
 * with MSG_NOSIGNAL: a client that goes away or stops reading is dropped,
 * it never stalls the thread or kills the process with SIGPIPE.
 */
#include "util/compat.h"
#include "util/clock.h"
#include "osc/ops/status-socket.h"
#include "util/log.h"
#include "util/wrapper.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 16
#define MAX_LINE 4096
#define IDLE_MS 60000

/* ---- parsing -------------------------------------------------------- */

static const struct {
	const char *name;
	enum status_command_kind kind;
	int takes_value;
} commands[] = {
	{ "status", STATUS_CMD_STATUS, 0 },
	{ "info", STATUS_CMD_STATUS, 0 },
	{ "throttle", STATUS_CMD_THROTTLE, 0 },
	{ "pause", STATUS_CMD_THROTTLE, 0 },
	{ "suspend", STATUS_CMD_THROTTLE, 0 },
	{ "no-throttle", STATUS_CMD_NO_THROTTLE, 0 },
	{ "unthrottle", STATUS_CMD_NO_THROTTLE, 0 },
	{ "resume", STATUS_CMD_NO_THROTTLE, 0 },
	{ "continue", STATUS_CMD_NO_THROTTLE, 0 },
	{ "chunk-size", STATUS_CMD_CHUNK_SIZE, 1 },
	{ "max-lag", STATUS_CMD_MAX_LAG, 1 },
	{ "max-lag-millis", STATUS_CMD_MAX_LAG, 1 },
	{ "max-load", STATUS_CMD_MAX_LOAD, 1 },
	{ "cut-over", STATUS_CMD_CUT_OVER, 0 },
	{ "unpostpone", STATUS_CMD_CUT_OVER, 0 },
	{ "no-postpone", STATUS_CMD_CUT_OVER, 0 },
	{ "panic", STATUS_CMD_PANIC, 0 },
	{ "panic --keep", STATUS_CMD_PANIC_KEEP, 0 },
	{ "panic-keep", STATUS_CMD_PANIC_KEEP, 0 },
	{ "help", STATUS_CMD_HELP, 0 },
};

static const char HELP_TEXT[] =
	"commands: status, throttle, no-throttle, chunk-size=ROWS, "
	"max-lag=MS, max-load=VAR=N[,VAR=N...], cut-over, panic, "
	"panic --keep, help; "
	"NAME=? shows a value";

void status_command_release(struct status_command *cmd)
{
	throttle_load_spec_release(&cmd->load);
	cmd->kind = STATUS_CMD_EMPTY;
	cmd->query = 0;
	cmd->number = 0;
}

static int parse_number(const char *name, const char *v,
			unsigned long long min, unsigned long long max,
			int zero_ok, unsigned long long *out,
			struct strbuf *err)
{
	unsigned long long n = 0;
	const char *p;

	if (!*v)
		goto bad;
	for (p = v; *p; p++) {
		if (!isdigit((unsigned char)*p))
			goto bad;
		if (n > (ULLONG_MAX - 9) / 10)
			goto range;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if ((n == 0 && zero_ok) || (n >= min && n <= max)) {
		*out = n;
		return 0;
	}
range:
	strbuf_addf(err, "%s must be %s%llu..%llu, not '%s'", name,
		    zero_ok ? "0 (off) or " : "", min, max, v);
	return -1;
bad:
	strbuf_addf(err, "%s takes a number, not '%s'", name, v);
	return -1;
}

int status_command_parse(const char *line, struct status_command *cmd,
			 struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	const char *name, *value = NULL;
	char *eq;
	size_t i;
	int ret = -1;

	status_command_release(cmd);
	strbuf_addstr(&text, line);
	strbuf_trim(&text);
	if (!text.len) {
		cmd->kind = STATUS_CMD_EMPTY;
		ret = 0;
		goto out;
	}
	eq = strchr(text.buf, '=');
	if (eq) {
		*eq = '\0';
		value = eq + 1;
	}
	name = text.buf;
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			break;
	if (i == ARRAY_SIZE(commands)) {
		strbuf_addf(err, "unknown command '%.64s'; try 'help'", name);
		goto out;
	}
	cmd->kind = commands[i].kind;
	if (!commands[i].takes_value) {
		if (value) {
			strbuf_addf(err, "'%s' takes no value", name);
			goto out;
		}
		ret = 0;
		goto out;
	}
	if (!value || !strcmp(value, "?")) {
		cmd->query = 1;
		ret = 0;
		goto out;
	}
	switch (cmd->kind) {
	case STATUS_CMD_CHUNK_SIZE:
		ret = parse_number("chunk-size", value, 1,
				   STATUS_CHUNK_SIZE_MAX, 0, &cmd->number, err);
		break;
	case STATUS_CMD_MAX_LAG:
		ret = parse_number("max-lag", value, STATUS_MAX_LAG_MIN_MS,
				   STATUS_MAX_LAG_MAX_MS, 1, &cmd->number, err);
		break;
	case STATUS_CMD_MAX_LOAD:
		ret = throttle_load_spec_parse(&cmd->load, value, "max-load",
					       err);
		break;
	default:
		BUG("command %d takes a value", (int)cmd->kind);
	}
out:
	if (ret < 0)
		status_command_release(cmd);
	strbuf_release(&text);
	return ret;
}

/* ---- dispatch ------------------------------------------------------- */

static void not_available(struct strbuf *reply, const char *what)
{
	strbuf_addf(reply, "error: %s is not available in this run", what);
}

void status_socket_handle_line(const struct status_socket_ops *ops,
			       const char *line, struct strbuf *reply)
{
	struct status_command cmd = STATUS_COMMAND_INIT;
	struct strbuf err = STRBUF_INIT;

	if (status_command_parse(line, &cmd, &err) < 0) {
		strbuf_addf(reply, "error: %s", err.buf);
		goto out;
	}
	switch (cmd.kind) {
	case STATUS_CMD_EMPTY:
		break;
	case STATUS_CMD_HELP:
		strbuf_addstr(reply, HELP_TEXT);
		break;
	case STATUS_CMD_STATUS:
		if (!ops->status)
			not_available(reply, "status");
		else
			ops->status(ops->data, reply);
		break;
	case STATUS_CMD_THROTTLE:
	case STATUS_CMD_NO_THROTTLE:
		if (!ops->set_throttle) {
			not_available(reply, "throttling");
			break;
		}
		ops->set_throttle(ops->data, cmd.kind == STATUS_CMD_THROTTLE);
		strbuf_addstr(reply, cmd.kind == STATUS_CMD_THROTTLE
					     ? "ok: throttled by user"
					     : "ok: user throttle released");
		break;
	case STATUS_CMD_CHUNK_SIZE:
		if (cmd.query && ops->get_chunk_size) {
			strbuf_addf(reply, "chunk-size=%llu",
				    ops->get_chunk_size(ops->data));
		} else if (!cmd.query && ops->set_chunk_size) {
			if (ops->set_chunk_size(ops->data, cmd.number, &err))
				strbuf_addf(reply, "error: %s", err.buf);
			else
				strbuf_addf(reply, "ok: chunk-size=%llu",
					    cmd.number);
		} else {
			not_available(reply, "chunk-size");
		}
		break;
	case STATUS_CMD_MAX_LAG:
		if (cmd.query && ops->get_max_lag) {
			strbuf_addf(reply, "max-lag=%llu",
				    ops->get_max_lag(ops->data));
		} else if (!cmd.query && ops->set_max_lag) {
			if (ops->set_max_lag(ops->data, cmd.number, &err))
				strbuf_addf(reply, "error: %s", err.buf);
			else
				strbuf_addf(reply, "ok: max-lag=%llu",
					    cmd.number);
		} else {
			not_available(reply, "max-lag");
		}
		break;
	case STATUS_CMD_MAX_LOAD:
		if (cmd.query && ops->get_max_load) {
			strbuf_addstr(reply, "max-load=");
			ops->get_max_load(ops->data, reply);
		} else if (!cmd.query && ops->set_max_load) {
			if (ops->set_max_load(ops->data, &cmd.load, &err)) {
				strbuf_addf(reply, "error: %s", err.buf);
			} else {
				strbuf_addstr(reply, "ok: max-load=");
				throttle_load_spec_format(&cmd.load, reply);
			}
		} else {
			not_available(reply, "max-load");
		}
		break;
	case STATUS_CMD_CUT_OVER:
		if (!ops->cut_over)
			not_available(reply, "cut-over");
		else if (ops->cut_over(ops->data, &err))
			strbuf_addf(reply, "error: %s", err.buf);
		else
			strbuf_addstr(reply, "ok: cut-over released");
		break;
	case STATUS_CMD_PANIC:
		if (!ops->panic) {
			not_available(reply, "panic");
			break;
		}
		ops->panic(ops->data);
		strbuf_addstr(reply, "ok: aborting");
		break;
	case STATUS_CMD_PANIC_KEEP:
		if (!ops->panic_keep) {
			not_available(reply, "panic --keep");
			break;
		}
		ops->panic_keep(ops->data);
		strbuf_addstr(reply, "ok: stopping, keeping the ghost and the "
				     "changelog for --resume");
		break;
	}
out:
	/* One answer, one line, whatever the callbacks wrote. */
	for (size_t i = 0; i < reply->len; i++)
		if (reply->buf[i] == '\n' || reply->buf[i] == '\r')
			reply->buf[i] = ' ';
	status_command_release(&cmd);
	strbuf_release(&err);
}

/* ---- the server ----------------------------------------------------- */

struct client {
	int fd;
	struct strbuf in;
	uint64_t last_ms;
};

struct status_socket {
	struct status_socket_ops ops;
	char *path;
	dev_t dev;
	ino_t ino;
	int listen_fd;
	int wake[2];
	pthread_t thread;
	struct client clients[MAX_CLIENTS];
	size_t nr_clients;
};

static int send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;	/* gone, or not reading: drop it */
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void drop_client(struct status_socket *s, size_t i)
{
	close(s->clients[i].fd);
	strbuf_release(&s->clients[i].in);
	s->clients[i] = s->clients[--s->nr_clients];
}

/* Answer every complete line; -1 when the client must be dropped. */
static int serve_lines(struct status_socket *s, struct client *c, int eof)
{
	struct strbuf reply = STRBUF_INIT;
	char *nl;
	int ret = 0;

	for (;;) {
		size_t len;

		nl = memchr(c->in.buf, '\n', c->in.len);
		if (!nl && !(eof && c->in.len))
			break;
		len = nl ? (size_t)(nl - c->in.buf) : c->in.len;
		c->in.buf[len] = '\0';
		strbuf_reset(&reply);
		status_socket_handle_line(&s->ops, c->in.buf, &reply);
		if (reply.len) {
			strbuf_addch(&reply, '\n');
			if (send_all(c->fd, reply.buf, reply.len) < 0) {
				ret = -1;
				break;
			}
		}
		if (!nl) {
			strbuf_reset(&c->in);
			break;
		}
		memmove(c->in.buf, nl + 1, c->in.len - len - 1);
		strbuf_setlen(&c->in, c->in.len - len - 1);
	}
	if (!ret && c->in.len > MAX_LINE) {
		send_all(c->fd, "error: line too long\n", 21);
		ret = -1;
	}
	strbuf_release(&reply);
	return ret;
}

static void accept_client(struct status_socket *s)
{
	int fd = accept(s->listen_fd, NULL, NULL);

	if (fd < 0)
		return;
	if (s->nr_clients == MAX_CLIENTS) {
		static const char busy[] = "error: too many clients\n";
		send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	s->clients[s->nr_clients].fd = fd;
	strbuf_init(&s->clients[s->nr_clients].in, 0);
	s->clients[s->nr_clients].last_ms = clock_ms();
	s->nr_clients++;
}

static void *socket_main(void *arg)
{
	struct status_socket *s = arg;
	struct pollfd pfd[MAX_CLIENTS + 2];

	for (;;) {
		size_t i, n = 2;
		uint64_t now;

		pfd[0].fd = s->wake[0];
		pfd[0].events = POLLIN;
		pfd[1].fd = s->listen_fd;
		pfd[1].events = POLLIN;
		for (i = 0; i < s->nr_clients; i++) {
			pfd[n].fd = s->clients[i].fd;
			pfd[n].events = POLLIN;
			n++;
		}
		if (poll(pfd, n, 1000) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents)
			break;
		now = clock_ms();
		/* Clients first, backwards: dropping moves the last one. */
		for (i = s->nr_clients; i-- > 0;) {
			struct client *c = &s->clients[i];
			short rev = pfd[2 + i].revents;
			char buf[1024];
			ssize_t got;
			int eof = 0;

			if (!rev) {
				if (now - c->last_ms > IDLE_MS)
					drop_client(s, i);
				continue;
			}
			got = recv(c->fd, buf, sizeof(buf), 0);
			if (got < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (got <= 0)
				eof = 1;
			else
				strbuf_add(&c->in, buf, (size_t)got);
			c->last_ms = now;
			if (serve_lines(s, c, eof) < 0 || eof)
				drop_client(s, i);
		}
		if (pfd[1].revents & POLLIN)
			accept_client(s);
	}
	return NULL;
}

/* 1: something answers on the socket at `path`; 0: nothing does. */
static int socket_answers(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ret = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return ret;
}

struct status_socket *status_socket_start(const char *path,
					  const struct status_socket_ops *ops,
					  struct strbuf *err)
{
	struct status_socket *s;
	struct sockaddr_un sa;
	struct stat st;
	mode_t old_mask;
	int fd, rc;

	if (!path || !*path || strlen(path) >= sizeof(sa.sun_path)) {
		strbuf_addf(err, "status socket path '%s' is empty or longer "
			    "than %zu bytes", path ? path : "",
			    sizeof(sa.sun_path) - 1);
		return NULL;
	}
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			strbuf_addf(err, "status socket '%s' exists and is not "
				    "a socket; remove it or pick another path",
				    path);
			return NULL;
		}
		if (socket_answers(path)) {
			strbuf_addf(err, "status socket '%s' is in use by "
				    "another process; pick another path",
				    path);
			return NULL;
		}
		/* Stale: left by a run that died. */
		if (unlink(path) && errno != ENOENT) {
			strbuf_addf(err, "cannot remove stale status socket "
				    "'%s': %s", path, strerror(errno));
			return NULL;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		strbuf_addf(err, "cannot create status socket: %s",
			    strerror(errno));
		return NULL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/*
	 * umask around bind so that the file is never, even for a moment,
	 * open to others; chmod after it in case the umask was ignored
	 * (some systems do for sockets).
	 */
	old_mask = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_mask);
	if (rc || chmod(path, 0600) || listen(fd, 16) || stat(path, &st)) {
		strbuf_addf(err, "cannot create status socket '%s': %s", path,
			    strerror(errno));
		if (!rc)
			unlink(path);
		close(fd);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->ops = *ops;
	s->path = xstrdup(path);
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->listen_fd = fd;
	if (pipe(s->wake)) {
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		goto fail;
	}
	fcntl(s->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(s->wake[1], F_SETFD, FD_CLOEXEC);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (thread_create(&s->thread, socket_main, s)) {
		strbuf_addstr(err, "cannot start the status socket thread");
		close(s->wake[0]);
		close(s->wake[1]);
		goto fail;
	}
	return s;
fail:
	unlink(path);
	close(fd);
	free(s->path);
	free(s);
	return NULL;
}

void status_socket_stop(struct status_socket *s)
{
	struct stat st;
	ssize_t n;

	if (!s)
		return;
	do {
		n = write(s->wake[1], "x", 1);
	} while (n < 0 && errno == EINTR);
	pthread_join(s->thread, NULL);
	while (s->nr_clients)
		drop_client(s, s->nr_clients - 1);
	close(s->listen_fd);
	close(s->wake[0]);
	close(s->wake[1]);
	/* Only our own file: another run may have replaced it meanwhile. */
	if (!lstat(s->path, &st) && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	free(s->path);
	free(s);
}
