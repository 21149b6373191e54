"""Monetary figures in news: find them, normalise them, and say what they are for and whose.

Modules, each depending only on those above it:
- `find`: pure text, no spaCy: the money forms (`lexicon`, from the `money` lexicon and babel's
  ISO 4217 data), `parse_number`, `parse_spelled`, `local_dollar`, `find_amounts` (values,
  currencies, ranges, qualifiers, figures a results table compares).
- `cues`: the cue words of the purpose and role readers (`rules`) and the word classes they
  define (a figure's name, a part, a word for a time).
- `purpose`: `purpose_of`, the purpose cue nearest the amount along the parse.
- `phrases`: readers of the parse around an amount (the noun it prices, whose a figure or a
  part is, whom it goes to, the words naming a role).
- `context`: who a word stands for beyond its phrase (the linker's clusters, antecedents, a
  speaker's organisation), and `role_value`, a role's entity id or words.
- `roles`: `roles_of`, subject and payer, by the ordered `ROLE_RULES`.
- `component`: the `newsfacts_amounts` spaCy factory and `amount_facts(doc)`.

Generic dependency-parse readers shared with the other extractors live in `transforms.parse`.
"""
