# tests/tools/ programs of the throttle and ops owner (probe drivers).
check_PROGRAMS += tests/tools/throttle-probe
tests_tools_throttle_probe_SOURCES = tests/tools/throttle-probe.c
tests_tools_throttle_probe_LDADD = $(OSC_ENGINE_LIBS) throttle/libthrottle.a \
	util/libutil.a \
	$(OSC_EXT_LIBS)
