# Unit tests: one cmocka program per module, run by make check.
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
UNIT_LIBS = $(CMOCKA_LIBS)

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-util
TESTS += tests/unit/test-util
tests_unit_test_util_SOURCES = tests/unit/test-util.c
tests_unit_test_util_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_util_LDADD = util/libutil.a $(OSC_EXT_LIBS) $(UNIT_LIBS)
endif

include $(srcdir)/tests/unit/ddl.mk
include $(srcdir)/tests/unit/binlog.mk
include $(srcdir)/tests/unit/chunker.mk
include $(srcdir)/tests/unit/throttle.mk
include $(srcdir)/tests/unit/osc.mk
include $(srcdir)/tests/unit/engine.mk
include $(srcdir)/tests/unit/ops.mk
