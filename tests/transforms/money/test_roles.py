import pytest

from transforms.entities.linking import cluster_id, entity_id

from tests.transforms.money.helpers import parsed, rule_facts_of, rule_rows, ud

# The hand-written rules' readings (`roles_of`), features of the learned choosers.


def test_roles_and_purpose_from_the_parse():
    doc = parsed(["The", "Fund", "will", "lend", "Kenya", "$", "2bn", "."],
                 [True, True, True, True, True, False, False, False],
                 [1, 3, 3, 3, 3, 3, 5, 3],
                 ["det", "nsubj", "aux", "ROOT", "dative", "dobj", "nummod", "punct"],
                 ["DET", "PROPN", "AUX", "VERB", "PROPN", "SYM", "NUM", "PUNCT"],
                 ["the", "Fund", "will", "lend", "Kenya", "$", "2bn", "."],
                 [(1, 2, "ORG"), (4, 5, "GPE")])
    [row] = rule_rows(doc)
    assert (row["text"], row["purpose"]) == ("$2bn", "loan")
    assert row["payer_entity_id"] == entity_id("ORG", "Fund")
    assert row["subject_entity_id"] == entity_id("GPE", "Kenya")
    assert row["payer_text"] is None and row["subject_text"] is None


def test_the_passive_subject_of_a_penalty_pays_it():
    doc = parsed(["Halvorsen", "was", "fined", "$", "40,000", "."],
                 [True, True, True, False, False, False],
                 [2, 2, 2, 2, 3, 2],
                 ["nsubjpass", "auxpass", "ROOT", "dobj", "nummod", "punct"],
                 ["PROPN", "AUX", "VERB", "SYM", "NUM", "PUNCT"],
                 ["Halvorsen", "be", "fine", "$", "40,000", "."],
                 [(0, 1, "ORG")])
    [row] = rule_rows(doc)
    assert (row["value"], row["purpose"]) == (40000, "fine")
    assert row["payer_entity_id"] == row["subject_entity_id"] == entity_id("ORG", "Halvorsen")


