"""The conversation core: the pure dialog engine, the registry of journeys and the app that
turns one incoming message into replies inside one unit of work. Channels sit above it,
journeys (``handlers``) plug into it."""
