"""kaplan_meier_plot: the drawn figure's risk table lines up with the x axis and holds the counts."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from plotnine import ggplot

import alsprog
from alsprog.errors import InputError
from alsprog.models import Weibull
from alsprog.plots import kaplan_meier_plot, risk_tables

matplotlib.use("Agg")
lifelines = pytest.importorskip("lifelines")
from lifelines.datasets import load_lung  # noqa: E402


@pytest.fixture(scope="module")
def by_sex() -> dict[str, alsprog.models.KaplanMeier]:
    lung = load_lung()
    return {
        name: alsprog.kaplan_meier(rows["time"], rows["status"], label=name)
        for name, rows in (("male", lung[lung["sex"] == 1]), ("female", lung[lung["sex"] == 2]))
    }


@pytest.fixture(scope="module")
def drawn(by_sex):
    """The two-group figure with a model overlaid, drawn once: (plot, figure)."""
    plot = kaplan_meier_plot(
        by_sex, times=[0, 200, 400, 600, 800, 1000], models={"Weibull": Weibull(1.3, 420.0)}
    )
    figure = _drawn(plot)
    yield plot, figure
    matplotlib.pyplot.close(figure)


def _drawn(plot):
    """The figure on an Agg canvas, drawn, so that plotnine's layout has placed every artist."""
    figure = plot.draw()
    FigureCanvasAgg(figure)
    figure.canvas.draw()
    return figure


def _table_axes(figure):
    """(curve panel, table panel): the table is the one holding text labels."""
    axes = sorted(figure.axes, key=lambda ax: -ax.get_position().y0)
    assert len(axes) == 2
    return axes[0], axes[1]


def test_the_table_panel_shares_the_curves_x_axis(drawn):
    plot, figure = drawn
    assert isinstance(plot, ggplot)
    curves, table = _table_axes(figure)
    assert curves.get_xlim() == table.get_xlim()
    top, bottom = curves.get_position(), table.get_position()
    assert (top.x0, top.x1) == pytest.approx((bottom.x0, bottom.x1), abs=1e-9)
    assert bottom.y1 < top.y0  # the table sits below the curves
    # each count is centred on its time, which is a tick of the (shared) x axis
    ticks = set(table.get_xticks())
    texts = table.texts
    assert texts and {text.get_position()[0] for text in texts} == ticks
    to_pixels = table.transData.transform
    for text in texts:
        x_data = text.get_position()[0]
        box = text.get_window_extent()
        assert (box.x0 + box.x1) / 2 == pytest.approx(to_pixels((x_data, 0))[0], abs=1.0)


def test_nothing_is_clipped(drawn):
    _, figure = drawn
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    _, table = _table_axes(figure)
    panel = table.get_window_extent(renderer)
    artists = [*table.texts, *table.get_yticklabels(), *table.get_xticklabels()]
    for artist in artists:
        box = artist.get_window_extent(renderer)
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
        assert box.y1 <= frame.y1
    for text in table.texts:  # the counts stay inside their panel
        box = text.get_window_extent(renderer)
        assert panel.x0 <= box.x0 and box.x1 <= panel.x1
        assert panel.y0 <= box.y0 and box.y1 <= panel.y1


def test_table_shows_the_risk_table_counts_per_group(drawn, by_sex):
    _, figure = drawn
    _, table = _table_axes(figure)
    times = [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]
    expected = risk_tables(by_sex, times)
    labels = {round(tick, 6): label.get_text() for tick, label in
              zip(table.get_yticks(), table.get_yticklabels(), strict=True)}  # fmt: skip
    rows = ["at risk", "events", "censored"]
    assert [labels[-(1 + r)] for r in range(3)] == ["male: at risk", "events", "censored"]
    assert [labels[-(4 + r)] for r in range(3)] == ["female: at risk", "events", "censored"]
    shown = {(text.get_position()[1], text.get_position()[0]): text.get_text()
             for text in table.texts}  # fmt: skip
    for g, group in enumerate(["male", "female"]):
        part = expected[expected["group"] == group]
        for r, column in enumerate(["at_risk", "events", "censored"]):
            y = -(1 + 3 * g + r)
            got = [shown[(y, t)] for t in times]
            assert got == [f"{v:.0f}" for v in part[column]], (group, rows[r])