# Hand-parsed news sentences in Universal Dependencies (the bundled pipeline's scheme).
ROLE_CASES = [
    # a figure the money counts is the article's company's, even with its verb read as an adjective
    ("""Acme 1 nsubj PROPN
reported 3 amod VERB report
net 3 compound ADJ
income 3 ROOT NOUN
of 5 case ADP
$ 3 nmod SYM
26 7 compound NUM
million 5 nummod NUM
. 3 punct PUNCT""", [(0, 1, "ORG")], "$26 million", ("ORG", "Acme"), None),
    # a conversion read as the object of "pay" is the same money, not what it is paid for
    ("""Acme 2 nsubj PROPN
will 2 aux AUX
pay 2 ROOT VERB pay
400m 4 nummod NUM
yuan 2 iobj NOUN
( 6 punct PUNCT
$ 2 obj SYM
58m 6 nummod NUM
) 6 punct PUNCT
once 12 mark SCONJ
the 11 det DET
board 12 nsubj NOUN
approves 2 advcl VERB approve
. 2 punct PUNCT""", [(0, 1, "ORG")], "400m yuan", ("ORG", "Acme"), ("ORG", "Acme")),
    # a demonym describes the noun it modifies: the phrase is the subject, not "Venezuelan"
    ("""London 1 nsubj PROPN
offered 1 ROOT VERB offer
$ 5 compound SYM
5 4 compound NUM
million 2 nummod NUM
rewards 1 obj NOUN reward
for 10 case ADP
several 10 amod ADJ
senior 10 amod ADJ
Colombian 10 amod ADJ
officials 5 nmod NOUN official
. 1 punct PUNCT""", [(0, 1, "GPE"), (9, 10, "NORP")], "$5 million",
     ("text", "several senior Colombian officials"), ("GPE", "London")),
    # a participle in between does not hide the clause's verb and its subject, the payer
    ("""Bogota 1 nsubj PROPN
raised 1 ROOT VERB raise
the 3 det DET
reward 1 obj NOUN
for 5 case ADP
information 3 nmod NOUN
leading 5 acl VERB lead
to 10 case ADP
Ortega 10 nmod:poss PROPN
's 8 case PART
arrest 6 obl NOUN
to 12 case ADP
$ 6 obl SYM
3 14 compound NUM
million 12 nummod NUM
. 1 punct PUNCT""", [(0, 1, "GPE"), (8, 9, "PERSON")], "$3 million",
     ("PERSON", "Ortega"), ("GPE", "Bogota")),
    # a relative pronoun stands for the noun its clause modifies
    ("""The 1 det DET
shortfall 9 nsubj NOUN
, 4 punct PUNCT
which 4 nsubj PRON
reached 1 acl:relcl VERB reach
$ 4 obj SYM
40 7 compound NUM
billion 5 nummod NUM
, 4 punct PUNCT
fell 9 ROOT VERB fall
. 9 punct PUNCT""", [], "$40 billion", ("text", "The shortfall"), None),
    # an infinitive shares its subject with the verb above; a borrower's lender pays
    ("""Kenya 1 nsubj PROPN
agreed 1 ROOT VERB agree
to 3 mark PART
borrow 1 xcomp VERB
$ 3 obj SYM
2bn 4 nummod NUM
from 8 case ADP
the 8 det DET
Fund 3 obl PROPN
. 1 punct PUNCT""", [(0, 1, "GPE"), (8, 9, "ORG")], "$2bn", ("GPE", "Kenya"), ("ORG", "Fund")),
    # ... unless the verb above lends its object ("asked Bolt to repay")
    ("""Acme 1 nsubj PROPN
asked 1 ROOT VERB ask
Bolt 1 obj PROPN
to 4 mark PART
repay 1 xcomp VERB
a 8 det DET
$ 8 compound SYM
300m 6 nummod NUM
loan 4 obj NOUN
. 1 punct PUNCT""", [(0, 1, "ORG"), (2, 3, "ORG")], "$300m", ("ORG", "Bolt"), ("ORG", "Bolt")),
    # a claim: the claimant is the subject, the one sued pays; a demonym is no payer
    ("""Acme 1 nsubj PROPN
sued 1 ROOT VERB sue
the 4 det DET
Polish 4 amod ADJ
government 1 obj NOUN
for 6 case ADP
$ 1 obl SYM
2bn 6 nummod NUM
. 1 punct PUNCT""", [(0, 1, "ORG"), (3, 4, "NORP")], "$2bn",
     ("ORG", "Acme"), ("text", "the Polish government")),
    # money as a passive subject goes to what "to" introduces
    ("""A 3 det DET
further 3 amod ADJ
20m 3 nummod NUM
euros 6 nsubj:pass NOUN euro
will 6 aux AUX
be 6 aux:pass AUX
made 6 ROOT VERB make
available 6 xcomp ADJ
to 10 case ADP
dairy 10 compound NOUN
cooperatives 6 obl NOUN cooperative
. 6 punct PUNCT""", [], "20m euros", ("text", "dairy cooperatives"), None),
    # a figure's own name gives way to its owner: a segment named in front of the clause
    ("""In 3 case ADP
the 3 det DET
plastics 3 compound NOUN plastic
division 6 obl NOUN
, 3 punct PUNCT
profit 6 nsubj NOUN
rose 6 ROOT VERB rise
to 8 case ADP
$ 6 obl SYM
90 10 compound NUM
million 8 nummod NUM
. 6 punct PUNCT""", [], "$90 million", ("text", "the plastics division"), None),
    # ... or, with no owner in sight, the company the article is about
    ("""Acme 1 nsubj PROPN
said 1 ROOT VERB say
sales 3 nsubj NOUN
rose 1 ccomp VERB rise
to 5 case ADP
$ 3 obl SYM
4.2 7 compound NUM
billion 5 nummod NUM
. 1 punct PUNCT""", [(0, 1, "ORG")], "$4.2 billion", ("ORG", "Acme"), None),
    # "the company" is the article's company
    ("""Acme 1 nsubj PROPN
said 1 ROOT VERB say
the 3 det DET
company 4 nsubj NOUN
earned 1 ccomp VERB earn
$ 4 obj SYM
130 7 compound NUM
million 5 nummod NUM
. 1 punct PUNCT""", [(0, 1, "ORG")], "$130 million", ("ORG", "Acme"), None),
]


