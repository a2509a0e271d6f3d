"""The report as the Makefile runs it: files, columns, figures, determinism, extensibility."""

import html
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from report_columns import (
    BACKGROUND_COLUMNS,
    CURVE_COLUMNS,
    FACTOR_COLUMNS,
    FAMILY_COLUMNS,
    FIT_COLUMNS,
    LANDMARK_COLUMNS,
    PNG_SIGNATURE,
    PROFILE_COLUMNS,
    PROGNOSIS_CURVE_COLUMNS,
)

import alsprog
from alsprog import plots, report
from alsprog.errors import InputError
from alsprog.estimation.calibration import calibrate
from alsprog.models import FAMILIES, Weibull
from alsprog.population.background_mortality import background_survival
from alsprog.report import sections as report_sections
from alsprog.threads import one_blas_thread

ROOT = Path(__file__).resolve().parents[2]


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_script_writes_page_figures_and_tables_and_lists_them(made):
    out, lines = made
    written = {str(Path(line).relative_to(out)) for line in lines}
    assert written == set(files_under(out))  # nothing else, no temporary files left
    assert lines[-1].endswith("index.html")
    assert {
        "figures/family_curves.png", "figures/landmark_errors.png", "figures/background.png",
        "tables/landmarks.csv", "tables/families.csv", "tables/landmark_fits.csv",
        "tables/background_at_landmarks.csv", "figures/prognosis_curves.png",
        "figures/prognosis_factors.png", "tables/prognosis_profiles.csv",
        "tables/prognosis_curves.csv", "tables/prognosis_factors.csv",
    } <= written  # fmt: skip


def test_page_embeds_every_figure_and_names_every_family_and_source(made):
    out, _ = made
    page = (out / "index.html").read_text("utf-8")
    pngs = sorted((out / "figures").glob("*.png"))
    assert page.count('src="data:image/png;base64,') == len(pngs)
    for png in pngs:
        assert f'href="figures/{png.name}"' in page
    for family in FAMILIES:
        assert f"<td>{family}</td>" in page
    for text in ("MSD Manual (Rubin, 2019)", "50%", "at most 1%", "assumption", "us_ssa_2007"):
        assert text in page
    assert "<script" not in page and "<link" not in page and 'src="http' not in page


def test_pngs_are_valid_images_without_text_metadata(made):
    out, _ = made
    for png in (out / "figures").glob("*.png"):
        data = png.read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        image = Image.open(BytesIO(data))
        image.verify()
        assert image.size[0] >= 600 and image.size[1] >= 300
        assert b"tEXt" not in data and b"tIME" not in data  # no version or date stamps


def test_csvs_have_the_documented_columns(made):
    out, _ = made
    tables = out / "tables"
    expected = {
        "landmarks": LANDMARK_COLUMNS, "families": FAMILY_COLUMNS, "family_curves": CURVE_COLUMNS,
        "landmark_fits": FIT_COLUMNS, "background_at_landmarks": BACKGROUND_COLUMNS,
        "background_curves": BACKGROUND_COLUMNS, "prognosis_profiles": PROFILE_COLUMNS,
        "prognosis_curves": PROGNOSIS_CURVE_COLUMNS, "prognosis_factors": FACTOR_COLUMNS,
    }  # fmt: skip
    for name, columns in expected.items():
        assert list(pd.read_csv(tables / f"{name}.csv").columns) == columns, name
    assert set(pd.read_csv(tables / "families.csv")["family"]) == set(FAMILIES)


def test_csv_values_agree_with_the_models_and_the_life_table(made):
    tables = made[0] / "tables"
    with one_blas_thread():  # as the command line computes (alsprog.threads)
        mixture = calibrate(family="mixture")
    fits = pd.read_csv(tables / "landmark_fits.csv")
    mine = fits[(fits["family"] == "mixture") & (fits["kind"] == "equal")]
    np.testing.assert_allclose(mine["fitted"], [0.50, 0.20, 0.10], atol=1e-4)
    np.testing.assert_allclose(mine["error"], mine["fitted"] - mine["target"], atol=1e-9)
    curves = pd.read_csv(tables / "background_curves.csv", keep_default_na=False)
    alone = curves[curves["cause"] == "ALS only"]
    np.testing.assert_allclose(alone["survival"], mixture.survival(alone["t"].to_numpy()), 1e-8)
    other = curves[(curves["cause"] == "other causes only") & (curves["sex"] == "female")]
    np.testing.assert_allclose(
        other["survival"], background_survival(75.0, "female", other["t"].to_numpy()), 1e-8
    )
    both = curves[(curves["cause"] == "ALS and other causes") & (curves["sex"] == "female")]
    # independent competing risks: all-cause survival is the product of the two
    np.testing.assert_allclose(
        both["survival"].to_numpy(), alone["survival"].to_numpy() * other["survival"].to_numpy(),
        rtol=1e-8, atol=1e-12,
    )  # fmt: skip


