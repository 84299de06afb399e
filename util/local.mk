# util/: shared primitives and the connection wrapper.
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