def _actor_id(doc, label, text):
    """The id of the linker's cluster the entity `text` of the document names ("London" offering
    a reward is the United Kingdom's government)."""
    ent = next(e for e in doc.ents if (e.label_, e.text) == (label, text))
    return cluster_id(ent) or entity_id(label, text)


@pytest.mark.parametrize("sentence, ents, amount, subject, payer", ROLE_CASES)
def test_roles_on_news_sentence_shapes(sentence, ents, amount, subject, payer):
    doc = parsed(*ud(sentence), ents)
    [row] = [r for r in rule_rows(doc) if r["text"] == amount]
    for prefix, expected in (("subject", subject), ("payer", payer)):
        got = (row[f"{prefix}_entity_id"], row[f"{prefix}_text"])
        if expected is None:
            assert got == (None, None), prefix
        elif expected[0] == "text":
            assert got == (None, expected[1]), prefix
        else:
            assert got == (_actor_id(doc, *expected), None), prefix



# Invented newswire sentences, parsed by the shipped pipeline.

@pytest.mark.parametrize("text, subject", [
    # "sales" (lemma "sale") names a figure as much as "revenue" does: the article's company's
    ("Orlen Steel Corp. makes pipes. Sales grew 7% to $2.6 billion in the year.", "Orlen Steel Corp."),
    # a copular clause has no verb above the amount; "in the second quarter" says when, not whose
    ("Orlen Steel Corp. makes pipes. Sales in the second quarter were $2.6 billion.", "Orlen Steel Corp."),
    # a company described by its home town is the article's company
    ("Orlen Steel Corp. makes pipes. The Pittsburgh, Pa., company reported net income of $40 million.",
     "Orlen Steel Corp."),
    # the possessor of the amount is whose money it is
    ("Orlen Steel Corp. makes pipes. The strike hits a tenth of the firm's 12.5 billion dlrs in "
     "yearly sales.", "Orlen Steel Corp."),
    # a plural description is not the article's one company
    ("Orlen Steel cut jobs. The three banks have received $5 billion in state loans.", "The three banks"),
])
def test_whose_figure_it_is(nlp, text, subject):
    [row] = rule_facts_of(nlp, text)
    assert row[2] == subject


def test_this_sum_is_the_money_named_before(nlp):
    rows = rule_facts_of(nlp, "The merger would save the council £12m a year, officials said. That sum is "
                       "roughly $15 million at market rates.")
    assert [r[2] for r in rows] == ["the council", "the council"]


def test_an_earlier_figure_compared_with_is_the_same_figure_s(nlp):
    rows = rule_facts_of(nlp, "Net profit was $186m (£98m; 143m euros) in the quarter, compared with $1.13bn "
                       "in the same period in 2003.")
    assert [r[2] for r in rows] == ["Net profit"] * 4


def test_a_results_table_line_is_the_article_s_company(nlp):
    rows = rule_facts_of(nlp, "Halvorsen Corp said fourth quarter results improved.\n\nShr 1.41 dlrs vs 80 cts\n\n"
                       "Net 138.20 mln dlrs vs 87.80 mln\n")
    assert [(r[0], r[1], r[2]) for r in rows] == [
        (amount, "revenue", "Halvorsen Corp") for amount in ("1.41 dlrs", "80 cts", "138.20 mln dlrs", "87.80 mln")]


def test_a_year_says_when_not_whose(nlp):
    rows = rule_facts_of(nlp, "Halvorsen Corp. makes boots. Pre-tax profit for 2004 was £15.4m ($29.4m).")
    assert [r[2] for r in rows] == ["Halvorsen Corp.", "Halvorsen Corp."]


def test_the_dateline_place_is_no_actor(nlp):
    rows = rule_facts_of(nlp, "DENVER, May 2 - The strike will delay repayment of its 2 billion dlr debt, "
                       "Halvorsen Corp. said.")
    assert [r[2:] for r in rows] == [("Halvorsen Corp.", "Halvorsen Corp.")]


