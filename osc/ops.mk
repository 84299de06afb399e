# osc/ ops: progress, status socket, hooks.
