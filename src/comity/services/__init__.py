"""Use cases: each one function, each one transaction, each writing its events with its change."""
