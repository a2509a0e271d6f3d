"""Every random stream of the simulation, in one place: spawn keys and the one counter-based hash.

The streams below are part of the output contract: the same seed gives the same cohort, trial
and power table, byte for byte, only while every draw comes from the stream listed here, in
the order listed. Changing a key, an order or the hash changes every output.

Cohorts (``simulate_cohort``, the edaravone selection), block b of seed s:

- ``SeedSequence(s, spawn_key=(b, 0))``, PCG64: the demographic stream, read by
  ``Population.sample`` for the whole block (sex, age at onset, diagnosis delay), started
  afresh for each population a block's phenotypes use (so they share their draws);
- ``(b, 1)``, PCG64: the patient stream, a whole block of each in this order (the names of
  ``BLOCK_DRAWS``): the phenotype's uniform, the site's, the disease and other-cause Exp(1)
  draws, the progression rate's normal, the dropout Exp(1) draw;
- ``(b, 2)``: one 64-bit key, the block's visit-noise key (``hashed_normal`` below);
- ``(b, 6)``, PCG64: the course stream, the draws of the progression-clock course in the
  order of ``progression_settings.DRAWS`` (``COURSE_DRAWS``), each a whole block of shape
  (patients, columns) (a uniform: ``random``, a normal: ``standard_normal``), cut to the
  patients needed;
- a stream is read as if the whole block were drawn, but only the patients needed are kept:
  the uniforms past them are skipped (PCG64's ``advance``), the exponentials and normals past
  them drawn and dropped (``first_of``), the same numbers bit for bit;
- ``(b, 4)``, PCG64: the edaravone selection's screening times (``outcomes.course_measures``);
- ``(b, 5)``, PCG64: with a fitted regression and a covariates frame, one uniform per patient
  of the whole block, choosing the patient's covariate row (``regression_source``).

Trials (``simulate_trial``, ``power``), a trial seeded by the SeedSequence r (replicate i of
``power(design, R, seed)`` is ``SeedSequence(seed, spawn_key=(i,))``; cell i of ``run_grid``
is ``SeedSequence(seed, spawn_key=(i,))``):

- ``(*r.spawn_key, TRIAL_STREAM, 0)``, SFC64: the candidates' uniforms, CANDIDATE_UNIFORMS
  rows per candidate, drawn in whole blocks of ``CANDIDATES_PER_DRAW`` candidates;
- ``(*r.spawn_key, TRIAL_STREAM, 1)``: two 64-bit keys, the draw key and the visit key;
- ``SeedSequence(0, spawn_key=(TRIAL_STREAM, 99))``: the pilot screening that sizes a
  design's first round (the same for every seed).

Counter-based draws (``hashed_uniform``: SplitMix64 of key ^ index * GOLDEN ^ stream * STREAM,
the top 53 bits plus a half, times 2**-53, so never 0 or 1):

- a screened candidate's draws, keyed by the trial's draw key and the candidate's index, one
  stream per name in ``HASHED`` (its position there is the stream number), then the course's
  draws (``COURSE_DRAWS``, in their order, one stream per column, from stream
  ``COURSE_STREAM_BASE`` on: ``course_streams``);
- visit noise, keyed by the visit key (a trial's) or the block's key (a cohort's), indexed by
  the patient's place, the stream number being visit * 12 + item (ITEMS order).

A counter-based draw depends only on its key, index and stream, never on how many draws came
before, so a treated and an untreated patient share every draw.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from scipy.special import ndtri

from alsprog.simulation.progression_settings import DRAWS

COURSE_DRAWS = DRAWS  # name -> (kind, columns), in drawing order: part of the contract

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MIX_1, MIX_2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
STREAM = np.uint64(0xD1B54A32D192ED03)

TRIAL_STREAM = 3  # spawn_key (..., 3, k): a trial's sources; 0-2, 4-6 are a cohort block's
SELECTION_STREAM = 4  # spawn_key (block, 4): the edaravone selection's screening times
ROW_STREAM = 5  # spawn_key (block, 5): a regression cohort's covariate-row uniforms
COURSE_STREAM = 6  # spawn_key (block, 6): the progression-clock course's draws
COURSE_STREAM_BASE = 16  # hashed streams 16, 17, ...: a trial candidate's course draws
PILOT_SPAWN_KEY = (TRIAL_STREAM, 99)
CANDIDATE_UNIFORMS = 8  # per candidate: screen, phenotype, site, 2 for normals, sex, 2 deaths
CANDIDATES_PER_DRAW = 512  # trial candidates drawn together: (CANDIDATE_UNIFORMS, 512)
SCRATCH = 16_384  # draws skipped at a time by ``first_of`` (a buffer that stays in cache)

BLOCK_DRAWS = (  # the patient stream of a cohort block, in drawing order (see above)
    "u_phenotype",
    "u_site",
    "e_disease",
    "e_other",
    "z_rate",
    "e_dropout",
)
HASHED = (  # a screened trial candidate's counter-based draws: stream = position here
    "z_rate",
    "u_arm",
    "u_accrual",
    "e_dropout",
)


def block_generators(seed: int, block: int) -> tuple[np.random.Generator, np.random.Generator, int]:
    """Cohort block ``block``'s demographic and course streams, and its 64-bit visit key."""
    demographic = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, 0)))
    course = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, 1)))
    key = int(np.random.SeedSequence(seed, spawn_key=(block, 2)).generate_state(1, np.uint64)[0])
    return demographic, course, key