def test_which_on_a_verb_is_the_noun_right_before_it(nlp):
    rows = rule_facts_of(nlp, "The tender went to Ostrava, which offered $31 a share and kept the board.")
    assert [r[3] for r in rows] == ["Ostrava"]


@pytest.mark.parametrize("text, subject, payer", [
    # what the amount itself is for, or what a participle on it spends it on
    ("Finance Minister Ana Ruiz said she would set aside $500m for flood defences.",
     "flood defences", "Ana Ruiz"),
    ("Critics contrasted it with the £80m needed for the new bypass.", "the new bypass", None),
    # a long phrase keeps its head and loses its last modifiers; a possessor of what is not
    # money is part of the phrase, not the subject
    ("Critics contrasted it with the £80m needed for Scotland's share of the cost of the new "
     "northern bypass.", "Scotland's share", None),
    # what a figure prices is what the money concerns; a buyer's possessive pays
    ("The charity has urged wealthy donors to fund a $4bn plan to fight malaria.", "plan", "wealthy donors"),
    ("The army will review a dozen contracts worth $2bn.", "a dozen contracts", None),
    ("The auditors questioned the navy's $30 billion frigate contract.", "frigate contract", "the navy"),
    # ... unless the clause's subject is a party to it
    ("Halvorsen Industries Inc. lost a $3bn defence contract last year.", "Halvorsen Industries Inc.", None),
    # what a deal is for, whatever words stand in front of "deal"; a loan's lender pays
    ("A $2 billion rescue package deal for dairy farmers was blocked by parliament.", "dairy farmers", None),
    ("Lawmakers blocked a $2 billion loan deal with the bank.", "Lawmakers", "the bank"),
    ("Kenya's new $1bn credit line from the World Bank was approved in March.", "Kenya", "World Bank"),
    # a buyer's possessive on the deal, wherever the parser hangs it
    ("Ostrava Holdings Corp. finalised its $700 million acquisition of Halvorsen Corp. last week.",
     "Halvorsen Corp.", "Ostrava Holdings Corp."),
    # money's noun given to someone by a participle goes to them
    ("The ministry cancelled $2bn worth of contracts awarded to local builders.", "local builders", None),
    # a part of a company bought concerns the company
    ("Ostrava Holdings agreed to buy a 20% stake in Halvorsen Corp. for $2 billion.",
     "Halvorsen Corp.", "Ostrava Holdings"),
    ("Ostrava Holdings paid $300 million for the shipping unit of Halvorsen Corp.",
     "Halvorsen Corp.", "Ostrava Holdings"),
    # whose debt it is owes it
    ("Argentina's $95 billion foreign debt is owed mostly to private banks.", "Argentina", "Argentina"),
    ("Halvorsen Corp. has stopped servicing its $800 million debt.", "Halvorsen Corp.", "Halvorsen Corp."),
    ("Chile will restructure its loans, the finance minister said. The government would seek to "
     "refinance the 2 billion dlr portion of the debt held by foreign banks.", "Chile", "Chile"),
    # "the Dutch government" is the Netherlands', not the article's most named country ...
    ("The United States has pledged support. Halvorsen Corp. said the Dutch government would lend "
     "it $2 million.", "Halvorsen Corp.", "the Dutch government"),
    # ... and the country itself where the article names it
    ("Russia denies the claims. Halvorsen Corp. has sued the Russian government for $3bn over the "
     "seizure.", "Halvorsen Corp.", "Russia"),
    # money made available to someone goes to them
    ("Another $20m is to be made available to small farmers.", "small farmers", None),
    # the possessor of money is whose money it is
    ("Portugal's $2bn loan was approved on Monday.", "Portugal", None),
    # "from" after a verb of receiving names the payer, hung on the money's phrase or a time word
    ("Halvorsen had already received $1.5 million in bridge financing from the German government.",
     "Halvorsen", "the German government"),
    ("Peru is seeking between 437 and 450 mln dlrs in loans this year from multilateral "
     "organisations and foreign governments.", "Peru", "multilateral organisations"),
])
def test_subject_and_payer_on_newswire_sentences(nlp, text, subject, payer):
    [row] = rule_facts_of(nlp, text)
    assert row[2:] == (subject, payer)


