"""Pieces every Accounts Center subgraph shares: settings, database, token checks, errors, app."""
