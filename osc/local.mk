# osc/: the command. main.c alone is the program; the rest is an archive
# that the e2e helper programs and unit tests can link too.
bin_PROGRAMS += osc/osc
osc_osc_SOURCES = osc/main.c
osc_osc_LDADD = $(OSC_MODULE_LIBS) $(OSC_EXT_LIBS)
