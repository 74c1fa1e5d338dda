"""The vocabulary every layer speaks: messages and inputs, roles, translation, settings and
the clock. It imports nothing of the project, so storage and the scheduler can use it."""