@pytest.mark.parametrize("text, subject", [
    # the owner of a figure named above the amount, even when the parser hangs "a share" apart
    ("Brokers expect 2025 Halvorsen earnings in the region of $2.10 a share.", "Halvorsen"),
    # whom money is spared or lost by
    ("The merger would save the council £12m a year, officials said.", "the council"),
    # a present participle on an actor has that actor as its subject
    ("Shipyards struggled last year, with the Halvorsen Marine Company posting a $900 million loss.",
     "Halvorsen Marine Company"),
    # what an estimate puts at the amount, through the value of it
    ("Analysts estimate the value of the Ostrava offer at about $40 to $45 a share.", "the Ostrava offer"),
    # a copular clause under a verb of saying: the money is its subject's, not the speaker's
    ("The budget deficit is about $40bn this year, the minister said.", "The budget deficit"),
    ("\"Halvorsen's cash flow is at a healthy rate of about 12 dlrs per share annually,\" Doyle said.",
     "Halvorsen's cash flow"),
    # a figure reported for a part of the company is the part's, wherever the parser hangs it
    ("In the pharmaceuticals segment, which includes vaccines, profit rose to $52 million.",
     "the pharmaceuticals segment"),
    # parts nest: the value of a holding is the holder's, a company's stock the company's
    ("Ostrava Corp. said the value of its Halvorsen shareholding had fallen to $2.1bn since 2019.",
     "Ostrava Corp."),
    ("Shares of Halvorsen Corp. rose $1.50 a share on the Nasdaq yesterday.", "Halvorsen Corp."),
    # a loan is the borrower's, whoever is asked to repay it
    ("Zenco Corp. has asked Halvorsen to repay a $900m loan that Ostrava Lines had secured on its "
     "assets.", "Ostrava Lines"),
    # a company described by its home town is still the article's company
    ("Halvorsen Corp. raised its dividend. The Wilmington, Del., company reported net of $547 million.",
     "Halvorsen Corp."),
    # "its" is the nearest subject before it, not the article's most named organisation
    ("The United Steelworkers union rejected the offer. The United Steelworkers said on Monday "
     "that Halvorsen Corp. was cutting its debt to $4.5 billion.", "Halvorsen Corp."),
    # the whole a part belongs to, even with its "of" hung on the verb
    ("Ostrava Corp. completed its takeover on Monday, purchasing 63 million shares, or 86%, of "
     "Halvorsen Corp. for $26.50 a share.", "Halvorsen Corp."),
    # a headline's priced noun hung on the amount
    ("Air Force $40 billion tanker contract, citing major flaws in the procurement process.",
     "tanker contract"),
    # a change "to" or "by" an amount concerns what is changed
    ("Halvorsen Corp. will raise the annual payout to pensioners by $40 million.", "pensioners"),
    ("Ostrava Corp. raised its quarterly dividend to $1.20 a share.", "Ostrava Corp."),
    # a passive's subject is what is changed, even hung on an auxiliary
    ("Plans to expand the port are to be boosted by an extra $3.5m in funding.", "Plans"),
    ("Cold weather in the north has pushed heating oil prices above $3 a gallon for the first time.",
     "heating oil prices"),
    ("Heavy spending by the government has pushed the budget deficit to a record $427bn.",
     "the budget deficit"),
    ("Spending on schools will be increased by $40m next year.", "Spending on schools"),
    # the first of two objects is whom the money goes to, however the parser hung it; the
    # possessive before it is that object's, not the amount's
    ("The government is to hand its struggling wine industry 70m euros in aid.", "wine industry"),
    ("The ministry will pay farmers $300 each.", "farmers"),
    # people named by their role are those people, not what their clause mentions
    ("Washington offered $5 million rewards for three senior army officers facing US charges.",
     "three senior army officers"),
    # a phrase holding the amount is not what the amount is for: the amount prices its noun
    ("Auditors criticised the bidding for the Royal Navy $30 billion frigate contract.", "frigate contract"),
    # a participle on the money noun the amount counts says whom it is for
    ("Lawmakers want the president to reserve part of the $700 billion rescue package earmarked "
     "for small banks.", "small banks"),
    # a stake hung on the amount as an apposition is what is bought; its owner what it concerns
    ("Ostrava Corp. agreed to buy for $1.2 billion the 40% equity interest of its partner, "
     "Halvorsen Corp., in a shipping venture.", "Halvorsen Corp."),
    # a verb the tagger read as a noun still has its object ("cost" tagged NN)
    ("Peru has appealed for aid. President Ana Ruiz says the earthquake cost the country one "
     "billion dlrs in losses and left 1,000 people dead.", "Peru"),
    # a gerund clause right before a verb with an auxiliary is that verb's subject
    ("She warned keeping the old reactors in service would cost another £2bn a year.",
     "keeping the old reactors in service"),
    # what money is spent on, with "on" hung on the per-unit word
    ("The private sector was spending £60m a year on developing new antibiotics.",
     "developing new antibiotics"),
    # whom given money goes to, named inside a phrase of the verb; the money that the amount
    # is a part of is not what it concerns
    ("The bulk of the money - about 30m euros - will be offered in the form of cheap loans to "
     "small farmers.", "small farmers"),
    ("About $30m of the aid will be provided as grants to small farmers.", "small farmers"),
    # a copular clause about the money says whom it is for
    ("\"I think a 1 billion dlr settlement would be more than adequate for Halvorsen,\" he said.",
     "Halvorsen"),
    ("The $2bn package is crucial for small farmers.", "small farmers"),
    # a shortfall is a figure of what it is in
    ("Economists say there is a $20bn \"black hole\" in the state budget.", "the state budget"),
])
def test_subject_from_the_clause_around_the_amount(nlp, text, subject):
    [row] = rule_facts_of(nlp, text)
    assert row[2] == subject


