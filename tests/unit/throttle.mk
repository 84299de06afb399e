# Unit tests of throttle/ (owned with the module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-throttle
TESTS += tests/unit/test-throttle
tests_unit_test_throttle_SOURCES = tests/unit/test-throttle.c
tests_unit_test_throttle_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_throttle_LDADD = throttle/libthrottle.a util/libutil.a \
	$(OSC_EXT_LIBS) $(UNIT_LIBS)
endif
