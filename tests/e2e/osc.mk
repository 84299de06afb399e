# End-to-end tests for osc/.
