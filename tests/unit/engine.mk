# Unit tests of osc/ engine parts.