def test_a_priced_noun_after_a_conversion_in_brackets(nlp):
    # "£2bn" and "plan" read as two objects of "fund", the conversion between them
    rows = rule_facts_of(nlp, "Campaigners urged rich nations to fund a £2bn ($3bn) plan to clean up the river.")
    assert [r[2] for r in rows] == ["plan", "plan"]


def test_shares_are_the_company_s_even_hung_on_the_phrase_before(nlp):
    rows = rule_facts_of(nlp, "In composite trading Friday on the New York Stock Exchange, Halvorsen shares fell "
                       "87.5 cents to $52.125.")
    assert [r[2] for r in rows] == ["Halvorsen", "Halvorsen"]


@pytest.mark.parametrize("text, company", [
    # the parser reads "rose" as a noun and hangs "Halvorsen's" apart from "stock"
    ("Halvorsen's stock rose $2.50 a share to close at $117.375 in New York Stock Exchange "
     "composite trading yesterday.", "Halvorsen"),
    # "to close at" is no infinitive of paying: "on the Nasdaq" is not what the money is for
    ("Ostrava's shares fell 75 cents to close at $31.25 on the Nasdaq.", "Ostrava"),
])
def test_a_price_move_and_where_it_closed_are_the_stock_s(nlp, text, company):
    assert [r[2] for r in rule_facts_of(nlp, text)] == [company, company]


def test_a_date_is_never_whom_money_concerns(nlp):
    [row] = rule_facts_of(nlp, "The government will impose $300 million of tariffs on steel imports on April 17.")
    assert "April" not in (row[2] or "")


def test_a_segment_hung_on_the_earlier_figure_is_still_the_clause_s(nlp):
    rows = rule_facts_of(nlp, "Profit climbed to $98 million from $71 million in the petroleum segment, as "
                       "Halvorsen's refining unit benefited from higher oil prices.")
    assert [r[2] for r in rows] == ["the petroleum segment", "the petroleum segment"]


