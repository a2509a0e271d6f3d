"""The one loader of alsprog/data: frozen records, checked whole, one message per bad key."""

import dataclasses
import pickle
import tomllib

import numpy as np
import pytest

from alsprog import data
from alsprog.data import loader
from alsprog.data.records import PhenotypeFile, SimulationFile


def _parsed(name: str) -> dict:
    return tomllib.loads(data.read_text(name))


def test_every_file_loads_into_its_record():
    assert (
        data.phenotypes().population.male_share
        == _parsed("phenotypes.toml")["population"]["male_share"]
    )
    assert data.simulation().follow_up.visit_interval_months == 3.0
    assert data.effects().riluzole.duration_years == float("inf")  # "inf" in the file
    assert data.trials().enrolment.min_eligible_share == 0.001
    assert list(data.life_tables()) == ["us_ssa_2007"]
    als = data.phenotypes().phenotype["als"]
    assert als.structure == "sites" and [lm.t for lm in als.landmark] == [3.0, 5.0, 10.0, 30.0]
    assert data.phenotypes().phenotype["als_flail"].borrow[0].from_phenotype == "pma"


@pytest.mark.parametrize(
    ("file", "cls", "table", "key"),
    [
        ("phenotypes.toml", PhenotypeFile, "covariates", "ftd_hazard_ratio"),
        ("simulation.toml", SimulationFile, "follow_up", "visit_interval_months"),
        ("simulation.toml", SimulationFile, "items", "visit_noise_sd"),
    ],
)
def test_a_renamed_key_fails_at_load_naming_the_file_and_key(file, cls, table, key):
    raw = _parsed(file)
    raw[table][key + "_renamed"] = raw[table].pop(key)
    with pytest.raises(
        data.DataFileError, match=rf"alsprog/data/{file} \[{table}\]: missing key '{key}'"
    ):
        loader.record(cls, raw, file)


def test_a_value_of_the_wrong_type_is_named():
    raw = _parsed("simulation.toml")
    raw["items"]["visit_noise_sd"] = "0.2"
    with pytest.raises(data.DataFileError, match=r"\[items.visit_noise_sd\]: expected a number"):
        loader.record(SimulationFile, raw, "simulation.toml")


def test_a_phenotype_lacking_what_its_structure_needs_is_named():
    spec = dict(_parsed("phenotypes.toml")["phenotype"]["ppbp"])
    del spec["scaled_from"]
    with pytest.raises(data.DataFileError, match=r"\[phenotype.ppbp\]: missing key 'scaled_from'"):
        loader._phenotype_spec(spec, "phenotypes.toml", "ppbp")


def test_records_are_frozen_all_the_way_down():
    figures = data.phenotypes()
    with pytest.raises(dataclasses.FrozenInstanceError):
        figures.population.male_share = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        figures.phenotype["als"] = None  # type: ignore[index]
    whole = data.table("phenotypes.toml")
    with pytest.raises(TypeError):
        whole["population"]["male_share"] = 0.5
    assert isinstance(whole["covariates"]["age_interval"], tuple)
    assert data.thaw(whole) == _parsed("phenotypes.toml")  # nothing lost in freezing


def test_frozen_values_pickle_and_arrays_are_read_only_copies():
    source = np.arange(3.0)
    frozen = data.freeze({"a": [1, {"b": source}]})
    source[0] = 9.0
    assert frozen["a"][1]["b"][0] == 0.0
    with pytest.raises(ValueError, match="read-only"):
        frozen["a"][1]["b"][0] = 1.0
    again = pickle.loads(pickle.dumps(frozen))
    assert isinstance(again, data.FrozenDict) and again["a"][0] == 1
    assert np.array_equal(again["a"][1]["b"], [0.0, 1.0, 2.0])
    assert pickle.loads(pickle.dumps(data.phenotypes())) == data.phenotypes()
