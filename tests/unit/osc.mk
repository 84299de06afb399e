# Unit tests of osc/ (owned with the module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-options tests/unit/test-osc-core
TESTS += tests/unit/test-options tests/unit/test-osc-core
tests_unit_test_options_SOURCES = tests/unit/test-options.c
tests_unit_test_options_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_options_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS) $(UNIT_LIBS)
tests_unit_test_osc_core_SOURCES = tests/unit/test-osc-core.c
tests_unit_test_osc_core_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_osc_core_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS) $(UNIT_LIBS)
endif
