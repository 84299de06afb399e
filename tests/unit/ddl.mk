# Unit tests of ddl/ (owned with the module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-ddl-parse tests/unit/test-ddl-plan \
	tests/unit/test-ddl-trigger
TESTS += tests/unit/test-ddl-parse tests/unit/test-ddl-plan \
	tests/unit/test-ddl-trigger
tests_unit_test_ddl_parse_SOURCES = tests/unit/test-ddl-parse.c \
	tests/unit/ddl-describe.h
tests_unit_test_ddl_parse_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ddl_parse_LDADD = ddl/libddl.a util/libutil.a \
	$(OSC_EXT_LIBS) $(UNIT_LIBS)
tests_unit_test_ddl_plan_SOURCES = tests/unit/test-ddl-plan.c \
	tests/unit/ddl-describe.h
tests_unit_test_ddl_plan_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ddl_plan_LDADD = ddl/libddl.a util/libutil.a \
	$(OSC_EXT_LIBS) $(UNIT_LIBS)
tests_unit_test_ddl_trigger_SOURCES = tests/unit/test-ddl-trigger.c
tests_unit_test_ddl_trigger_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_ddl_trigger_LDADD = ddl/libddl.a util/libutil.a \
	$(OSC_EXT_LIBS) $(UNIT_LIBS)
endif
