"""A small learned chooser: pick the best of a few candidates from their string features.

Extractors choose one of several candidates again and again (the subject of an amount among the
phrases around it, its purpose among the labels, the actor of a demand). Each candidate is
described by sparse string features ("dep_path=nsubj<pay", "purpose=fine|prep=by"), each worth
1, or by (name, value) pairs (a dimension of a word vector); the model is a conditional logit: a
weight per feature, a candidate's score is the sum of its features' weights times their values, and the candidates of one choice compete through a softmax. Training maximises the
probability of the right candidates (a choice may have several: two mentions of the same
entity), with an L2 penalty, by L-BFGS: deterministic, seconds on a few thousand choices.

Pure numpy/scipy; a model is a JSON file of non-zero weights, small and readable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import optimize, sparse

FORMAT = "newsfacts-ranker/1"


# A name worth 1, a (name, value) pair, or a (name, vector) pair: the vector's dimension i is
# the feature "name|i" (a word vector scores with one dot product).
Feature = str | tuple[str, float] | tuple[str, np.ndarray]


def _items(features: Sequence[Feature]):
    for f in features:
        if isinstance(f, str):
            yield f, 1.0
        elif isinstance(f[1], np.ndarray):
            yield from ((f"{f[0]}|{i}", float(v)) for i, v in enumerate(f[1]) if v)
        else:
            yield f


@dataclass(frozen=True)
class Choice:
    """One decision: its candidates' features and which candidates are right (training only)."""

    candidates: Sequence[Sequence[Feature]]
    right: frozenset[int] = frozenset()


@dataclass
class Ranker:
    """Weights per feature; `meta` records how the model was trained."""

    weights: dict[str, float] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    # vector name -> its weights; ("crossed", labels) -> `_crossed`'s table
    _dense: dict = field(default_factory=dict, repr=False, compare=False)

    def scores(self, candidates: Sequence[Sequence[Feature]]) -> list[float]:
        # The per-fact hot loop: string features (nearly all) are looked up inline, in order, so
        # the sums are the same floats as through _score.
        get, score = self.weights.get, self._score
        return [sum(get(f, 0.0) if type(f) is str else score(f) for f in feats) for feats in candidates]

    def _score(self, f: Feature) -> float:
        if type(f) is str:
            return self.weights.get(f, 0.0)
        name, value = f
        if type(value) is not np.ndarray:
            return self.weights.get(name, 0.0) * value
        dense = self._dense.get(name)
        if dense is None or len(dense) != len(value):
            dense = self._dense[name] = np.array([self.weights.get(f"{name}|{i}", 0.0) for i in range(len(value))])
        return float(dense @ value)

    def probabilities(self, candidates: Sequence[Sequence[Feature]]) -> list[float]:
        s = np.asarray(self.scores(candidates), dtype=float)
        if not len(s):
            return []
        e = np.exp(s - s.max())
        return list(e / e.sum())

    def best(self, candidates: Sequence[Sequence[Feature]]) -> int | None:
        """Index of the highest-scoring candidate (the first on ties), None when there are none."""
        s = self.scores(candidates)
        return max(range(len(s)), key=s.__getitem__) if s else None

    def label_scores(self, features: Sequence[Feature], labels: tuple[str, ...]) -> np.ndarray:
        """`scores(label_candidates(features, labels))`, the same floats, summed per feature as one
        vector of the labels' weights: a choice of label (a purpose, an event type) reads each
        feature once instead of once per label. Labels hold no "|"."""
        table = self._crossed(labels)
        rows = [table[""]]
        for f in features:
            if type(f) is str:
                w = table.get(f)
                if w is not None:  # (a feature no label knows adds 0.0: nothing to add)
                    rows.append(w)
            elif type(f[1]) is np.ndarray:  # a vector: one dot product per label, as `_score`
                rows.append(np.array([self._score((f"{label}|{f[0]}", f[1])) for label in labels]))
            elif (w := table.get(f[0])) is not None:
                rows.append(f[1] * w)
        # (a reduction over rows adds them one after the other, as `scores` adds features)
        return np.add.reduce(np.array(rows), axis=0)

    def _crossed(self, labels: tuple[str, ...]) -> dict[str, np.ndarray]:
        """{feature: its weight crossed with each label}, "" for the labels' own weights."""
        key = ("crossed", labels)
        if key not in self._dense:
            index = {label: k for k, label in enumerate(labels)}
            table = {"": np.zeros(len(labels))}
            for name, w in self.weights.items():
                label, _, feature = name.partition("|")
                if label in index:
                    table.setdefault(feature, np.zeros(len(labels)))[index[label]] = w
            self._dense[key] = table
        return self._dense[key]

    def save(self, path: Path) -> Path:
        kept = {f: round(v, 5) for f, v in sorted(self.weights.items()) if abs(v) >= 1e-5}
        path.write_text(json.dumps({"format": FORMAT, "meta": self.meta, "weights": kept},
                                   ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: Path) -> "Ranker":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: not a {FORMAT} model (format {data.get('format')!r})")
        return cls({f: float(v) for f, v in data["weights"].items()}, data.get("meta", {}))


def label_candidates(features: Sequence[Feature], labels: tuple[str, ...]) -> list[list[Feature]]:
    """One candidate per label, each feature crossed with it: a multinomial logit as a choice
    (the label's own weight, then "label|feature" for each feature)."""
    return [[label, *(f"{label}|{f}" if type(f) is str else (f"{label}|{f[0]}", f[1]) for f in features)]
            for label in labels]


def fit(choices: Iterable[Choice], *, l2: float = 1.0, min_count: int = 1,
        max_iter: int = 500) -> Ranker:
    """Train on the choices that have at least one right candidate.

    l2: the penalty on the squared weights (larger: smoother, less fitted to rare features).
    min_count: features seen in fewer candidates are dropped.
    """
    kept = [c for c in choices if c.right and len(c.candidates) > 0]
    if not kept:
        raise ValueError("no choice with a right candidate to learn from")
    vocab = _vocabulary(kept, min_count)
    x, starts, right = _matrix(kept, vocab)
    w0 = np.zeros(len(vocab))
    result = optimize.minimize(_loss, w0, args=(x, starts, right, l2), jac=True, method="L-BFGS-B",
                               options={"maxiter": max_iter})
    names = sorted(vocab, key=vocab.get)
    meta = {"choices": len(kept), "features": len(vocab), "l2": l2, "min_count": min_count,
            "loss": round(float(result.fun), 4), "converged": bool(result.success)}
    return Ranker(dict(zip(names, result.x.tolist())), meta)


def _vocabulary(choices: list[Choice], min_count: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in choices:
        for feats in c.candidates:
            for f in {f for f, _ in _items(feats)}:
                counts[f] = counts.get(f, 0) + 1
    return {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= min_count))}


