"""The compliance report: results documents rendered as the pytest-html page auditors read.

The live audit and ``python -m hardening_audit.report`` (re-rendering, merging
and comparing ``results.json`` files) share these hooks, so both produce the
same page.
"""
