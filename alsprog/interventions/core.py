"""The effect objects: hazard ratio, time ratio, ALSFRS-R slope reduction, and their composition.

They follow the effect protocol shared with the simulation wing: ``components`` is a tuple of
elementary effects, each with a string ``kind`` (``hazard_ratio``, ``time_ratio``,
``slope_reduction``) and the attributes that kind documents; ``apply(model)`` returns the treated
survival model (what ``model.with_effect(effect)`` calls). Components act in order.

Times are years. Every elementary effect has an ``anchor``, the time its ``start_years``
counts from (``ANCHORS``): ``"onset"`` (symptom onset), ``"diagnosis"`` (each patient's own
diagnosis) or ``"enrolment"`` (each patient's entry into a trial: ``simulate_trial`` and
``power`` re-anchor a design's effect there; a survival model or a cohort has no enrolment and
refuses it). ``from_diagnosis`` is the older spelling (True: "diagnosis", False: "onset"); a
given ``from_diagnosis`` decides between those two (``resolve_anchor``), and afterwards it reads
``anchor != "onset"``; ``with_anchor`` moves an effect to another anchor. A
``TimeRatio`` stretches the disease death time from its anchor: ``"onset"`` (the whole time) or
``"enrolment"`` (the time left after it).
A model that does not know its patients' diagnostic delays (a plain family, ``WithBackground``)
puts diagnosis at the default population's median delay (11 months, ``data/phenotypes.toml``);
a ``PopulationModel`` (a phenotype) uses each of its quadrature profiles' own delay.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import numpy as np

from alsprog.errors import InputError
from alsprog.interventions.checks import (
    check_duration,
    check_fraction,
    check_ratio,
    check_start,
    set_anchor,
)
from alsprog.models.background import WithBackground
from alsprog.models.base import SurvivalModel
from alsprog.models.mixture import Mixture
from alsprog.models.population import PopulationModel
from alsprog.models.transforms import Conditional
from alsprog.models.windows import HazardWindows, default_delay_years


class Effect:
    """What every effect shares: ``&`` composition and application to a model or phenotype."""

    @property
    def components(self) -> tuple:
        """The elementary effects, in the order they act."""
        raise NotImplementedError

    def __and__(self, other: Any) -> Combined:
        return Combined((*self.components, *combine(other).components))

    def __rand__(self, other: Any) -> Combined:
        return Combined((*combine(other).components, *self.components))

    def apply(self, model: Any) -> SurvivalModel:
        """The treated model (years from onset); a phenotype is replaced by its model."""
        out = as_model(model)
        for component in self.components:
            out = component._apply_one(out)
        return out

    @property
    def survival_components(self) -> tuple:
        """The components that change survival (hazard and time ratios)."""
        return tuple(c for c in self.components if c.kind != "slope_reduction")


@dataclass(frozen=True)
class HazardRatio(Effect):
    """The disease hazard (never ordinary mortality) multiplied by ``value`` over a time window.

    value : hazard ratio, > 0 (0.84: 16% lower disease hazard).
    start_years : when the effect starts, years after the anchor, >= 0.
    duration_years : how long it lasts, years, > 0 (inf: for life).
    from_diagnosis : the older spelling of the anchor (True: 'diagnosis', False: 'onset');
        afterwards it reads ``anchor != "onset"``.
    interval : optional 95% interval of ``value`` (its source's), used by ``drawn`` to carry
        the effect's own uncertainty into ``translate``'s intervals; None for a fixed effect.
    anchor : what ``start_years`` counts from: 'onset' (default), 'diagnosis' or 'enrolment'
        (not in the repr, which keeps its older form).
    """

    value: float
    start_years: float = 0.0
    duration_years: float = math.inf
    from_diagnosis: bool | None = None
    interval: tuple[float, float] | None = field(default=None, compare=False)
    anchor: str | None = field(default=None, repr=False, kw_only=True)
    kind: ClassVar[str] = "hazard_ratio"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", check_ratio("HazardRatio", "hazard_ratio", self.value))
        object.__setattr__(self, "start_years", check_start("HazardRatio", self.start_years))
        object.__setattr__(
            self, "duration_years", check_duration("HazardRatio", self.duration_years)
        )
        set_anchor(self, "HazardRatio", "onset")
        if self.interval is not None:
            low, high = (
                check_ratio("HazardRatio interval", "hazard_ratio", v) for v in self.interval
            )
            if not low <= self.value <= high:
                raise InputError(
                    f"HazardRatio: interval ({low:g}, {high:g}) does not contain the value "
                    f"{self.value:g}; give the value's own 95% interval"
                )
            object.__setattr__(self, "interval", (low, high))

    @property
    def components(self) -> tuple[HazardRatio]:
        return (self,)

    @property
    def is_everywhere(self) -> bool:
        """True for plain proportional hazards: from onset, for life."""
        return self.start_years == 0 and math.isinf(self.duration_years) and self.anchor == "onset"

    def drawn(self, rng: np.random.Generator) -> HazardRatio:
        """The same effect with its value drawn from log-normal(log value, se from the 95%
        interval); itself when it has no interval."""
        if self.interval is None:
            return self
        low, high = self.interval
        se = (math.log(high) - math.log(low)) / (2 * 1.959963984540054)
        value = math.exp(math.log(self.value) + se * rng.standard_normal())
        return replace(self, value=value, interval=None)

    def _apply_one(self, model: SurvivalModel) -> SurvivalModel:
        _no_enrolment(self)
        return _with_window(
            model, (self.value, self.start_years, self.duration_years, bool(self.from_diagnosis))
        )


@dataclass(frozen=True)
class TimeRatio(Effect):
    """Accelerated failure time on the disease: disease death time T' = value * T.

    value : time ratio, > 0 (1.1: every disease quantile 10% later). Ordinary mortality keeps
        its own clock.
    anchor : 'onset' (default: the whole disease time is stretched) or 'enrolment' (the time
        left after a trial's enrolment; what ``simulate_trial`` uses).
    """

    value: float
    anchor: str = field(default="onset", repr=False, kw_only=True)
    kind: ClassVar[str] = "time_ratio"

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", check_ratio("TimeRatio", "time_ratio", self.value))
        if self.anchor not in ("onset", "enrolment"):
            raise InputError(
                f"TimeRatio: anchor {self.anchor!r} is not supported; use 'onset' or 'enrolment'"
            )

    @property
    def components(self) -> tuple[TimeRatio]:
        return (self,)

    def drawn(self, rng: np.random.Generator) -> TimeRatio:
        return self

    def _apply_one(self, model: SurvivalModel) -> SurvivalModel:
        _no_enrolment(self)
        return model.with_time_ratio(self.value)


@dataclass(frozen=True)
class SlopeReduction(Effect):
    """ALSFRS-R decline slowed by ``fraction`` over [start, start + duration).

    It acts in cohort simulation; on a survival model it changes nothing, unless
    ``survival_link`` is on. The link (off by default) turns the slower decline into a hazard
    ratio through the prognostic effect of the progression rate: HR = r ** (-fraction * q), r
    the hazard ratio per ALSFRS-R point per month (2.8, Elamin et al., J Neurol 2015) and q the
    reference progression rate (0.79 points per month), both in ``data/phenotypes.toml``. That
    link is a between-patient association; no trial has shown that slowing the decline
    lengthens survival (none has been shown for edaravone), so it is off unless asked for.

    fraction : 0 <= fraction < 1.
    duration_years : > 0 (inf: for life).
    start_years : >= 0, years after the anchor.
    from_diagnosis : the older spelling of the anchor (True: 'diagnosis', the default; False:
        'onset').
    survival_link : add the hazard ratio above as a ``hazard_ratio`` component.
    anchor : 'diagnosis' (default), 'onset' or 'enrolment' (not in the repr).
    """

    fraction: float
    duration_years: float = math.inf
    start_years: float = 0.0
    from_diagnosis: bool | None = None
    survival_link: bool = False
    anchor: str | None = field(default=None, repr=False, kw_only=True)
    kind: ClassVar[str] = "slope_reduction"

    def __post_init__(self) -> None:
        object.__setattr__(self, "fraction", check_fraction("SlopeReduction", self.fraction))
        object.__setattr__(
            self, "duration_years", check_duration("SlopeReduction", self.duration_years)
        )
        object.__setattr__(self, "start_years", check_start("SlopeReduction", self.start_years))
        if not isinstance(self.survival_link, bool | np.bool_):
            raise InputError(
                f"SlopeReduction: survival_link must be True or False (got {self.survival_link!r})"
            )
        set_anchor(self, "SlopeReduction", "diagnosis")

    @property
    def components(self) -> tuple:
        if not self.survival_link:
            return (self,)
        return (replace(self, survival_link=False), self.linked_hazard_ratio())

    def linked_hazard_ratio(self) -> HazardRatio:
        """The hazard ratio the optional link implies (see the class docstring)."""
        from alsprog import data

        factors = data.phenotypes().covariates
        per_point = factors.progression_hazard_ratio_per_point_per_month
        rate = factors.reference_progression_points_per_month
        return HazardRatio(
            per_point ** (-self.fraction * rate),
            self.start_years,
            self.duration_years,
            self.from_diagnosis,
            anchor=self.anchor,
        )

    def drawn(self, rng: np.random.Generator) -> SlopeReduction:
        return self

    def _apply_one(self, model: SurvivalModel) -> SurvivalModel:
        return model  # an elementary slope reduction leaves survival alone


@dataclass(frozen=True)
class Combined(Effect):
    """Several effects applied in order; ``components`` lists the elementary ones."""

    components: tuple = ()

    def __post_init__(self) -> None:
        parts = tuple(self.components)
        for part in parts:
            if getattr(part, "kind", None) not in ("hazard_ratio", "time_ratio", "slope_reduction"):
                raise InputError(
                    f"Combined: {part!r} is not an elementary effect; combine HazardRatio, "
                    "TimeRatio and SlopeReduction objects"
                )
        object.__setattr__(self, "components", parts)

    def drawn(self, rng: np.random.Generator) -> Combined:
        return Combined(tuple(c.drawn(rng) for c in self.components))


def combine(effects: Any) -> Effect:
    """One effect from an effect, a list or tuple of effects (applied in order), or None."""
    if effects is None:
        return Combined(())
    if isinstance(effects, Effect):
        return effects
    if isinstance(effects, Iterable) and not isinstance(effects, str | bytes):
        parts: list = []
        for item in effects:
            parts.extend(combine(item).components)
        return Combined(tuple(parts))
    raise InputError(
        f"effect: {type(effects).__name__} is not an effect; pass HazardRatio, TimeRatio, "
        "SlopeReduction, a preset such as alsprog.effects.riluzole(), or a list of them"
    )


def with_anchor(part: Any, anchor: str) -> Any:
    """The elementary effect ``part`` with its start counted from ``anchor`` instead."""
    if part.kind == "time_ratio":
        return replace(part, anchor=anchor)
    return replace(part, anchor=anchor, from_diagnosis=None)


def at_enrolment(effect: Any) -> tuple:
    """The elementary effects of ``effect`` with every start counted from enrolment (what a
    trial does with its design's effect: treatment starts when the patient is enrolled)."""
    return tuple(with_anchor(part, "enrolment") for part in combine(effect).components)


def _no_enrolment(part: Any) -> None:
    if part.anchor == "enrolment":
        raise InputError(
            f"{type(part).__name__}: anchor 'enrolment' needs a trial (simulate_trial, power); "
            "on a survival model use 'onset' or 'diagnosis'"
        )


def as_model(model: Any) -> SurvivalModel:
    """A survival model from a model or a phenotype (its population model)."""
    if isinstance(model, SurvivalModel):
        return model
    inner = getattr(model, "model", None)
    if isinstance(inner, SurvivalModel):
        return inner
    raise InputError(
        f"effect: cannot apply an effect to a {type(model).__name__}; pass a survival model "
        "or a phenotype"
    )


def _with_window(model: SurvivalModel, window: tuple[float, float, float, bool]) -> SurvivalModel:
    """The disease hazard of ``model`` times ``value`` over the window (see HazardRatio)."""
    value, start, duration, from_diagnosis = window
    if value == 1:
        return model
    if start == 0 and math.isinf(duration) and not from_diagnosis:
        return model.with_hazard_ratio(value)  # every model already keeps this to the disease
    if isinstance(model, PopulationModel):
        return replace(model, windows=(*model.windows, window), fit_info=None)
    if isinstance(model, WithBackground):
        return replace(model, disease=_with_window(model.disease, window), fit_info=None)
    if isinstance(model, Conditional):
        return Conditional(base=_with_window(model.base, window), survived=model.survived)
    if isinstance(model, Mixture) and any(
        getattr(c, "includes_background", False) or isinstance(c, WithBackground)
        for c in model.components
    ):
        parts = tuple(_with_window(c, window) for c in model.components)
        return replace(model, components=parts, fit_info=None)
    offset = default_delay_years() if from_diagnosis else 0.0
    return HazardWindows.of(model, [(value, start + offset, duration)])
