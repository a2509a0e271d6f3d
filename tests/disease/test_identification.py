"""The identification audit: which parameters the figures pin, checked against closed forms, a
nonlinear refit, and target sets built to leave the spread open."""

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

import alsprog
from alsprog.disease.identification import audit, audit_model, halfwidths, settings
from alsprog.disease.library import NAMES, identification, phenotypes
from alsprog.errors import InputError
from alsprog.estimation.targets import Landmark, Targets
from alsprog.models.registry import family_spec

LOGNORMAL = family_spec("lognormal")


def _targets(*figures, n=200.0):
    return Targets("test", tuple(Landmark(t, s, "equal", "test") for t, s in figures), n)


def _audit(targets):
    model = alsprog.calibrate(targets, "lognormal")
    return audit_model(model, targets, LOGNORMAL).set_index("parameter"), model


def test_two_figures_at_the_same_time_leave_the_spread_free():
    # S(5) and the median 18 days apart (two figures at one time are refused by Targets): the
    # location is pinned, the spread is not, and it is not presented as estimated.
    table, model = _audit(_targets((5.0, 0.562), (5.05, 0.50)))
    assert table.loc["mu", "status"] == "pinned"
    assert table.loc["sigma", "status"] == "free"
    assert math.isnan(table.loc["sigma", "standard_error"])
    assert table.loc["sigma", "halfwidth"] > math.log(settings()[1]) / 2
    assert table.loc["sigma", "pinned_by"] == ""
    assert "optimiser's value" in table.loc["sigma", "source"]
    assert model.fit_info.max_abs_error < 1e-4  # the fit meets both figures: no warning there


@pytest.mark.parametrize("background", ["us_ssa_2007", None])
def test_the_flail_figures_alone_do_not_pin_a_log_normal_spread(background):
    # The issue: with nothing borrowed, a log-normal through S(5) = 0.562 and the median 5.32
    # years (Wijesekera et al. 2009) settles on a narrow spread and has fewer ten-year survivors
    # than ALS as a whole; the audit says the figures never pinned that spread.
    from alsprog.disease import library

    spec = dataclasses.replace(library._spec("als_flail"), borrow=())
    table = library._table_key(background)
    item = library._calibrate("als_flail", spec, table)
    assert item.model.survival(10.0) < alsprog.phenotype("als", background).survival(10.0)
    free, _, borrowed = library._site_structure(spec, table)
    info = item.model.fit_info
    report = audit(info.build, info.unconstrained, item.targets, free, borrowed)
    assert list(report["status"]) == ["pinned", "free"]
    # the same without the population average: a plain log-normal calibrated to the figures
    plain, _ = _audit(item.targets)
    assert plain.loc["sigma", "status"] == "free"
    assert plain.loc["mu", "status"] == "pinned"


def test_figures_far_apart_pin_both_parameters():
    table, _ = _audit(_targets((2.0, 0.8), (8.0, 0.2)))
    assert (table["status"] == "pinned").all()
    assert table.loc["sigma", "pinned_by"] == "S(2) = 0.8 ; S(8) = 0.2"
    assert np.isfinite(table["standard_error"]).all()


def test_standard_errors_match_the_closed_form_multinomial_information():
    # Log-normal through S(2) = 0.8 and S(8) = 0.2, n = 200: the cells (0.2, 0.6, 0.2) are met
    # exactly, so the observed information is n * sum_j g_j g_j' / pi_j with g_j = d pi_j /
    # d (mu, log sigma) from the normal density.
    n = 200.0
    table, _ = _audit(_targets((2.0, 0.8), (8.0, 0.2), n=n))
    z = stats.norm.ppf(0.2)
    sigma = math.log(4.0) / (-2 * z)
    mu = math.log(2.0) - z * sigma
    zs = (np.log([2.0, 8.0]) - mu) / sigma
    d_survival = np.column_stack(
        [stats.norm.pdf(zs) / sigma, stats.norm.pdf(zs) * zs]
    )  # rows: t; columns: d/d mu, d/d log sigma
    grads = -np.diff(np.vstack([np.zeros(2), d_survival, np.zeros(2)]), axis=0)
    cells = np.array([0.2, 0.6, 0.2])
    information = n * sum(np.outer(g, g) / p for g, p in zip(grads, cells, strict=True))
    covariance = np.linalg.inv(information)
    assert table.loc["mu", "estimate"] == pytest.approx(mu, rel=1e-4)
    assert table.loc["sigma", "estimate"] == pytest.approx(sigma, rel=1e-4)
    assert table.loc["mu", "standard_error"] == pytest.approx(math.sqrt(covariance[0, 0]), rel=0.02)
    assert table.loc["sigma", "standard_error"] == pytest.approx(
        sigma * math.sqrt(covariance[1, 1]), rel=0.02
    )


