# osc/ core: options, option files, preflight, dry run, cleanup stack.
