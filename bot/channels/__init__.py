"""Channel adapters: the only modules that import a chat SDK or a chat service's HTTP client."""
