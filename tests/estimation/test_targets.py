"""Target files: the shipped figures, user TOML and CSV files, and bad input."""

import math
from dataclasses import replace

import pytest

from alsprog.errors import InputError
from alsprog.estimation.targets import Landmark, Targets, default_targets, load_targets


def test_default_targets_are_the_documents_figures_with_sources():
    targets = default_targets()
    figures = {(lm.t, lm.survival, lm.kind) for lm in targets.landmarks}
    assert figures == {
        (3.0, 0.5, "equal"),
        (5.0, 0.2, "equal"),
        (10.0, 0.1, "equal"),
        (30.0, 0.01, "upper"),
    }
    assert all("MSD Manual" in lm.source for lm in targets.landmarks)
    assert targets.effective_sample_size == 500
    edges, shares = targets.cells()
    assert list(edges) == [0.0, 3.0, 5.0, 10.0]
    assert shares.sum() == pytest.approx(1.0)


def test_the_cells_are_set_once_read_only_and_follow_a_replaced_set():
    # the shared default targets hand out their cells; no caller may change them, and a set
    # made from another (replace, redrawn) gets cells of its own landmarks
    targets = default_targets()
    edges, shares = targets.cells()
    with pytest.raises(ValueError):
        shares[0] = 0.9
    with pytest.raises(ValueError):
        edges[1] = 1.0
    assert shares.tolist() == pytest.approx([0.5, 0.3, 0.1, 0.1])  # 1 - S(3), ..., S(10)
    other = replace(targets, landmarks=(Landmark(2.0, 0.6), Landmark(4.0, 0.25)))
    assert other.edges.tolist() == [0.0, 2.0, 4.0]
    assert other.shares.tolist() == pytest.approx([0.4, 0.35, 0.25])
    assert default_targets().shares.tolist() == pytest.approx([0.5, 0.3, 0.1, 0.1])


def test_user_csv_and_toml_load_the_same_targets(tmp_path):
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text("time,survival,source\n2,0.7,cohort A\n4,0.4,cohort A\n")
    toml_file = tmp_path / "mine.toml"
    toml_file.write_text(
        'name = "mine"\neffective_sample_size = 500\n'
        "[[landmark]]\nt = 2\nsurvival = 0.7\n"
        "[[landmark]]\nt = 4\nsurvival = 0.4\n"
    )
    a, b = load_targets(csv_file), load_targets(toml_file)
    assert [(lm.t, lm.survival) for lm in a.landmarks] == [(2.0, 0.7), (4.0, 0.4)]
    assert a.landmarks[0].source == "cohort A"
    assert [(lm.t, lm.survival) for lm in b.landmarks] == [(2.0, 0.7), (4.0, 0.4)]


@pytest.mark.parametrize(
    "rows, message",
    [
        ([(3, 0.5), (5, 0.6)], "survival rises from 0.5 at 3 y to 0.6 at 5 y"),
        ([(3, 1.5)], r"outside \(0, 1\)"),
        ([(3, 0.0)], r"outside \(0, 1\)"),
        ([(-1, 0.5)], "must be above 0 years"),
        ([(3, 0.5), (3, 0.4)], "two landmarks at t=3"),
        ([(math.nan, 0.5)], "not a finite number"),
        ([(3, math.nan)], "not a number"),
    ],
)
def test_bad_targets_are_refused_with_the_fix(rows, message):
    with pytest.raises(InputError, match=message):
        Targets("bad", tuple(Landmark(t, s) for t, s in rows))


def test_bad_files_are_refused(tmp_path):
    missing = tmp_path / "missing.csv"
    missing.write_text("t,surv\n3,0.5\n")
    with pytest.raises(InputError, match="missing column"):
        load_targets(missing)
    nan = tmp_path / "nan.csv"
    nan.write_text("time,survival\n3,nan\n")
    with pytest.raises(InputError, match="NaN"):
        load_targets(nan)
    kind = tmp_path / "kind.csv"
    kind.write_text("time,survival,kind\n3,0.5,about\n")
    with pytest.raises(InputError, match="kind 'about' is unknown"):
        load_targets(kind)
    with pytest.raises(InputError, match="does not exist"):
        load_targets(tmp_path / "nowhere.toml")
    with pytest.raises(InputError, match="unknown format"):
        load_targets(missing.rename(tmp_path / "targets.xlsx"))


def test_redrawn_figures_scatter_around_the_targets_with_binomial_spread():
    import numpy as np

    targets = default_targets()
    rng = np.random.default_rng(4)
    draws = np.array([[lm.survival for lm in targets.redrawn(rng).equal] for _ in range(4000)])
    expected = np.array([0.5, 0.2, 0.1])
    n = targets.effective_sample_size
    # Dirichlet(n * share + 1/2): mean (n s + k/2) / (n + 2) close to s; SD close to binomial
    np.testing.assert_allclose(draws.mean(axis=0), expected, atol=0.003)
    np.testing.assert_allclose(draws.std(axis=0), np.sqrt(expected * (1 - expected) / n), rtol=0.08)
    assert np.all(np.diff(draws, axis=1) <= 0)  # each redrawn set still falls with time
    assert targets.redrawn(rng).bounds == targets.bounds


def test_equal_and_bounds_are_read_once_and_follow_the_landmarks():
    import dataclasses
    import pickle

    targets = default_targets()
    assert targets is default_targets()  # read once: a Targets cannot change
    assert [lm.kind for lm in targets.equal] == ["equal"] * 3
    assert [(lm.t, lm.kind) for lm in targets.bounds] == [(30.0, "upper")]
    fewer = dataclasses.replace(targets, landmarks=targets.landmarks[1:])
    assert [lm.t for lm in fewer.equal] == [5.0, 10.0] and fewer.bounds == targets.bounds
    assert [lm.t for lm in fewer.landmarks] == [5.0, 10.0, 30.0]
    again = pickle.loads(pickle.dumps(targets))
    assert again == targets and again.equal == targets.equal and again.bounds == targets.bounds
    with pytest.raises(dataclasses.FrozenInstanceError):
        targets.equal = ()  # type: ignore[misc]
