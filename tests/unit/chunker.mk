# Unit tests of chunker/ (owned with the module).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test-chunker
TESTS += tests/unit/test-chunker
tests_unit_test_chunker_SOURCES = tests/unit/test-chunker.c
tests_unit_test_chunker_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_chunker_LDADD = chunker/libchunker.a util/libutil.a $(OSC_EXT_LIBS) $(UNIT_LIBS)
endif
