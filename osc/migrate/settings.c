/*
 * settings.c: what the run's settings know of themselves: the connection
 * options they stand for, and how a duration among them is written.
 */
#include "util/compat.h"
#include "osc/migrate/settings.h"

void osc_options_to_db(const struct osc_options *o, struct db_options *db)
{
	memset(db, 0, sizeof(*db));
	db->host = o->host;
	db->port = (unsigned int)o->port;
	db->user = o->user;
	db->password = o->password;
	db->socket = o->socket;
	db->ssl_mode = (enum db_ssl_mode)o->ssl_mode;
	db->ssl_ca = o->ssl_ca;
	db->ssl_capath = o->ssl_capath;
	db->ssl_cert = o->ssl_cert;
	db->ssl_key = o->ssl_key;
	db->ssl_cipher = o->ssl_cipher;
	db->ssl_crl = o->ssl_crl;
	db->connect_timeout_s =
	    (unsigned int)((o->connect_timeout_ms + 999) / 1000);
}

void osc_format_duration(struct strbuf *out, uint64_t ms)
{
	static const struct {
		const char *unit;
		uint64_t ms;
	} units[] = {{"h", 3600000}, {"m", 60000}, {"s", 1000}};
	size_t i;
	int any = 0;

	if (ms % 1000) {
		strbuf_addf(out, "%" PRIu64 "ms", ms);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(units); i++) {
		if (ms >= units[i].ms) {
			strbuf_addf(out, "%" PRIu64 "%s", ms / units[i].ms,
				    units[i].unit);
			ms %= units[i].ms;
			any = 1;
		}
	}
	if (!any)
		strbuf_addstr(out, "0s");
}
