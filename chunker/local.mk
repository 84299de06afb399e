# chunker/: chunk planning (pure) and the copier loop. See DESIGN.md 8.
noinst_LIBRARIES += chunker/libchunker.a
OSC_MODULE_LIBS += chunker/libchunker.a
chunker_libchunker_a_SOURCES = \
	chunker/chunker.h \
	chunker/plan.c \
	chunker/copier.c
