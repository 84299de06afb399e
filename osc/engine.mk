# osc/ engine: the phase machine, copy, replay, cut-over.
