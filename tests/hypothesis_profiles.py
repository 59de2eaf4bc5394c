"""How hard the answer-fuzzing tests look, chosen with ``HYPOTHESIS_PROFILE``.

- ``ci`` (default): few examples, the same every run, failures reported as found (shrinking a
  dozen distinct failures of one operation takes minutes);
- ``shrink``: the same examples as ``ci``, each failure shrunk to a minimal answer, for reading one;
- ``thorough``: a long randomised search, failures shrunk and remembered in ``.hypothesis/``.

The profiles are registered with hypothesis under these names; each fuzzing module adds its own
example counts with :func:`chosen_profile`. The root conftest refuses an unknown name before
collection starts.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
_REPRODUCIBLE = {"derandomize": True, "database": None, "print_blob": False}

settings.register_profile(
    "ci",
    deadline=None,
    suppress_health_check=_HEALTH,
    phases=[Phase.explicit, Phase.generate],
    **_REPRODUCIBLE,
)
settings.register_profile("shrink", deadline=None, suppress_health_check=_HEALTH, **_REPRODUCIBLE)
settings.register_profile("thorough", deadline=None, suppress_health_check=_HEALTH)

NAMES = ("ci", "shrink", "thorough")


def chosen_name() -> str:
    """The profile ``HYPOTHESIS_PROFILE`` names (``ci`` when unset); an unknown name is an error."""
    name = os.environ.get("HYPOTHESIS_PROFILE") or "ci"
    if name not in NAMES:
        raise ValueError(f"HYPOTHESIS_PROFILE={name!r}: use one of {', '.join(NAMES)}")
    return name


def chosen_profile(*, ci_examples: int, thorough_examples: int) -> settings:
    """The settings ``HYPOTHESIS_PROFILE`` asks for, with these example counts."""
    name = chosen_name()
    examples = thorough_examples if name == "thorough" else ci_examples
    return settings(settings.get_profile(name), max_examples=examples)
