# End-to-end tests of osc/ ops parts.
