# throttle/: the throttle decision (pure), the probes, the heartbeat and
# the throttler thread (DESIGN.md 6 and 8).
noinst_LIBRARIES += throttle/libthrottle.a
OSC_MODULE_LIBS += throttle/libthrottle.a
throttle_libthrottle_a_SOURCES = \
	throttle/throttle.h \
	throttle/decide.c \
	throttle/replica.c \
	throttle/heartbeat.c \
	throttle/probe.c
