# Unit tests of osc/ ops parts.
