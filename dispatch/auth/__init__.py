"""Authentication: API keys, passwords, PINs, tokens and throttling."""
