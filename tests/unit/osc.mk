# Unit tests of osc/ (owned with the module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-options tests/unit/test-osc-core \
	tests/unit/test-checkpoint
TESTS += tests/unit/test-options tests/unit/test-osc-core \
	tests/unit/test-checkpoint
tests_unit_test_options_SOURCES = tests/unit/test-options.c
tests_unit_test_options_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_options_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS) $(UNIT_LIBS)
tests_unit_test_osc_core_SOURCES = tests/unit/test-osc-core.c
tests_unit_test_osc_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_osc_core_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS) $(UNIT_LIBS)
tests_unit_test_checkpoint_SOURCES = tests/unit/test-checkpoint.c
tests_unit_test_checkpoint_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_checkpoint_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS) $(UNIT_LIBS)
endif

# The replay's pure parts: statement text and the DDL watch.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-replay
TESTS += tests/unit/test-replay
tests_unit_test_replay_SOURCES = tests/unit/test-replay.c
tests_unit_test_replay_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_replay_LDADD = osc/replay/liboscreplay.a binlog/libbinlog.a \
	ddl/libddl.a util/libutil.a $(OSC_EXT_LIBS) $(UNIT_LIBS)
endif
