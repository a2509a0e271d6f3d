"""``--population`` on ``alsprog simulate`` and ``alsprog prognosis``: the named register
population reaches the cohort and the outlook; a mix is refused in one line."""

import json

import pandas as pd
import pytest

from alsprog import prognosis, simulate_cohort
from alsprog.cli import main


def test_simulate_writes_the_register_cohort_simulate_cohort_gives(tmp_path, capsys):
    out = tmp_path / "register.csv"
    assert main(["simulate", "--n", "500", "--seed", "4", "--population", "register",
                 "--out", str(out), "--json"]) == 0  # fmt: skip
    written = pd.read_csv(out)
    direct = simulate_cohort(500, 4, population="register").patients
    assert written["age_at_onset"].to_numpy() == pytest.approx(direct["age_at_onset"].to_numpy())
    assert written["death_time"].to_numpy() == pytest.approx(direct["death_time"].to_numpy())
    # the register's onset (mean 64) is not the default's (mean 55): 500 patients tell them apart
    assert json.loads(capsys.readouterr().out)["mean_age_at_onset"] > 61.0


def test_prognosis_takes_the_register_population(capsys):
    assert main(["prognosis", "--age-at-onset", "66", "--years-since-onset", "1",
                 "--population", "register", "--json"]) == 0  # fmt: skip
    answer = json.loads(capsys.readouterr().out)
    direct = prognosis("als", age_at_onset=66, years_since_onset=1, population="register")
    assert answer["median_remaining_years"] == pytest.approx(direct.median_remaining_years)


def test_a_mix_with_a_population_is_refused_in_one_line(tmp_path, capsys):
    code = main(["simulate", "--n", "10", "--phenotype", "mnd", "--population", "register",
                 "--out", str(tmp_path / "x.csv")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "one phenotype" in err
    assert not (tmp_path / "x.csv").exists()
