"""Demands: who asked whom for what, and what came of it (table `demands`).

Demands are read off the dependency parse (both label schemes: Universal Dependencies and
ClearNLP) as candidate readings, the hand-written finders' and the arguments of every demand
word and condition; a model trained on `train.jsonl` (`newsfacts train`) decides which are
demands and chooses their actor, addressee and category, trusting the finders' readings where
the corpus is thin. Cue words, frames and category words live in
`transforms/lexicons/demands.yaml`. Policy: a demand whose verb is negated or only possible
("did not demand", "could demand") is not one, and a demand with no likely actor is not
reported.

Modules, in the order the component uses them:
- `lexicon`: the demands lexicon as one frozen record.
- `clauses`: readings of the parse that need the lexicon (who can act, the subject of a clause
  as demands read it, whether a demand is asserted, a demand word used as a noun).
- `actors`: who: entity ids from the linker's clusters, role descriptions, named members of
  groups, pronouns, coordinated actors; else the words of the text.
- `demanded`: what: the `Demand` record; the demanded phrase's extent, its coordinated parts
  and its beneficiary.
- `verbs`, `nouns`, `obligations`: the finders: demand verbs by their lexicon frames, demand
  nouns, and reported obligations and conditions set on another party.
- `triggers`: runs the finders over the document and keeps one reading per stretch of text.
- `candidates`: the other readings: every argument of a demand word, every condition.
- `unstated`: actors and addressees a demand leaves unstated, from the story around it.
- `category`: the kind of demand.
- `status`: replies and what they settle, across sentences, with their hedges; a thing of the
  kind asked for obtained later.
- `features`: what the learned choosers see of a reading and of its candidate parties.
- `learned`: the trained choosers (`DemandModel`) and how they decide.
- `train`: the trainer (`newsfacts train --component newsfacts_demands`), registered for
  cross-validation.
- `component`: the `newsfacts_demands` spaCy component, which sets the facts on the Doc.
"""
