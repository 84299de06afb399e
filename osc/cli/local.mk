# osc/cli/ (rank 4, the top: may include every module): the program.
# The option table and everything it drives (parsing, option files,
# --help, durations, the dry run's settings block), the version; main.c
# is the program (osc/local.mk), the rest an archive the unit tests link
# too. Public headers options.h, optfile.h, version.h. DESIGN.md 8.
noinst_LIBRARIES += osc/cli/libosccli.a
OSC_MODULE_LIBS += osc/cli/libosccli.a
osc_cli_libosccli_a_SOURCES = \
	osc/cli/options.c osc/cli/options.h \
	osc/cli/optfile.c osc/cli/optfile.h \
	osc/cli/version.c osc/cli/version.h
