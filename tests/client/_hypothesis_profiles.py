"""How hard the answer-fuzzing tests look, chosen with ``HYPOTHESIS_PROFILE``.

- ``ci`` (default): few examples, the same every run, failures reported as found (shrinking a
  dozen distinct failures of one operation takes minutes);
- ``shrink``: the same examples as ``ci``, each failure shrunk to a minimal answer, for reading one;
- ``thorough``: a long randomised search, failures shrunk and remembered in ``.hypothesis/``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
_REPRODUCIBLE = {"derandomize": True, "database": None, "print_blob": False}
NAMES = ("ci", "shrink", "thorough")


def chosen_profile(*, ci_examples: int, thorough_examples: int) -> settings:
    """The settings ``HYPOTHESIS_PROFILE`` asks for, with these example counts."""
    name = os.environ.get("HYPOTHESIS_PROFILE") or "ci"
    if name == "ci":
        return settings(
            max_examples=ci_examples,
            deadline=None,
            suppress_health_check=_HEALTH,
            phases=[Phase.explicit, Phase.generate],
            **_REPRODUCIBLE,
        )
    if name == "shrink":
        return settings(
            max_examples=ci_examples, deadline=None, suppress_health_check=_HEALTH, **_REPRODUCIBLE
        )
    if name == "thorough":
        return settings(max_examples=thorough_examples, deadline=None, suppress_health_check=_HEALTH)
    raise RuntimeError(f"HYPOTHESIS_PROFILE={name!r}: use one of {', '.join(NAMES)}")