@pytest.mark.parametrize("text, subject, payer", [
    ("Ostrava Corp. cut its dividend. A spokesman for Halvorsen Corp., the Oslo shipping group, "
     "said the company will post additional profit of about $40 million a year.", "Halvorsen Corp.", None),
    ("Ostrava Corp. cut its dividend. An official at Halvorsen Corp. said it would lend $3bn to "
     "the government.", "the government", "Halvorsen Corp."),
    # a long apposition after the company loses the speaker in the parse; the role word stays
    ("Ostrava Corp. cut its dividend. A spokesman for Halvorsen Corp., the Oslo shipping and logistics "
     "concern controlled by the Brenner family, said the company will post additional profit of about "
     "$40 million a year.", "Halvorsen Corp.", None),
])
def test_the_company_a_speaker_speaks_for(nlp, text, subject, payer):
    [row] = rule_facts_of(nlp, text)
    assert row[2:] == (subject, payer)


@pytest.mark.parametrize("text, subject", [
    # a person described first and named in the next sentence
    ("A former finance director at Halvorsen Corp. has received a jail sentence and a fine of "
     "$150,000. John Doyle admitted his guilt in court.", "John Doyle"),
    # someone named before the description may be the one meant: the description stays
    ("Judge Mary Lane said a former director at Halvorsen Corp. must pay $150,000. John Doyle "
     "admitted his guilt.", "a former director at Halvorsen Corp."),
])
def test_a_person_described_before_being_named(nlp, text, subject):
    [row] = rule_facts_of(nlp, text)
    assert row[2] == subject


def test_who_receives_a_fine_pays_it(nlp):
    [row] = rule_facts_of(nlp, "A former finance director at Halvorsen Corp. has received a jail sentence and a "
                        "fine of $150,000. John Doyle admitted his guilt in court.")
    assert row[1:] == ("fine", "John Doyle", "John Doyle")


def test_a_figure_whose_verb_was_read_as_a_participle_is_still_the_company_s(nlp):
    # "Sales increased ..." parsed as a noun with a participle after it
    rows = rule_facts_of(nlp, "Ostrava Corp. reported its results on Tuesday.\n\nSales increased 10% to $2.6 billion "
                       "from $2.4 billion.\n\nThe board met.")
    assert [r[2] for r in rows] == ["Ostrava Corp.", "Ostrava Corp."]


def test_a_subject_hung_on_an_auxiliary_is_the_verb_s():
    # the parse a model gave "Efforts ... are to be boosted by $3.5m" inside an article
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from transforms.money.phrases import clause_subject

    words = ["Efforts", "are", "to", "be", "boosted", "by", "$", "3.5m", "."]
    doc = Doc(Vocab(), words=words, heads=[1, 4, 4, 4, 4, 6, 4, 6, 4],
              deps=["nsubj", "aux", "mark", "aux:pass", "ROOT", "case", "obl:agent", "nummod", "punct"],
              pos=["NOUN", "AUX", "PART", "AUX", "VERB", "ADP", "SYM", "NUM", "PUNCT"])
    assert clause_subject(doc[4]).text == "Efforts"


# Each rule of `ROLE_RULES` and `SUBJECT_REFINEMENTS` on an invented sentence it decides: the
# rules that changed the subject or payer of the sentence's first amount, in order.

def _deciders(nlp, text):
    from transforms.money.find import find_amounts
    from transforms.money.roles import ROLE_RULES, SUBJECT_REFINEMENTS, Reading

    doc = nlp(text)
    spans = [doc.char_span(a.start, a.end, alignment_mode="expand") for a in find_amounts(doc.text)]
    x = Reading.of(spans[0], frozenset(i for s in spans for i in range(s.start, s.end)))
    changes = []
    for rule in (*ROLE_RULES, *SUBJECT_REFINEMENTS):
        before = (x.subject, x.payer)
        rule(x)
        if (x.subject, x.payer) != before:
            changes.append((rule.__name__, getattr(x.subject, "text", None), getattr(x.payer, "text", None)))
    return changes


