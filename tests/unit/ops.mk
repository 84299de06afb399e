# Unit tests of osc/ ops parts: progress formatting, the status socket
# (parsing and a real socket), hooks (real processes), flag files, and
# engine-ops (the socket's commands seen by the engine's polls, the stop
# conditions, the cut-over gate).
OPS_UNIT_LDADD = $(OSC_ENGINE_LIBS) throttle/libthrottle.a util/libutil.a \
	$(OSC_EXT_LIBS) $(UNIT_LIBS)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-ops-progress tests/unit/test-ops-socket \
	tests/unit/test-ops-hooks tests/unit/test-ops-engine
TESTS += tests/unit/test-ops-progress tests/unit/test-ops-socket \
	tests/unit/test-ops-hooks tests/unit/test-ops-engine
tests_unit_test_ops_progress_SOURCES = tests/unit/test-ops-progress.c
tests_unit_test_ops_progress_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ops_progress_LDADD = $(OPS_UNIT_LDADD)
tests_unit_test_ops_socket_SOURCES = tests/unit/test-ops-socket.c
tests_unit_test_ops_socket_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ops_socket_LDADD = $(OPS_UNIT_LDADD)
tests_unit_test_ops_hooks_SOURCES = tests/unit/test-ops-hooks.c
tests_unit_test_ops_hooks_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ops_hooks_LDADD = $(OPS_UNIT_LDADD)
tests_unit_test_ops_engine_SOURCES = tests/unit/test-ops-engine.c
tests_unit_test_ops_engine_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ops_engine_LDADD = $(OPS_UNIT_LDADD)
endif
