"""What a family declares about its parameters: name, domain and unit.

The registry (``alsprog.models.registry``) reads these declarations to map a vector of real
numbers to a model: a ``positive`` parameter is fitted as its logarithm, a ``real`` one as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

DOMAINS = ("positive", "real")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a family.

    name : the model's field name (``scale``), or the stem of a numbered one (``rate`` for
        rate_0, rate_1, ... of a piecewise exponential).
    domain : "positive" (fitted on the log scale) or "real".
    unit : as the family's docstring gives it ("years", "per year", "dimensionless", ...).
    """

    name: str
    domain: str
    unit: str

    def __post_init__(self) -> None:
        if self.domain not in DOMAINS:
            raise ValueError(f"Parameter {self.name}: domain {self.domain!r} is not in {DOMAINS}")

    @property
    def log_scale(self) -> bool:
        """True when the optimisers see this parameter's logarithm."""
        return self.domain == "positive"
