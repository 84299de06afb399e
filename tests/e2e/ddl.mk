# End-to-end tests for ddl/.