def block_draws(rng: np.random.Generator, size: int, count: int) -> dict[str, np.ndarray]:
    """The patient stream's ``BLOCK_DRAWS``, as if ``size`` of each were drawn (a whole
    block), the first ``count`` kept (see ``first_of``)."""
    return {name: first_of(rng, name[0], size, count) for name in BLOCK_DRAWS}


def demographic_draws(rng: np.random.Generator, size: int, count: int) -> np.ndarray:
    """The demographic stream's three uniforms a patient (``Population.sample``: a whole
    block of sex, then of each Box-Muller uniform), shape (3, count): the first ``count`` of
    each row of ``rng.random((3, size))``."""
    return np.stack([first_of(rng, "u", size, count) for _ in range(3)])


def first_of(
    rng: np.random.Generator, kind: str, size: int, count: int, columns: int = 1
) -> np.ndarray:
    """The first ``count`` rows of a whole block of ``size`` rows of ``columns`` draws of
    ``kind`` ('u' uniform, 'e' exponential, 'z' normal; shape (count,) for one column),
    leaving ``rng`` where the whole block would have left it, bit for bit.

    A uniform uses one 64-bit output of the generator, so the rest of the block is skipped
    by ``advance``; the exponential and normal ziggurats use a varying number, so the rest is
    drawn in chunks into a scratch buffer and dropped (a draw never depends on how the draws
    before it were grouped into calls).
    """
    shape = (count,) if columns == 1 else (count, columns)
    if kind == "u":
        values = rng.random(shape)
        if count < size:
            cast(np.random.PCG64, rng.bit_generator).advance((size - count) * columns)  # PCG64
        return values
    draw = rng.standard_exponential if kind == "e" else rng.standard_normal
    values = draw(shape)
    rest = (size - count) * columns
    scratch = np.empty(min(rest, SCRATCH))
    while rest > 0:
        step = min(rest, SCRATCH)
        draw(out=scratch[:step])
        rest -= step
    return values


