"""CaseDesk: an offline-first, encrypted case desk for people who keep children safe."""

__version__ = "0.1.0"
