# End-to-end tests for binlog/.