def course_generator(seed: int, block: int) -> np.random.Generator:
    """The course stream of cohort block ``block``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, COURSE_STREAM)))


def course_block_draws(rng: np.random.Generator, size: int, count: int) -> dict[str, np.ndarray]:
    """The course stream's ``COURSE_DRAWS``, as if a whole block of ``size`` patients each
    were drawn, the first ``count`` kept (shape (count,) for one column, (count, columns)
    otherwise; see ``first_of``)."""
    return {
        name: first_of(rng, "u" if kind == "uniform" else "z", size, count, columns)
        for name, (kind, columns) in COURSE_DRAWS.items()
    }


def course_streams() -> dict[str, np.ndarray]:
    """Each course draw's hashed stream numbers, one per column (``COURSE_STREAM_BASE`` on)."""
    out, stream = {}, COURSE_STREAM_BASE
    for name, (_, columns) in COURSE_DRAWS.items():
        out[name] = np.arange(stream, stream + columns, dtype=np.uint64)
        stream += columns
    return out


def hashed_course_draws(key: np.ndarray, position: np.ndarray) -> dict[str, np.ndarray]:
    """A screened trial candidate's course draws (``COURSE_DRAWS``), counter-based: keyed by
    the trial's draw key and the candidate's index, so they do not depend on the others."""
    key, position = np.asarray(key, np.uint64), np.asarray(position, np.uint64)
    out = {}
    for name, streams in course_streams().items():
        kind, columns = COURSE_DRAWS[name]
        u = hashed_uniform(key[:, None], position[:, None], streams[None, :])
        values = u if kind == "uniform" else ndtri(u)
        out[name] = values[:, 0] if columns == 1 else values
    return out


def selection_generator(seed: int, block: int) -> np.random.Generator:
    """The edaravone selection's screening-time stream of cohort block ``block``."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, SELECTION_STREAM)))


def row_generator(seed: int, block: int) -> np.random.Generator:
    """The covariate-row stream of cohort block ``block`` (a regression's covariates frame)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block, ROW_STREAM)))


def trial_streams(
    seed: int | np.random.SeedSequence,
) -> tuple[np.random.Generator, np.uint64, np.uint64]:
    """A trial's candidate generator (SFC64), draw key and visit key, from its seed (an int
    >= 0 or a SeedSequence, used as given)."""
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)

    def child(k: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, TRIAL_STREAM, k))

    keys = child(1).generate_state(2, np.uint64)
    return np.random.Generator(np.random.SFC64(child(0))), keys[0], keys[1]


def pilot_seed() -> np.random.SeedSequence:
    """The seed of the pilot screening that sizes every design's first round."""
    return np.random.SeedSequence(0, spawn_key=PILOT_SPAWN_KEY)


def hashed_uniform(key: object, index: object, stream: object) -> np.ndarray:
    """Uniform draws on (0, 1) from a SplitMix64 hash of (key, index, stream), elementwise.

    key, index, stream : uint64 arrays or numbers (broadcastable). The one counter-based hash
    of alsprog: every hashed draw is a transform of it.
    """
    with np.errstate(over="ignore"):
        z = np.asarray(index, dtype=np.uint64) * GOLDEN ^ np.asarray(key, dtype=np.uint64)
        z = z ^ (np.asarray(stream, dtype=np.uint64) * STREAM)  # broadcast to the full shape
        z += GOLDEN
        z ^= z >> np.uint64(30)
        z *= MIX_1
        z ^= z >> np.uint64(27)
        z *= MIX_2
        z ^= z >> np.uint64(31)
    return ((z >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53


def hashed_normal(key: object, index: object, stream: object) -> np.ndarray:
    """Standard normal draws (the normal quantile of ``hashed_uniform``)."""
    return ndtri(hashed_uniform(key, index, stream))


def hashed_exponential(key: object, index: object, stream: object) -> np.ndarray:
    """Standard exponential draws (-log of ``hashed_uniform``)."""
    return -np.log(hashed_uniform(key, index, stream))


def hashed(key: object, position: object, name: str) -> np.ndarray:
    """A screened candidate's draw ``name`` (z_: normal, e_: exponential, u_: uniform), from
    stream ``HASHED.index(name)``."""
    stream = HASHED.index(name)
    draw = {"z": hashed_normal, "e": hashed_exponential}.get(name[0], hashed_uniform)
    return draw(key, position, stream)
