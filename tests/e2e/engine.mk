# End-to-end tests of osc/ engine parts.