@pytest.mark.parametrize("text, decided", [
    ("Bankers estimate the worth of the Tamsin offer at $25 a share.", [("estimate", "worth", None)]),
    ("The city received $4m from the Tavish Foundation.",
     [("payer_from", None, "Foundation"), ("verb_subject", "city", "Foundation")]),
    ("Norvik Bank will lend the airline $300m.",
     [("paying_subject", None, "Bank"), ("verb_object_or_beneficiary", "airline", "Bank")]),
    ("Pellworth Inc. sued Gaskell Corp. for $80 million.", [("claimant", "Inc.", "Corp.")]),
    ("Trenholm must repay a $50m loan that Varga Shipping had taken out.",
     [("paying_subject", None, "Trenholm"), ("loan_borrower", "Shipping", "Trenholm")]),
    ("The museum's $3m in annual grants was cut.", [("possessive_on_amount", "museum", None)]),
    ("Police doubled the bounty for the capture of Rolf Danner to $2 million.", [("cue_nouns", "Rolf", None)]),
    ("Dario Pell received a fine of $9,000 on Monday.",
     [("fine_receiver", None, "Dario"), ("verb_subject", "Dario", "Dario")]),
    ("The charity handed out $7 million grants for rural clinics.",
     [("paying_subject", None, "charity"), ("counted_noun", "clinics", "charity")]),
    ("The council approved £40m for new school buildings.", [("said_to_be_for", "buildings", None)]),
    ("The province will spend $90m on rural roads.",
     [("paying_subject", None, "province"), ("verb_object_or_beneficiary", "roads", "province")]),
    ("Ministers approved a $6bn hospital plan.", [("priced_thing", "plan", None)]),
    ("The gap is about $9bn this year, the minister said.", [("copular_under_verb", "gap", None)]),
    ("The board increased the bonus pool by $12 million.", [("changed_thing", "pool", None)]),
    ("Marlow Mining earned $45 million.", [("verb_subject", "Mining", None)]),
    ("Revenue was $3.1 billion.", [("copular_without_verb", "Revenue", None)]),
    ("Net income of $70 million, up from last year.", [("figure_counted", "income", None)]),
    ("Brenna Corp said results improved.\n\nShr 2.10 dlrs vs 1.80 dlrs\n",
     [("figure_counted", "Shr", None), ("owner_of_figure_or_debt", "Corp", None)]),
    ("A $5m payment would be enough for the villagers.",
     [("copular_without_verb", "payment", None), ("adequate_for", "villagers", None)]),
    ("Vexa Corp. bought a 30% stake in Lunara Ltd. for $900 million.",
     [("paying_subject", None, "Corp."), ("verb_object_or_beneficiary", "stake", "Corp."),
      ("part_of_whole", "Ltd.", "Corp.")]),
    ("Orsolo Corp. builds ships. Profit fell to $8m.",
     [("verb_subject", "Profit", None), ("owner_of_figure_or_debt", "Corp.", None)]),
])
def test_each_rule_decides_its_shape_of_news_language(nlp, text, decided):
    assert _deciders(nlp, text) == decided


def test_the_results_table_rule_names_the_figure_before_the_amount():
    from transforms.money.roles import Reading, results_table_line

    # "Net 5.1 mln dlrs": a line without a verb, the parser's arcs all on the first word
    doc = parsed(["Net", "5.1", "mln", "dlrs"], [True, True, True, False], [0, 3, 3, 0],
                 ["ROOT", "nummod", "compound", "dep"], ["NOUN", "NUM", "NUM", "NOUN"],
                 ["net", "5.1", "mln", "dlr"], [])
    x = Reading.of(doc[1:4])
    results_table_line(x)
    assert x.subject.text == "Net"


def test_money_given_by_a_participle_goes_to_whom_it_names(nlp):
    from transforms.money.roles import Reading, awarded_to

    doc = nlp("The agency froze $4bn of grants awarded to local charities.")
    x = Reading.of(doc.char_span(17, 21))
    x.subject = next(t for t in doc if t.text == "grants")
    awarded_to(x)
    assert x.subject.text == "charities"


def test_a_date_or_another_amount_is_no_subject(nlp):
    from transforms.money.roles import Reading, not_a_date_or_money

    doc = nlp("The government will levy $90 million of duties on timber imports on June 9.")
    x = Reading.of(doc.char_span(25, 36))
    x.subject = next(t for t in doc if t.text == "June")
    not_a_date_or_money(x)
    assert x.subject is None
