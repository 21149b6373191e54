"""The trained choosers of purpose, subject and payer (`transforms.money.train` fits them).

A model folder holds `purpose.json`, `subject.json` and `payer.json` (`transforms.ranker`
models) and, where trained with them, the anaphora resolver's `coref.json` (`transforms.coref`);
the shipped one is `models/newsfacts_amounts/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from transforms.coref import COREF, Resolver
from transforms.money.features import AmountView, parties, purpose_features
from transforms.parties import choose, role_columns
from transforms.ranker import Ranker, load_folder
from transforms.schemas import PURPOSES

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "newsfacts_amounts"
CHOOSERS = ("purpose", "subject", "payer")


@dataclass(frozen=True)
class AmountModel:
    purpose: Ranker
    subject: Ranker
    payer: Ranker
    digest: str  # what `extractor_version` records of these weights
    coref: Resolver | None = None  # the anaphora resolver trained with them (`transforms.coref`)

    @classmethod
    def load(cls, folder: Path | str | None = None) -> "AmountModel":
        folder = Path(folder) if folder else SHIPPED
        # (the resolver's weights count in the digest: they change what the rules read)
        shipped = (folder / f"{COREF}.json").is_file()
        models, digest = load_folder(folder, CHOOSERS + ((COREF,) if shipped else ()), "amounts")
        return cls(*models[:len(CHOOSERS)], digest, Resolver(models[-1]) if shipped else None)

    def decide(self, x: AmountView) -> dict:
        """The purpose and the roles' columns of one amount."""
        purpose = PURPOSES[int(np.argmax(self.purpose.label_scores(purpose_features(x), PURPOSES)))]
        x.purpose = purpose
        found = parties(x)
        return {"purpose": purpose, **role_columns("subject", choose(self.subject, found)),
                **role_columns("payer", choose(self.payer, found))}
