# ddl/: ALTER parsing, the table model, the plan and the SQL text (pure).
noinst_LIBRARIES += ddl/libddl.a
OSC_MODULE_LIBS += ddl/libddl.a
ddl_libddl_a_SOURCES = \
	ddl/ddl.h ddl/ddl-internal.h \
	ddl/lex.c \
	ddl/parse.c \
	ddl/table.c \
	ddl/plan.c \
	ddl/sql.c \
	ddl/names.c
# libFuzzer builds instrument the module for coverage too, not only the
# fuzz target (tests/fuzz/ddl.mk).
if ENABLE_FUZZING
ddl_libddl_a_CFLAGS = $(AM_CFLAGS) -fsanitize=fuzzer-no-link
endif
