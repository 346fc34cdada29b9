"""Baselines: YAML files that say what "hardened" means, layered and validated."""

from .loader import Baseline, BaselineError, load_baseline

__all__ = ["Baseline", "BaselineError", "load_baseline"]