SECTION_TITLES = (
    "The figures the models reproduce", "Which survival families reproduce the figures",
    "How far each family misses each figure", "ALS and ordinary mortality", "Phenotypes",
    "A simulated cohort", "Interventions", "Trials", "Individual prognosis",
    "Methods, assumptions and references",
)  # fmt: skip


def test_every_section_is_on_the_page_in_order_with_its_contents_link(made):
    page = (made[0] / "index.html").read_text("utf-8")
    headings = [page.index(f". {title}</h2>") for title in SECTION_TITLES]
    assert headings == sorted(headings)
    for number in range(1, len(SECTION_TITLES) + 1):
        assert f'href="#section-{number}"' in page and f'id="section-{number}"' in page


def test_methods_section_lists_every_assumption_and_source_of_the_data_files(made):
    from alsprog.report.bibliography import cited_keys, references
    from alsprog.report.methods_section import data_texts

    texts = data_texts()
    assumptions = pd.read_csv(made[0] / "tables" / "assumptions.csv")
    assert len(assumptions) == (texts["kind"] == "assumption").sum() > 20
    assert all("assumption" in text.lower() for text in assumptions["text"])
    page = (made[0] / "index.html").read_text("utf-8")
    methods = page[page.rindex("<section") :]
    listed = methods[methods.index('<ol class="bibliography">') :]
    for key in {k for text in texts["text"] for k in cited_keys(text)}:
        assert html.escape(references()[key].title or references()[key].journal) in listed, key
    assert "[@" not in page  # every citation rendered as a number


def test_prognosis_section_comes_before_methods_and_says_its_patients_are_made_up(made):
    page = (made[0] / "index.html").read_text("utf-8")
    sections = page.split("<section")
    last = "<section" + sections[-2]
    assert ". Individual prognosis</h2>" in last
    assert "illustrative" in last and "not real patients" in last
    for text in ("Cochrane", 'class="cite"', "us_ssa_2007"):
        assert text in last, text
    assert last.count('src="data:image/png;base64,') == 2
    assert "<td>1. ALS, limb onset</td>" in last and "<td>0.86 × 0.84</td>" in last


def test_prognosis_table_agrees_with_alsprog_prognosis(made):
    tables = made[0] / "tables"
    profiles = pd.read_csv(tables / "prognosis_profiles.csv", keep_default_na=False)
    assert len(profiles) == 5
    limb = profiles.iloc[0]
    # the point estimates do not depend on the band's draws: two keep this test fast
    outlook = alsprog.prognosis(
        "als_limb", age_at_onset=58, years_since_onset=1.5, sex="male", alsfrs_r=38,
        horizon_years=10, band_draws=2,
    )  # fmt: skip
    assert (limb["phenotype"], limb["sex"], limb["treatment"]) == ("als_limb", "male", "")
    np.testing.assert_allclose(limb["median_remaining_years"], outlook.median_remaining_years, 1e-8)
    np.testing.assert_allclose(
        limb[["quartile_25_years", "quartile_75_years"]].to_numpy(float),
        outlook.quartiles_remaining_years, 1e-8,
    )  # fmt: skip
    np.testing.assert_allclose(
        limb[["p_alive_1y", "p_alive_2y", "p_alive_5y"]].to_numpy(float),
        [outlook.p_alive[h] for h in (1, 2, 5)], 1e-8,
    )  # fmt: skip
    assert profiles["treatment_hazard_ratio"].iloc[2] == 0.84  # riluzole, Cochrane
    curves = pd.read_csv(tables / "prognosis_curves.csv")
    mine = curves[curves["profile"] == limb["profile"]]
    np.testing.assert_allclose(mine["survival"], outlook.curve["survival"], 1e-8)
    assert (mine["lower"] <= mine["survival"] + 1e-9).all()
    assert (mine["survival"] <= mine["upper"] + 1e-9).all()
    factors = pd.read_csv(tables / "prognosis_factors.csv")
    base = factors[factors["base"]]
    assert list(base["factor"]) == ["age_at_onset", "progression_rate"]
    np.testing.assert_allclose(base["median_remaining_years"], outlook.median_remaining_years, 1e-8)
    at_70 = factors[(factors["factor"] == "age_at_onset") & (factors["value"] == 70)]
    older = alsprog.prognosis(
        "als_limb", age_at_onset=70, years_since_onset=1.5, sex="male", alsfrs_r=38,
        band_draws=2,
    )  # fmt: skip
    np.testing.assert_allclose(at_70["median_remaining_years"], older.median_remaining_years, 1e-8)
    ages = factors[factors["factor"] == "age_at_onset"]
    assert ages["value"].min() == 40 and ages["value"].max() == 80
    assert np.all(np.diff(ages["median_remaining_years"]) < 0)  # older onset, shorter


def test_a_second_run_gives_the_same_bytes(made, tmp_path):
    first, _ = made
    report.write_report(tmp_path, n_patients=3000, replicates=10)  # the settings `made` ran with
    assert files_under(tmp_path) == files_under(first)


