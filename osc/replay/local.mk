# osc/replay/: the applier (statement building, DDL watch, the thread).
noinst_LIBRARIES += osc/replay/liboscreplay.a
OSC_MODULE_LIBS += osc/replay/liboscreplay.a
osc_replay_liboscreplay_a_SOURCES = \
	osc/replay/applier.c osc/replay/applier.h
