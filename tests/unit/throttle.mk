# Unit tests of throttle/ (owned with the module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-throttle
TESTS += tests/unit/test-throttle
tests_unit_test_throttle_SOURCES = tests/unit/test-throttle.c
tests_unit_test_throttle_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_throttle_LDADD = throttle/libthrottle.a util/libutil.a \
	$(OSC_EXT_LIBS) $(UNIT_LIBS)
endif
# The engine's throttling options and chunk sizing (osc/migrate/engine-throttle.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-engine-throttle
TESTS += tests/unit/test-engine-throttle
tests_unit_test_engine_throttle_SOURCES = tests/unit/test-engine-throttle.c
tests_unit_test_engine_throttle_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_engine_throttle_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS) \
	$(UNIT_LIBS)
endif
