"""The audit suite's pytest entry point: everything lives in the plugin."""

pytest_plugins = ["hardening_audit.plugin"]
