# Unit tests of osc/ engine parts.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-cutover
TESTS += tests/unit/test-cutover
tests_unit_test_cutover_SOURCES = tests/unit/test-cutover.c
tests_unit_test_cutover_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cutover_LDADD = $(OSC_ENGINE_LIBS) binlog/libbinlog.a util/libutil.a $(OSC_EXT_LIBS) $(UNIT_LIBS)
endif
