"""Bad input to the Python API gets one line: each case ``(id, call, expected)`` must raise
``InputError`` with a one-line message containing ``expected`` (the argument's name, and where
useful the problem); the file cases name the bad file. And what is now accepted."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from bad_input_files import SHIPPED, toml_bytes

from alsprog import plots
from alsprog.disease.library import phenotype, phenotypes, uncertainty_draws
from alsprog.disease.prognosis import prognosis
from alsprog.errors import InputError
from alsprog.estimation.calibration import calibrate, compare_families
from alsprog.estimation.fitting import fit
from alsprog.estimation.targets import Landmark, Targets, load_targets
from alsprog.models import (
    Conditional,
    Exponential,
    GeneralizedGamma,
    Gompertz,
    LogLogistic,
    LogNormal,
    Mixture,
    PiecewiseExponential,
    ProportionalHazards,
    Spline,
    TimeScaled,
    Weibull,
    kaplan_meier,
    with_background_population,
)
from alsprog.population.background_mortality import background_hazard, background_survival
from alsprog.population.covariates import Population
from alsprog.population.lifetable import life_table
from alsprog.report import write_report

# --------------------------------------------------------------------------- Python API
W = Weibull(1.4, 4.0)
T = [1.0, 2.0, 3.0, 4.0]
D = [1, 1, 0, 1]
ONE = (Landmark(3.0, 0.5),)
API_CASES = [
    # model constructors: the same number check everywhere
    (
        "weibull-bool",
        lambda: Weibull(shape=True, scale=1.0),
        "Weibull shape must be a number (got True",
    ),
    ("weibull-text", lambda: Weibull("1.4", 4.0), "Weibull shape must be a number (got '1.4'"),
    ("weibull-none", lambda: Weibull(1.4, None), "Weibull scale (years) must be a number"),
    ("weibull-nan", lambda: Weibull(math.nan, 4.0), "Weibull shape must be a finite number"),
    ("weibull-negative", lambda: Weibull(1.4, -4.0), "Weibull scale (years) must be above 0"),
    ("weibull-array", lambda: Weibull(np.array([1.0, 2.0]), 4.0), "Weibull shape"),
    ("weibull-np-bool", lambda: Weibull(np.bool_(True), 4.0), "Weibull shape"),
    ("exponential-bool", lambda: Exponential(True), "Exponential rate (per year)"),
    ("exponential-inf", lambda: Exponential(math.inf), "Exponential rate (per year)"),
    ("gompertz-text", lambda: Gompertz("x", 0.2), "Gompertz shape (per year)"),
    ("lognormal-bool", lambda: LogNormal(True, 0.8), "LogNormal mu (log years)"),
    ("loglogistic-inf", lambda: LogLogistic(2.0, math.inf), "LogLogistic scale (years)"),
    ("gengamma-sigma", lambda: GeneralizedGamma(1.0, 0.0, 1.0), "GeneralizedGamma sigma"),
    ("gengamma-q-nan", lambda: GeneralizedGamma(1.0, 0.5, math.nan), "GeneralizedGamma q"),
    ("pwexp-rate-bool", lambda: PiecewiseExponential((1.0,), (0.1, True)), "rate 1 (per year)"),
    ("pwexp-text", lambda: PiecewiseExponential("ab", (0.1,)), "breakpoints must be a list"),
    ("pwexp-break", lambda: PiecewiseExponential((True,), (0.1, 0.2)), "breakpoint 0 (years)"),
    ("spline-knot-text", lambda: Spline((1.0, "b"), (0.0, 1.0)), "Spline knot (years)"),
    ("spline-gamma-bool", lambda: Spline((1.0, 4.0), (False, 1.0)), "Spline gamma"),
    (
        "spline-many-knots",
        lambda: Spline(tuple(range(1, 40)), (0.0,) * 39),
        "above the limit of 25",
    ),
    ("mixture-names", lambda: Mixture(("a", "b"), (0.5, 0.5)), "Mixture component 0 is a str"),
    ("mixture-weight-bool", lambda: Mixture((W, W), (True, False)), "Mixture weight 0"),
    ("mixture-not-sequence", lambda: Mixture(W, (1.0,)), "Mixture components must be a list"),
    ("mixture-sum", lambda: Mixture((W, W), (0.5, 0.6)), "weights sum to 1.1"),
    ("conditional-base", lambda: Conditional("W", 1.0), "Conditional: base is a str"),
    ("conditional-negative", lambda: Conditional(W, -1.0), "Conditional survived"),
    ("ph-ratio-bool", lambda: ProportionalHazards(W, True), "hazard_ratio"),
    ("timescaled-zero", lambda: TimeScaled(W, 0.0), "time_ratio must be above 0"),
    # model methods
    ("survival-text", lambda: W.survival("3"), "t must be numbers"),
    ("survival-bool", lambda: W.survival(True), "t must be numbers"),
    ("survival-list-text", lambda: W.survival([1.0, "2"]), "t must be numbers"),
    ("survival-nan", lambda: W.survival(math.nan), "t: NaN"),
    ("survival-negative", lambda: W.survival(-1.0), "t: time -1"),
    ("hazard-none", lambda: W.hazard(None), "t must be numbers"),
    ("quantile-high", lambda: W.quantile(1.5), "p: 1.5"),
    ("quantile-text", lambda: W.quantile("half"), "p must be numbers"),
    ("rmst-negative", lambda: W.rmst(-1.0), "horizon: time -1"),
    ("conditional-text", lambda: W.conditional("x"), "survived must be numbers"),
    ("sample-negative", lambda: W.sample(-1, 1), "sample: n must be"),
    ("sample-bool", lambda: W.sample(True, 1), "sample: n must be"),
    ("sample-rng", lambda: W.sample(10, "x"), "rng must be a numpy Generator"),
    ("hr-zero", lambda: W.with_hazard_ratio(0.0), "hazard_ratio must be above 0"),
    ("tr-nan", lambda: W.with_time_ratio(math.nan), "time_ratio must be a finite number"),
    ("background-age", lambda: W.with_background("60", "male"), "age_at_onset (years)"),
    ("background-sex", lambda: W.with_background(60, "M"), "sex: 'M' is unknown"),
    ("background-table", lambda: W.with_background(60, "male", "mars"), "life table 'mars'"),
    # fit and kaplan_meier
    ("fit-family", lambda: fit("weibul", T, D), "family 'weibul' is unknown"),
    ("fit-empty", lambda: fit("weibull", [], []), "durations is empty"),
    ("fit-lengths", lambda: fit("weibull", T, [1]), "different lengths"),
    ("fit-negative", lambda: fit("weibull", [1.0, -2.0], [1, 1]), "duration -2"),
    ("fit-nan", lambda: fit("weibull", [1.0, math.nan], [1, 1]), "durations has nan"),
    ("fit-text", lambda: fit("weibull", ["a", "b"], [1, 1]), "durations must be numbers"),
    ("fit-event-2", lambda: fit("weibull", T, [2, 1, 1, 1]), "event_observed has 2"),
    ("fit-entry-late", lambda: fit("weibull", T, D, entry=[3, 0, 0, 0]), "entry 3 at position 0"),
    ("fit-weights", lambda: fit("weibull", T, D, weights=[1, -1, 1, 1]), "weight -1"),
    ("fit-no-deaths", lambda: fit("weibull", T, [0, 0, 0, 0]), "no deaths"),
    (
        "fit-knots-family",
        lambda: fit("weibull", T, D, knots=(1.0, 2.0)),
        "knots apply to the spline",
    ),
    ("fit-knots-text", lambda: fit("spline", T, D, knots=("a", "b")), "fit: knots must be numbers"),
    (
        "fit-knots-limit",
        lambda: fit("spline", np.arange(1.0, 60), np.ones(59), knots=np.arange(1.0, 31)),
        "above the limit of 25",
    ),
    ("fit-components", lambda: fit("mixture", T, D, components=("a", "b")), "mixture components"),
    ("km-lengths", lambda: kaplan_meier(T, [1]), "different lengths"),
    ("km-alpha", lambda: kaplan_meier(T, D, alpha=1.5), "kaplan_meier alpha"),
    ("km-alpha-bool", lambda: kaplan_meier(T, D, alpha=True), "kaplan_meier alpha"),
    # targets and calibrate
    ("targets-t-bool", lambda: Targets("x", (Landmark(True, 0.5),)), "time is not a finite number"),
    ("targets-t-text", lambda: Targets("x", (Landmark("3", 0.5),)), "time is not a finite number"),
    ("targets-s-bool", lambda: Targets("x", (Landmark(3.0, True),)), "survival is not a number"),
    ("targets-n-bool", lambda: Targets("x", ONE, True), "effective_sample_size must be a number"),
    ("targets-n-nan", lambda: Targets("x", ONE, math.nan), "effective_sample_size must be"),
    ("targets-name", lambda: Targets(3, ONE), "name must be text"),
    ("targets-landmarks", lambda: Targets("x", "abc"), "landmarks must be a sequence"),
    ("targets-item", lambda: Targets("x", ((3.0, 0.5),)), "is not a Landmark"),
    ("targets-kind", lambda: Targets("x", (Landmark(3.0, 0.5, kind=1),)), "kind 1 is unknown"),
    (
        "targets-many",
        lambda: Targets("x", tuple(Landmark(t / 10, 0.5) for t in range(1, 300))),
        "above the limit of 200",
    ),
    ("load-targets-type", lambda: load_targets(42), "load_targets: path must be a file path"),
    ("load-targets-missing", lambda: load_targets("nowhere.csv"), "does not exist"),
    ("calibrate-type", lambda: calibrate(42), "calibrate: targets must be Targets"),
    ("calibrate-path", lambda: calibrate("nowhere.csv"), "targets file 'nowhere.csv' does not"),
    ("calibrate-family", lambda: calibrate(family="weibul"), "family 'weibul' is unknown"),
    ("calibrate-knots", lambda: calibrate(family="spline", knots=["a"]), "calibrate: knots 0"),
    ("calibrate-breaks", lambda: calibrate(family="piecewise_exponential", breakpoints=3), "list"),
    (
        "calibrate-components",
        lambda: calibrate(family="mixture", components=("a", "b")),
        "mixture components",
    ),
    ("compare-families", lambda: compare_families(families=("weibul",)), "family 'weibul'"),
    # life tables and background mortality
    ("life-table-type", lambda: life_table(2007), "life table: int is not a table name"),
    ("life-table-name", lambda: life_table("mars"), "life table 'mars' is unknown"),
    ("background-age-text", lambda: background_survival("sixty", "male", 1.0), "age"),
    ("background-t-text", lambda: background_survival(50, "male", "one"), "t must be numbers"),
    ("background-sex-number", lambda: background_survival(50, 1, 1.0), "sex must be 'male'"),
    (
        "background-population-ages",
        lambda: with_background_population(W, ["sixty"], ["male"]),
        "with_background_population: ages must be numbers",
    ),
    (
        "background-population-weights",
        lambda: with_background_population(W, [60], ["male"], weights=[True]),
        "with_background_population: weights must be numbers",
    ),
    ("background-hazard-age", lambda: background_hazard(True, "male"), "age must be numbers"),
    ("population-share", lambda: Population(True, 55, 10, 12, 0.5), "male_share"),
    ("population-sd", lambda: Population(0.6, 55, np.nan, 12, 0.5), "onset_age_sd"),
    ("population-mean", lambda: Population(0.6, "55", 10, 12, 0.5), "onset_age_mean"),
    # phenotypes and prognosis
    ("phenotype-name", lambda: phenotype("bulbr"), "phenotype 'bulbr' is unknown"),
    ("phenotype-type", lambda: phenotype(3), "phenotype 3 is unknown"),
    ("phenotype-table", lambda: phenotype("als", "mars"), "life table 'mars'"),
    ("phenotypes-table", lambda: phenotypes(42), "life table: int"),
    ("draws-limit", lambda: uncertainty_draws("als", n=10**6), "uncertainty_draws: n 1000000"),
    ("draws-bool", lambda: uncertainty_draws("als", n=True), "uncertainty_draws: n must be"),
    (
        "patient-age",
        lambda: phenotype("als", None).patient("sixty"),
        "patient: age_at_onset must be a number",
    ),
    ("patient-ftd", lambda: phenotype("als", None).patient(60, ftd=1), "patient: ftd"),
    # plots and the report
    ("model-curves-model", lambda: plots.model_curves({"w": "x"}), "models['w'] is a str"),
    ("model-curves-list", lambda: plots.model_curves([W]), "model_curves: no models"),
    ("model-curves-tmax", lambda: plots.model_curves({"w": W}, t_max=True), "t_max (years)"),
    ("model-curves-n", lambda: plots.model_curves({"w": W}, n=10**9), "n (grid points)"),
    ("survival-curves-frame", lambda: plots.survival_curves(42), "expected a DataFrame"),
    ("prognosis-curves-columns", lambda: plots.prognosis_curves(pd.DataFrame()), "missing column"),
    ("background-curves-model", lambda: plots.background_curves("x"), "model is a str"),
    ("landmark-errors-frame", lambda: plots.landmark_errors("x"), "expected a DataFrame"),
]
PROGNOSIS = {"age_at_onset": 60, "years_since_onset": 1, "background": None}
for _id, _change, _expected in [
    ("band-draws-limit", {"band_draws": 10**6}, "band_draws 1000000 is above the limit"),
    ("band-draws-bool", {"band_draws": True}, "band_draws must be a number"),
    ("band-draws-fraction", {"band_draws": 2.5}, "band_draws must be a whole number"),
    ("band-draws-one", {"band_draws": 1}, "band_draws must be at least 2"),
    ("age-bool", {"age_at_onset": True}, "age_at_onset must be a number"),
    ("age-text", {"age_at_onset": "60"}, "age_at_onset must be a number"),
    ("age-nan", {"age_at_onset": np.nan}, "age_at_onset must be a finite number"),
    ("since-none", {"years_since_onset": None}, "years_since_onset must be a number"),
    ("ftd-int", {"ftd": 1}, "ftd must be True or False"),
    ("treatment-list", {"treatment": ["riluzole"]}, "treatment ['riluzole'] is unknown"),
    ("sex-upper", {"sex": "Male"}, "sex 'Male' is unknown"),
    ("horizon-zero", {"horizon_years": 0}, "horizon_years 0 is outside"),
    ("alsfrs-inf", {"alsfrs_r": np.inf}, "alsfrs_r must be a finite number"),
    ("fvc-text", {"fvc_percent": "80"}, "fvc_percent must be a number"),
]:
    API_CASES.append(
        (f"prognosis-{_id}", lambda c=_change: prognosis("als", **{**PROGNOSIS, **c}), _expected)
    )


@pytest.mark.parametrize(
    "call, expected", [c[1:] for c in API_CASES], ids=[c[0] for c in API_CASES]
)
def test_api_bad_input_raises_input_error_naming_the_argument(call, expected):
    with pytest.raises(InputError) as raised:
        call()
    message = str(raised.value)
    assert expected in message
    assert "\n" not in message


FILE_API_CASES = [
    ("load-latin1", load_targets, "latin1.csv", "is not UTF-8 text"),
    ("load-semicolon", load_targets, "semicolon.csv", "separated by ';'"),
    ("load-extra-field", load_targets, "extra_field.csv", "3 fields, the header has 2"),
    ("load-t-true", load_targets, "t_true.toml", "t True is not a number"),
    ("load-landmark-list", load_targets, "landmark_list.toml", "is not a table"),
    ("load-folder", load_targets, "folder.csv", "is a folder"),
    ("calibrate-latin1", calibrate, "cp1252.csv", "is not UTF-8 text"),
    ("life-table-latin1", life_table, "lt_latin1.csv", "is not UTF-8 text"),
    ("life-table-semicolon", life_table, "lt_semicolon.csv", "separated by ';'"),
    ("life-table-decimal", life_table, "lt_decimal_comma.csv", "separated by ';'"),
    ("life-table-extra", life_table, "lt_extra_field.csv", "line 9 has 4 fields"),
    ("life-table-huge", life_table, "lt_huge_age.csv", "age 1e+09 in row 2 is above the limit"),
    ("life-table-folder", life_table, "lt_folder.csv", "is a folder"),
    ("life-table-binary", life_table, "lt_binary.csv", "binary file"),
    ("phenotype-lt-60", lambda path: phenotype("als", path), "lt_to_60.csv", "ends at age 60"),
    ("life-table-device", lambda _: life_table("/dev/zero"), "zero", "is not a regular file"),
    ("report-foreign", None, "report", "not part of a report"),
    (
        "report-on-a-file",
        lambda path: write_report(path, []),
        "rising.csv",
        "is a file, not a folder",
    ),
]


@pytest.mark.parametrize(
    "call, name, expected", [c[1:] for c in FILE_API_CASES], ids=[c[0] for c in FILE_API_CASES]
)
def test_api_bad_files_raise_input_error_naming_the_file(call, name, expected, files, tmp_path):
    if call is None:  # the report would replace a folder that holds someone's sub-folder
        (tmp_path / "data").mkdir()
        call, path = (lambda out: write_report(out, [])), tmp_path
    else:
        path = files / name
    with pytest.raises(InputError) as raised:
        call(path)
    message = str(raised.value)
    assert expected in message and "\n" not in message
    if call is not None and name != "report":
        assert Path(name).stem in message


# --------------------------------------------------------------------------- now accepted
@pytest.mark.parametrize(
    "value",
    [np.int64(2), np.float32(2.0), np.float64(2.0), np.array(2.0), np.uint8(2), 2, 2.0],
    ids=lambda v: type(v).__name__,
)
def test_any_real_number_is_accepted_and_stored_as_a_float(value):
    model = Weibull(shape=value, scale=value)
    assert type(model.shape) is float and model.shape == 2.0
    assert model == Weibull(2.0, 2.0)
    assert Targets("x", (Landmark(value, 0.5),)).landmarks[0].t == 2.0
    assert Mixture((model,), (np.float32(1.0),)).weights == (1.0,)


def test_a_byte_order_mark_is_accepted_in_targets_and_life_tables(tmp_path):
    bom = b"\xef\xbb\xbf"
    # as Excel saves 'CSV UTF-8': a byte-order mark and Windows line ends
    (tmp_path / "bom.csv").write_bytes(bom + b"time,survival\r\n3,0.5\r\n5,0.2\r\n")
    (tmp_path / "bom.toml").write_bytes(bom + toml_bytes())
    (tmp_path / "lt.csv").write_bytes(bom + SHIPPED.replace("\n", "\r\n").encode())
    assert [lm.survival for lm in load_targets(tmp_path / "bom.csv").landmarks] == [0.5, 0.2]
    assert load_targets(tmp_path / "bom.toml").landmarks[0].t == 3.0
    assert np.array_equal(life_table(tmp_path / "lt.csv").qx, life_table().qx)


def test_the_api_corpus_has_at_least_100_cases():
    assert len(API_CASES) + len(FILE_API_CASES) >= 100