# --------------------------------------------------------------------------- extensibility
def small_section(context):
    table = pd.DataFrame({"name": ["a", "b"], "value": [0.25, np.inf]})
    return report.Section(
        "A small section",
        "<p>Before.</p><!-- table:small --><p>After.</p>",
        {"small_curve": plots.survival_curves(
            plots.model_curves({"w": Weibull(shape=1.4, scale=4.0)}, n=11))},
        {"small": report.Table(table, "A caption.", formats={"value": report.number})},
    )  # fmt: skip


def test_a_section_function_adds_a_section(tmp_path):
    written = report.write_report(tmp_path, [small_section, lambda context: None])
    names = sorted(str(p.relative_to(tmp_path)) for p in written)
    assert names == ["figures/small_curve.png", "index.html", "tables/small.csv"]
    page = (tmp_path / "index.html").read_text("utf-8")
    assert "<h2>1. A small section</h2>" in page
    before, after = page.index("<p>Before.</p>"), page.index("<p>After.</p>")
    assert before < page.index("<table>") < after  # placed where the text says
    assert '<td class="num">infinite</td>' in page
    assert list(pd.read_csv(tmp_path / "tables" / "small.csv").columns) == ["name", "value"]


def test_a_broken_report_writes_nothing(tmp_path):
    out = tmp_path / "out"

    def twice(context):
        return small_section(context)

    with pytest.raises(InputError, match=r"two sections both write figures/small_curve\.png"):
        report.write_report(out, [small_section, twice])

    def failing(context):
        raise InputError("section: deliberately broken")

    with pytest.raises(InputError, match="deliberately broken"):
        report.write_report(out, [small_section, failing])
    assert not out.exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file, not a folder"):
        report.write_report(tmp_path / "file")


def test_phenotype_section_uses_alsprog_phenotypes_when_present(tmp_path, monkeypatch):
    models = {"fast": Weibull(shape=2.0, scale=2.0), "slow": Weibull(shape=1.0, scale=10.0)}
    monkeypatch.setattr(
        alsprog, "phenotypes",
        lambda: pd.DataFrame({"name": list(models), "median_years": [1.67, 6.93]}),
        raising=False,
    )  # fmt: skip
    monkeypatch.setattr(alsprog, "phenotype", models.__getitem__, raising=False)
    report.write_report(tmp_path, [report_sections.phenotypes_section])
    page = (tmp_path / "index.html").read_text("utf-8")
    assert "Phenotypes" in page and "<td>slow</td>" in page
    curves = pd.read_csv(tmp_path / "tables" / "phenotype_curves.csv")
    assert list(curves.columns) == CURVE_COLUMNS and set(curves["model"]) == set(models)
    assert (tmp_path / "figures" / "phenotype_curves.png").read_bytes().startswith(PNG_SIGNATURE)


def test_script_errors_are_one_line_with_exit_2(tmp_path):
    (tmp_path / "taken").write_text("x")
    script = str(ROOT / "scripts" / "make_report.py")
    for args in (["--out", str(tmp_path / "taken")], ["--bogus"]):
        done = subprocess.run([sys.executable, script, *args], capture_output=True, text=True,
                              timeout=120, cwd=ROOT)  # fmt: skip
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert done.stderr.startswith("alsprog") and ": error: " in done.stderr


def test_reference_columns_become_numbers_into_one_list_under_the_table():
    frame = pd.DataFrame(
        {"name": ["a", "b"], "sources": ["Smith 2001 | Jones 2003 | Lee 2010", "Jones 2003"]}
    )
    files = report.render(
        [
            report.Section(
                "T", "<p>x</p>", {}, {"refs": report.Table(frame, "c", references=("sources",))}
            )
        ]
    )
    page = files["index.html"].decode()
    assert '<td class="refs">1-3</td>' in page and '<td class="refs">2</td>' in page
    listed = page[page.index('<ol class="references">') :].split("</ol>")[0]
    assert listed.count("<li>") == 3 and listed.index("Smith 2001") < listed.index("Lee 2010")
    assert b"Smith 2001 | Jones 2003 | Lee 2010" in files["tables/refs.csv"]  # the CSV keeps it all


def test_page_ends_with_a_reproducibility_footer(made):
    out, _ = made
    page = (out / "index.html").read_text("utf-8")
    footer = page[page.index("<footer>") : page.index("</footer>")]
    from importlib.metadata import version

    assert f"alsprog {alsprog.__version__}" in footer and "seed 0;" in footer
    for name in ("numpy", "lifelines", "plotnine"):
        assert f"{name} {version(name)}" in footer


@pytest.mark.parametrize(
    "flag, value", [("--seed", "-1"), ("--n", "5"), ("--replicates", "0"), ("--n", "many")]
)
def test_report_cli_refuses_bad_settings_in_one_line(flag, value, tmp_path, capsys):
    from alsprog.cli import main

    with pytest.raises(SystemExit) if value == "many" else _nothing():
        assert main(["report", "--out", str(tmp_path / "r"), flag, value]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error" in err[0]
    assert not (tmp_path / "r").exists()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
