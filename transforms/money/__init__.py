"""Monetary figures in news: find them, normalise them, and say what they are for and whose.

Modules, each depending only on those above it:
- `currency`: pure text, no spaCy: which currency a shared currency word ("pesos", "francs")
  or dollar sign means in a story (the countries it names, its dateline, its date).
- `find`: pure text, no spaCy: the money forms (`lexicon`, from the `money` lexicon and babel's
  ISO 4217 data), `parse_number`, `parse_spelled`, `local_dollar`, `find_amounts` (values,
  currencies, ranges, qualifiers, figures a results table compares, scaled figures that take the
  currency of the amount before them).
- `cues`: the cue words of the purpose and role readers (`rules`) and the word classes they
  define (a figure's name, a part, a word for a time).
- `purpose`: `purpose_of`, the purpose cue nearest the amount along the parse.
- `phrases`: readers of the parse around an amount (the noun it prices, whose a figure or a
  part is, whom it goes to, the words naming a role).
- `context`: who a word stands for beyond its phrase (the linker's clusters, antecedents, a
  speaker's organisation), and `role_value`, a role's entity id or words.
- `roles`: `roles_of`, subject and payer, by the ordered `ROLE_RULES`: hand-written readings
  the learned choosers weigh as features.
- `features`: what the learned choosers see: the candidate parties around an amount and the
  features of each, the context features of its purpose.
- `learned`: `AmountModel`, the trained purpose, subject and payer choosers.
- `component`: the `newsfacts_amounts` spaCy factory, `amount_views(doc)` and
  `amount_facts(doc, model)`.
- `train`: fits `AmountModel` on gold articles (`newsfacts train`, and each cross-validation
  fold through `evaluation.trainable`).

Generic dependency-parse readers shared with the other extractors live in `transforms.parse`;
the candidate parties and the chooser's decision, shared with demands, in `transforms.parties`.
"""