def test_halfwidth_is_what_a_refit_of_the_other_parameters_cannot_absorb():
    # Move log sigma by its half-width, refit mu to the figures (least squares): the figures
    # then move by about the precision, as the linear profile says.
    precision = settings()[0]
    table, model = _audit(_targets((2.0, 0.8), (8.0, 0.2)))
    mu, log_sigma = model.fit_info.unconstrained
    h = table.loc["sigma", "halfwidth"]
    times, target = np.array([2.0, 8.0]), np.array([0.8, 0.2])

    def miss(m):
        return np.linalg.norm(
            stats.lognorm.sf(times, s=math.exp(log_sigma + h), scale=math.exp(m)) - target
        )

    best = optimize.minimize_scalar(miss, bracket=(mu - 0.5, mu + 0.5))
    assert best.fun == pytest.approx(precision, rel=0.1)


def test_halfwidths_of_a_rank_deficient_jacobian_are_infinite():
    jacobian = np.array([[1.0, 2.0, 0.0], [0.5, 1.0, 0.0]])  # columns 0 and 1 move together
    widths = halfwidths(jacobian, 0.02)
    assert np.isinf(widths[:2]).all()
    assert np.isinf(widths[2])  # a parameter the figures do not see at all
    assert halfwidths(np.eye(2), 0.02) == pytest.approx([0.02, 0.02])


def test_every_phenotype_has_an_audit_row_per_parameter():
    table = identification()
    assert list(dict.fromkeys(table["phenotype"])) == list(NAMES)
    assert set(table["status"]) <= {"pinned", "bound", "free", "borrowed"}
    rows = table.set_index(["phenotype", "parameter"])
    # the flail curve: its location pinned by both of its figures, its spread borrowed from PMA
    assert rows.loc[("als_flail", "mu"), "status"] == "pinned"
    assert rows.loc[("als_flail", "mu"), "pinned_by"] == "S(5) = 0.562 ; S(5.32) = 0.5"
    assert rows.loc[("als_flail", "sigma"), "status"] == "borrowed"
    assert rows.loc[("als_flail", "sigma"), "estimate"] == rows.loc[("pma", "sigma"), "estimate"]
    assert rows.loc[("als_flail", "sigma"), "source"].startswith("from pma: ")
    for parameter in ("mu", "sigma"):
        assert rows.loc[("pma", parameter), "status"] == "pinned"
    assert rows.loc[("ppbp", "hazard_ratio"), "status"] == "borrowed"
    # three ALS figures cannot pin the four parameters of its limb-onset mixture
    als = table[table["phenotype"] == "als"]
    assert len(als) == 4 and (als["status"] != "pinned").any()


@pytest.mark.parametrize("background", ["us_ssa_2007", None])
def test_phenotypes_table_says_what_pins_each_curve(background):
    table = phenotypes(background).set_index("name")
    audit = identification(background=background)
    for name in NAMES:
        rows = audit[audit["phenotype"] == name]
        unpinned = rows[rows["status"].isin(["free", "bound"])]
        assert table.loc[name, "identified"] == unpinned.empty, name
        for parameter in unpinned["parameter"]:
            assert parameter in table.loc[name, "assumed"], (name, parameter)
    assert table.loc["als_flail", "pinned_by"] == "S(5) = 0.562 ; S(5.32) = 0.5"
    assert "hazard_ratio = 1.58" in table.loc["ppbp", "assumed"]
    assert not table.loc["als", "identified"]
    # figures that are readings of words (data/phenotypes.toml marks them) are named too
    assert table.loc["pma", "assumed"] == "S(25) = 0.05 (a reading, assumption)"
    assert "S(30) <= 0.01 (a reading, assumption)" in table.loc["als_limb", "assumed"]
    assert table.loc["pls", "assumed"] == ""  # Lester et al. 2025 measured its median


def test_identification_of_an_uncalibrated_model_is_refused():
    with pytest.raises(InputError, match=r"pass a model from alsprog\.calibrate"):
        audit_model(alsprog.models.Weibull(1.0, 2.0), _targets((2.0, 0.5)), LOGNORMAL)


def test_identification_is_cached_and_tidy():
    first = identification("pma")
    assert isinstance(first, pd.DataFrame)
    assert list(first.columns) == [
        "phenotype",
        "parameter",
        "estimate",
        "standard_error",
        "halfwidth",
        "status",
        "pinned_by",
        "source",
    ]
    pd.testing.assert_frame_equal(first, identification("pma"))


@pytest.mark.parametrize("background", ["us_ssa_2007", None])
def test_a_phenotype_calibrated_to_two_figures_at_one_time_reports_its_spread_free(background):
    # The phenotype machinery itself (population average, ordinary mortality): a log-normal
    # flail curve with nothing borrowed, calibrated to S(5) and S(5.05), pins mu and not sigma.
    from alsprog.disease import library

    spec = dataclasses.replace(library._spec("als_flail"), borrow=())
    targets = _targets((5.0, 0.562), (5.05, 0.50), n=202.0)
    table = library._table_key(background)
    item = library._calibrate("als_flail", spec, table, targets)
    free, _, borrowed = library._site_structure(spec, table)
    info = item.model.fit_info
    report = audit(info.build, info.unconstrained, targets, free, borrowed).set_index("parameter")
    assert list(report["status"]) == ["pinned", "free"]
    assert math.isnan(report.loc["sigma", "standard_error"])
    assert math.isfinite(report.loc["mu", "standard_error"])
