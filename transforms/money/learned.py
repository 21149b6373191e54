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
from transforms.parties import choose_two, role_columns
from transforms.ranker import Ranker, load_folder
from transforms.schemas import PURPOSES

SHIPPED = Path(__file__).resolve().parents[2] / "models" / "newsfacts_amounts"
CHOOSERS = ("purpose", "subject", "payer")
# 5-fold harness on train.jsonl's training folds (payer right of 523, predicted; subject of
# 1,164): chosen apart 201 of 397, subject 621; power 0.25: 206 of 390, 625; 0.5: 208 of 394,
# 622; 1: 208 of 398, 623; 2: 212 of 412, 622; one party never for purposes under even odds:
# 195 of 358, 619. `newsfacts eval --folds 5 --choosers amounts` (payer, subject right of 593,
# 1,341): apart 213, 735; 0.25: 218, 736; 0.5: 219, 736; 1: 217, 733.
SAME_PARTY_POWER = 0.5


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
        subject, payer = choose_two(self.subject, self.payer, parties(x), self.same_party(purpose))
        return {"purpose": purpose, **role_columns("subject", subject), **role_columns("payer", payer)}

    def same_party(self, purpose: str) -> float:
        """How a subject and payer that are one party weigh against two, for `purpose`: the
        odds, from the training gold, that its subject pays (a fine's: mostly; a purchase's: the
        thing bought, seldom the buyer), to the power `SAME_PARTY_POWER`; 1 for a model trained
        without them."""
        counts = self.payer.meta.get("same_party")
        if not counts:
            return 1.0
        same, both = counts.get(purpose, (0, 0))
        rate = (same + 1) / (both + 2)
        return (rate / (1 - rate)) ** SAME_PARTY_POWER
