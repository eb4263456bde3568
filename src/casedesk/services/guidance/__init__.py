"""Guidance use cases: importing content, asking it questions, keeping what people could not find."""
