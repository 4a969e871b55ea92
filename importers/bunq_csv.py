"""bunq's CSV export: a header, then one line per payment, `,` or `;` separated.

    "Date","Interest Date","Amount","Account","Counterparty","Name","Description"

Dates are YYYY-MM-DD (the entry is dated by `Date`). The amount is signed, and its
decimal mark follows the separator that the treasurer chose in the app: with `,`
between the columns the amount has a decimal point (`-1,234.56`), with `;` a decimal
comma (`-1.234,56`). `Account` is our IBAN, `Counterparty` the other party's IBAN
(empty for card payments). The export has no balances and no reference per line: the
import id is a hash (see `importers.base`) and there is no balance assertion. The
lines are put in booking order (bunq lists the newest first). UTF-8.
"""

from importers import csvbank, ibans
from importers.base import BankImporter, clean
from importers.errors import ImportFileError
from importers.statement import Entry, Statement, decode, read_bytes

HEADER = ["Date", "Interest Date", "Amount", "Account", "Counterparty", "Name", "Description"]


class BunqCsvImporter(BankImporter):
    """bunq CSV export."""

    format_name = "bunq CSV file"

    def sniff(self, filepath: str) -> bool:
        return csvbank.header_delimiter(filepath, HEADER) is not None

    def parse(self, filepath: str) -> list[Statement]:
        delimiter = csvbank.header_delimiter(filepath, HEADER)
        amount_of = csvbank.point_amount if delimiter == "," else csvbank.amount
        statements: dict[str, Statement] = {}
        text = decode(filepath, read_bytes(filepath), "utf-8")
        for lineno, row in csvbank.rows(filepath, text, delimiter or ",", skip=1):
            place = f"line {lineno}"
            if len(row) != len(HEADER):
                raise ImportFileError(filepath, place, f"{len(row)} columns, the header has {len(HEADER)}")
            day, _interest_day, amount, account, counterparty, name, description = row
            entry = Entry(
                date=csvbank.date(day, "%Y-%m-%d", filepath, place),
                amount=amount_of(amount, filepath, place),
                currency="EUR",
                place=place,
                text=clean(description),
                counterparty_iban=ibans.normalise(counterparty) or None,
                counterparty_name=clean(name) or None,
            )
            own = ibans.normalise(account)
            if not own:
                raise ImportFileError(filepath, place, "no account in column 'Account'")
            statements.setdefault(own, Statement(own, "EUR", place, [])).entries.append(entry)
        for statement in statements.values():
            csvbank.booking_order(statement.entries)
        return list(statements.values())
