# osc/replay/ (rank 2, includes ranks 0 and 1, no sibling): the replay of
# the binlog onto the ghost. statement.c (the SQL text from decoded rows)
# and watch.c (the DDL watch) are pure and unit-tested
# (tests/unit/test-replay.c); applier.c is the thread and its executor.
# Public headers applier.h, statement.h, watch.h. DESIGN.md 8.
noinst_LIBRARIES += osc/replay/liboscreplay.a
OSC_MODULE_LIBS += osc/replay/liboscreplay.a
osc_replay_liboscreplay_a_SOURCES = \
	osc/replay/applier.c osc/replay/applier.h \
	osc/replay/statement.c osc/replay/statement.h \
	osc/replay/watch.c osc/replay/watch.h
