# osc/cutover/: the swap protocols.
noinst_LIBRARIES += osc/cutover/libosccutover.a
OSC_MODULE_LIBS += osc/cutover/libosccutover.a
osc_cutover_libosccutover_a_SOURCES = \
	osc/cutover/cutover.c osc/cutover/cutover.h
