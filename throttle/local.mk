# throttle/ (rank 1, includes util/ only): when the copier must pause.
# The decision (pure), the probes (replica lag from the heartbeat, load,
# flow control), replica discovery, the heartbeat writer and the throttler
# thread. Public header throttle/throttle.h. DESIGN.md 6 and 8.
noinst_LIBRARIES += throttle/libthrottle.a
OSC_MODULE_LIBS += throttle/libthrottle.a
throttle_libthrottle_a_SOURCES = \
	throttle/throttle.h \
	throttle/decide.c \
	throttle/replica.c \
	throttle/heartbeat.c \
	throttle/probe.c
