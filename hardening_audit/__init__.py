"""hardening-audit: server-hardening requirements as pytest tests."""

__version__ = "0.1.0"
