"""The spec's fields the facade deliberately does not expose, each with the reason: the one list the
field-coverage test (tests/test_field_coverage.py) accepts instead of a parameter or a result attribute.

Keys are ``operation: side.path`` with ``side`` ``request`` or ``response`` and ``path`` dotted
(``[]`` for an array's items). A field not exposed is still reachable: request fields through
``extra_body=``, answer fields in the result's ``extra`` (and in ``with_raw_response``).
"""

from __future__ import annotations

_ERRORS_ON_SUCCESS = "a success carries no error; a failure raises APIError, which has the code and the description"
_STATEMENT_ENVELOPE = (
    "a statement is returned as a listing of its operations (fetched in windows, each with its own "
    "envelope); a failed request raises; the envelope of each answer is in with_raw_response"
)

NOT_EXPOSED: dict[str, str] = {
    # The envelope's error fields on results whose operation answers only on success.
    **{
        f"{operation}: response.{name}": _ERRORS_ON_SUCCESS
        for operation in (
            "cards.info",
            "cards.balance",
            "cards.secret_data",
            "cards.secret_data_v2",
            "cards.statement_extended",
            "clients.list_cards",
            "transactions.info",
            "limits.list",
        )
        for name in ("error_code", "error_description")
    },
    **{
        f"cards.statement: response.{name}": _STATEMENT_ENVELOPE
        for name in ("request_status", "dt", "error_code", "error_description")
    },
}
