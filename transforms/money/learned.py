"""The trained choosers of purpose, subject and payer (`transforms.money.train` fits them).

A model folder holds `purpose.json`, `subject.json` and `payer.json` (`transforms.ranker`
models); the shipped one is `models/newsfacts_amounts/`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from transforms.money.features import AmountView, parties, purpose_candidates
from transforms.parties import choose, role_columns
from transforms.ranker import Ranker
from transforms.schemas import PURPOSES

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "newsfacts_amounts"
CHOOSERS = ("purpose", "subject", "payer")


@dataclass(frozen=True)
class AmountModel:
    purpose: Ranker
    subject: Ranker
    payer: Ranker
    digest: str  # what `extractor_version` records of these weights

    @classmethod
    def load(cls, folder: Path | str | None = None) -> "AmountModel":
        folder = Path(folder) if folder else SHIPPED
        missing = [c for c in CHOOSERS if not (folder / f"{c}.json").is_file()]
        if missing:
            raise FileNotFoundError(f"{folder}: no trained amounts model ({', '.join(missing)}.json "
                                    "missing); train one with `newsfacts train`")
        digest = hashlib.sha256(b"".join((folder / f"{c}.json").read_bytes() for c in CHOOSERS))
        return cls(*(Ranker.load(folder / f"{c}.json") for c in CHOOSERS), digest.hexdigest()[:12])

    def decide(self, x: AmountView) -> dict:
        """The purpose and the roles' columns of one amount."""
        purpose = PURPOSES[self.purpose.best(purpose_candidates(x, PURPOSES))]
        x.purpose = purpose
        found = parties(x)
        return {"purpose": purpose, **role_columns("subject", choose(self.subject, found)),
                **role_columns("payer", choose(self.payer, found))}
