# chunker/ (rank 1, includes util/ only): walking a table in key order.
# Chunk planning (boundaries, ranges, literals, the adaptive size; pure)
# and the copier loop, which talks to the server through util/db.h.
# Public header chunker/chunker.h. DESIGN.md 8.
noinst_LIBRARIES += chunker/libchunker.a
OSC_MODULE_LIBS += chunker/libchunker.a
chunker_libchunker_a_SOURCES = \
	chunker/chunker.h \
	chunker/plan.c \
	chunker/copier.c
