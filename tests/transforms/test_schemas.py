import re
from pathlib import Path

import pyarrow as pa
import pytest

from transforms.schemas import CURRENCY_CODES, TABLES, tables_markdown, to_arrow

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT.parent / "shared" / "contract" / "tables.md"


def contract_columns() -> dict[str, list[str]]:
    """Table -> column names, read from the contract's markdown tables."""
    tables, current = {}, None
    for line in CONTRACT.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"## (\w+)", line):
            current = m.group(1)
        elif current and (m := re.match(r"\| ([a-z_, ]+) \|", line)) and m.group(1) != "column":
            for name in m.group(1).split(","):
                tables.setdefault(current, []).append(name.strip())
    return tables


@pytest.mark.skipif(not CONTRACT.exists(), reason="the contract lives in ../shared beside the checkout")
def test_every_contract_column_is_published_with_its_name():
    contract = contract_columns()
    assert set(contract) >= {"documents", "entities", "mentions", "amounts", "demands", "events"}
    for table, columns in contract.items():
        published = TABLES[table].column_names
        assert set(columns) <= set(published), (table, set(columns) - set(published))


def test_docs_tables_md_is_generated_from_the_schemas():
    assert (ROOT / "docs" / "tables.md").read_text(encoding="utf-8") == tables_markdown()


def test_to_arrow_casts_and_rejects_unknown_columns():
    table = to_arrow("quarantine", [])
    assert table.schema == TABLES["quarantine"].schema and table.num_rows == 0
    with pytest.raises(ValueError, match="not in the schema"):
        to_arrow("quarantine", [{"bogus": 1}])


def test_currency_codes_come_from_iso_4217_data():
    assert {"USD", "EUR", "GBP", "VES", "JPY"} <= set(CURRENCY_CODES)
    assert "XYZ" not in CURRENCY_CODES and all(re.fullmatch(r"[A-Z]{3}", c) for c in CURRENCY_CODES)
    assert TABLES["amounts"].schema.field("value").type == pa.float64()