def test_risk_tables_stack_each_curves_table(by_sex):
    frame = risk_tables(by_sex, [0, 365])
    assert list(frame.columns) == ["group", "time", "at_risk", "events", "censored"]
    expected = pd.concat(
        [by_sex["male"].risk_table([0, 365]), by_sex["female"].risk_table([0, 365])],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(frame, expected)
    # counted from the data: R's lung has 138 men and 90 women at day 0
    assert frame["at_risk"].tolist()[::2] == [138.0, 90.0]


def test_one_curve_without_table_or_band_and_saved_png(tmp_path, by_sex):
    plot = kaplan_meier_plot(by_sex["male"], risk_table=False, band=False, time_label="Days")
    assert plot.labels.x == "Days" and plot.labels.y == "Survival probability"
    assert not any(type(layer.geom).__name__ == "geom_ribbon" for layer in plot.layers)
    assert type(plot.facet).__name__ == "facet_null"
    path = tmp_path / "km.png"
    plot.save(path, dpi=60, verbose=False)
    image = matplotlib.image.imread(path)
    assert image.shape[0] > 200 and image.shape[1] > 400


def test_default_times_are_round_numbers_within_follow_up(by_sex):
    figure = _drawn(kaplan_meier_plot(by_sex))
    _, table = _table_axes(figure)
    ticks = np.array(table.get_xticks())
    matplotlib.pyplot.close(figure)
    assert ticks[0] == 0 and ticks[-1] <= 1022 and 4 <= ticks.size <= 8
    assert np.allclose(np.diff(ticks), ticks[1] - ticks[0])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"curves": [1, 2]}, r"^kaplan_meier_plot: curves must be a KaplanMeier or a non-empty"),
        ({"curves": {}}, r"^kaplan_meier_plot: curves must be a KaplanMeier or a non-empty"),
        (
            {"curves": {"a": Weibull(1.0, 2.0)}},
            r"^kaplan_meier_plot: curves\['a'\] is a Weibull, not a KaplanMeier; pass model",
        ),
        (
            {"models": {"w": "weibull"}},
            r"^kaplan_meier_plot: models\['w'\] is a str, not a survival model",
        ),
        ({"times": [0, -5]}, r"^kaplan_meier_plot times: time -5 at position 1 is negative"),
        ({"times": [np.nan]}, r"^kaplan_meier_plot times: NaN at position 0"),
        ({"times": []}, r"^kaplan_meier_plot: times must be finite times >= 0, at least one"),
    ],
)
def test_bad_input_is_refused_in_one_line(by_sex, kwargs, message):
    kwargs = {"curves": by_sex, **kwargs}
    with pytest.raises(InputError, match=message) as caught:
        kaplan_meier_plot(kwargs.pop("curves"), **kwargs)
    assert "\n" not in str(caught.value)


def test_import_alsprog_stays_light_and_resolves_the_plot_lazily():
    import subprocess
    import sys

    from alsprog.plots import kaplan_meier as module

    assert alsprog.kaplan_meier_plot is module.kaplan_meier_plot
    code = "import sys, alsprog; assert 'plotnine' not in sys.modules, 'plotnine imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_model_named_like_a_curve_is_drawn_dashed_in_that_curves_colour(by_sex):
    from plotnine import geom_line

    model = Weibull(1.3, 420.0)
    plot = kaplan_meier_plot(by_sex, models={"male": model}, risk_table=False)
    lines = [layer for layer in plot.layers if isinstance(layer.geom, geom_line)]
    assert len(lines) == 1 and lines[0].geom.aes_params["linetype"] == "dashed"
    drawn = lines[0].geom.data
    assert set(drawn["curve"].astype(str)) == {"male"}
    np.testing.assert_allclose(drawn["survival"], model.survival(drawn["t"].to_numpy()))
    legend = next(s for s in plot.scales if "color" in s.aesthetics)
    assert list(legend.breaks) == list(by_sex)  # no legend entry of its own


def test_the_axis_ends_at_the_last_time_asked_for_and_marks_are_thinned():
    rng = np.random.default_rng(3)
    death = rng.exponential(5.0, 5000)
    censor = rng.uniform(0, 40, 5000)
    curve = alsprog.kaplan_meier(np.minimum(death, censor), death <= censor)
    plot = kaplan_meier_plot(curve, times=[0, 2, 4, 6])
    layers = {type(layer.geom).__name__: layer._data for layer in plot.layers}
    assert plot.data["t"].max() == pytest.approx(6.0)  # not the last follow-up near 40
    assert layers["geom_ribbon"]["t"].max() == pytest.approx(6.0)
    marks = layers["geom_point"]
    assert 0 < len(marks) <= 40 and marks["t"].max() <= 6.0
    assert int((curve.censored[curve.times <= 6] > 0).sum()) > 40  # so they were thinned
    assert plot.labels.y == "Survival probability"  # the y title on the left


def test_risk_table_counts_are_whole_numbers(by_sex):
    table = by_sex["male"].risk_table([0, 200, 400])
    for column in ("at_risk", "events", "censored"):
        assert table[column].dtype.kind == "i", column
    assert table["at_risk"].iloc[0] == 138  # lifelines' lung data: 138 men
