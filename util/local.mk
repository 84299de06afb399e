# util/ (rank 0, includes nothing of osc): the primitives every module
# shares. strbuf, ALLOC_GROW and xmalloc (wrapper.h), logging and die
# (log.h, fatal.h), SQL quoting (quote.h), the one name-comparison rule
# (ident.h), the monotonic clock, the one retry policy (retry.h), the one
# key-range predicate builder (keyrange.h), and the connection wrapper
# db.c, the only file besides binlog/stream.c that talks to the client
# library. One header per primitive; compat.h first in every .c.
# DESIGN.md 8.
noinst_LIBRARIES += util/libutil.a
OSC_MODULE_LIBS += util/libutil.a
util_libutil_a_SOURCES = \
	util/compat.h util/banned.h \
	util/fatal.c util/fatal.h \
	util/wrapper.c util/wrapper.h \
	util/strbuf.c util/strbuf.h \
	util/log.c util/log.h \
	util/quote.c util/quote.h \
	util/ident.c util/ident.h \
	util/db.c util/db.h \
	util/clock.c util/clock.h \
	util/retry.c util/retry.h \
	util/keyrange.c util/keyrange.h
