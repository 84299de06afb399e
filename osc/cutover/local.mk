# osc/cutover/ (rank 2, includes ranks 0 and 1, no sibling): the swap
# protocols, the sentry one (MariaDB, MySQL 5.7) and the rename under
# LOCK TABLES (MySQL 8), with their retries and the check that no write
# slipped past. Public header cutover.h. DESIGN.md 5 and 8.
noinst_LIBRARIES += osc/cutover/libosccutover.a
OSC_MODULE_LIBS += osc/cutover/libosccutover.a
osc_cutover_libosccutover_a_SOURCES = \
	osc/cutover/cutover.c osc/cutover/cutover.h
