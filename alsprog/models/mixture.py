"""Finite mixtures of survival models: a population made of subgroups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, cast

import numpy as np

from alsprog.errors import InputError, as_sequence, check_probability
from alsprog.models.base import SurvivalModel, nan_to_number
from alsprog.models.parameters import Parameter


@dataclass(frozen=True)
class Mixture(SurvivalModel):
    """S(t) = sum_k weights[k] * components[k].survival(t), t in years from onset.

    components : the subgroups' models.
    weights : their shares, each in [0, 1], summing to 1.
    names : optional labels for the components (phenotype names, say).
    A component with a cure fraction gives the mixture one; ``quantile`` above the ever-dying
    share and ``mean`` are then inf.
    """

    components: tuple[SurvivalModel, ...]
    weights: tuple[float, ...]
    names: tuple[str, ...] | None = None
    family: ClassVar[str] = "mixture"
    declared_parameters: ClassVar[tuple[Parameter, ...]] = (
        Parameter("weight", "real", "dimensionless"),  # logits of weights 1.., then the parts'
    )

    def __post_init__(self) -> None:
        components = as_sequence("Mixture components", self.components)
        weights = as_sequence("Mixture weights", self.weights)
        for k, component in enumerate(components):
            if not isinstance(component, SurvivalModel):
                raise InputError(
                    f"Mixture component {k} is a {type(component).__name__} ({component!r}), not "
                    "a survival model; pass models such as Weibull(shape=1.4, scale=4.0)"
                )
        object.__setattr__(self, "components", components)
        object.__setattr__(
            self,
            "weights",
            tuple(check_probability(f"Mixture weight {k}", w) for k, w in enumerate(weights)),
        )
        if not self.components or len(self.components) != len(self.weights):
            raise InputError(
                f"Mixture: {len(self.components)} components and {len(self.weights)} weights; "
                "give one weight per component"
            )
        if abs(sum(self.weights) - 1) > 1e-9:
            raise InputError(f"Mixture: weights sum to {sum(self.weights):.6g}; they must sum to 1")
        if self.names is not None and len(self.names) != len(self.components):
            raise InputError("Mixture: give one name per component, or none")

    def _survival(self, t: np.ndarray) -> np.ndarray:
        total = sum(w * c._survival(t) for w, c in zip(self.weights, self.components, strict=True))
        return cast(np.ndarray, total)

    def _density(self, t: np.ndarray) -> np.ndarray:
        parts = [
            w * c._hazard(t) * c._survival(t)
            for w, c in zip(self.weights, self.components, strict=True)
            if w > 0
        ]
        return np.nan_to_num(sum(parts), nan=0.0)

    def _hazard(self, t: np.ndarray) -> np.ndarray:
        return self._density(t) / self._survival(t)

    def _cumulative_hazard_and_hazard(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        survival, density = np.zeros_like(t), np.zeros_like(t)
        for w, c in zip(self.weights, self.components, strict=True):
            if w > 0:
                s_k = c._survival(t)
                survival += w * s_k
                density += nan_to_number(w * c._hazard(t) * s_k)
        return -np.log(survival), density / survival

    def cure_fraction(self) -> float:
        return sum(
            w * c.cure_fraction() for w, c in zip(self.weights, self.components, strict=True)
        )

    def _mean(self) -> float:
        return sum(
            w * c.mean() for w, c in zip(self.weights, self.components, strict=True) if w > 0
        )

    def _rmst(self, horizon: np.ndarray) -> np.ndarray:
        total = sum(
            w * c._rmst(horizon)
            for w, c in zip(self.weights, self.components, strict=True)
            if w > 0
        )
        return cast(np.ndarray, total)

    def _sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        label = rng.choice(len(self.components), size=n, p=np.asarray(self.weights))
        out = np.empty(n)
        for k, component in enumerate(self.components):
            chosen = label == k
            out[chosen] = component._sample(int(chosen.sum()), rng)
        return out

    def component_survival(self, t: np.ndarray | float) -> np.ndarray:
        """Survival of each component at t: an array of shape (n_components, *shape of t)."""
        return np.stack([np.asarray(c.survival(t)) for c in self.components])