def _matrix(choices: list[Choice], vocab: dict[str, int]):
    rows, cols, values, right, starts = [], [], [], [], [0]
    for c in choices:
        for k, feats in enumerate(c.candidates):
            row = starts[-1] + k
            for f, v in dict(_items(feats)).items():
                if f in vocab:
                    rows.append(row)
                    cols.append(vocab[f])
                    values.append(v)
            right.append(k in c.right)
        starts.append(starts[-1] + len(c.candidates))
    n = starts[-1]
    x = sparse.csr_matrix((values, (rows, cols)), shape=(n, len(vocab)))
    return x, np.asarray(starts[:-1]), np.asarray(right, dtype=bool)


def _loss(w, x, starts, right, l2):
    """Negative log-probability of the right candidates, and its gradient."""
    s = x @ w
    top = np.maximum.reduceat(s, starts)
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(s))))
    e = np.exp(s - top[group])
    z_all = np.add.reduceat(e, starts)
    z_right = np.add.reduceat(np.where(right, e, 0.0), starts)
    loss = float(np.sum(np.log(z_all) - np.log(z_right))) + 0.5 * l2 * float(w @ w)
    # d/ds: p(candidate) - p(candidate | right)
    d = e / z_all[group] - np.where(right, e / z_right[group], 0.0)
    return loss, x.T @ d + l2 * w


def load_folder(folder: Path, names: tuple[str, ...], what: str) -> tuple[list[Ranker], str]:
    """The models `names` of a model folder (`<name>.json` each) and a digest of their weights
    (what `extractor_version` records); a missing one is a clear error naming the command."""
    missing = [n for n in names if not (folder / f"{n}.json").is_file()]
    if missing:
        raise FileNotFoundError(f"{folder}: no trained {what} model ({', '.join(missing)}.json "
                                "missing); train one with `newsfacts train`")
    digest = hashlib.sha256(b"".join((folder / f"{n}.json").read_bytes() for n in names))
    return [Ranker.load(folder / f"{n}.json") for n in names], digest.hexdigest()[:12]


def save_folder(folder: Path, models: dict[str, Ranker], meta: dict) -> Path:
    """Write each model as `<name>.json` (its meta gaining `meta`'s seed and articles) and
    `meta.json`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, model in models.items():
        model.meta.update(seed=meta.get("seed"), articles=meta.get("articles"))
        model.save(folder / f"{name}.json")
    (folder / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return folder
