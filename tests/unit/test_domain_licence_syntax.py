"""domain.licence_syntax: SPDX expression syntax only; unknown but well-formed ids pass."""

from __future__ import annotations

import pytest

from domain.licence_syntax import MAX_EXPRESSION_LENGTH, check_licence_expression
from domain.rejections import Rejection, RejectionKind


@pytest.mark.parametrize(
    "expression",
    [
        "MIT",
        "Apache-2.0",
        "GPL-2.0+",
        "GPL-2.0-or-later",
        "MIT AND Apache-2.0",
        "MIT OR Apache-2.0",
        "MIT AND Apache-2.0 AND BSD-3-Clause",
        "(MIT OR Apache-2.0) AND BSD-3-Clause",
        "MIT OR (Apache-2.0 AND BSD-3-Clause)",
        "((MIT))",
        "MIT OR ( Apache-2.0 )",
        "GPL-2.0-or-later WITH Classpath-exception-2.0",
        "(GPL-2.0-only WITH Classpath-exception-2.0) OR MIT",
        "LicenseRef-Llama-2-Community",
        "LicenseRef-my.licence-1",
        "LicenseRef-a WITH LicenseRef-b",
        "DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2",
        "MIT OR DocumentRef-doc:LicenseRef-x",
        "Apache-2.0 AND LicenseRef-Llama-3-Community",
    ],
)
def test_well_formed_expressions_are_accepted(expression: str) -> None:
    check_licence_expression(expression)


@pytest.mark.parametrize(
    "expression",
    ["Made-Up-1.0", "Totally-Unknown", "ACME.Internal-7", "NotARealLicence AND AlsoMadeUp"],
)
def test_unknown_but_well_formed_ids_are_accepted(expression: str) -> None:
    check_licence_expression(expression)


@pytest.mark.parametrize(
    "expression",
    [
        pytest.param("(MIT", id="unclosed parenthesis"),
        pytest.param("MIT)", id="unopened parenthesis"),
        pytest.param("((MIT)", id="one of two unclosed"),
        pytest.param(")(", id="reversed parentheses"),
        pytest.param("Apache-2.0 AND (MIT OR", id="unclosed after operator"),
        pytest.param("MIT AND", id="dangling AND"),
        pytest.param("MIT OR", id="dangling OR"),
        pytest.param("AND MIT", id="leading AND"),
        pytest.param("OR MIT", id="leading OR"),
        pytest.param("MIT WITH", id="dangling WITH"),
        pytest.param("WITH MIT", id="leading WITH"),
        pytest.param("MIT OR OR Apache-2.0", id="doubled operator"),
        pytest.param("AND", id="operator alone"),
        pytest.param("MIT WITH (Apache-2.0)", id="WITH a parenthesised exception"),
        pytest.param("(MIT) (Apache-2.0)", id="two groups without operator"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("\t\n", id="whitespace only"),
        pytest.param("GPL 2.0", id="space inside an id"),
        pytest.param("MIT Apache-2.0", id="two ids without operator"),
        pytest.param("LicenseRef-my licence", id="space inside a LicenseRef"),
        pytest.param("MIT/X11", id="slash"),
        pytest.param("MIT_2", id="underscore"),
        pytest.param("MIT,Apache-2.0", id="comma"),
        pytest.param("LicenseRef-a_b", id="underscore in LicenseRef"),
        pytest.param("LicenseRef-x:y", id="colon after a LicenseRef"),
        pytest.param("DocumentRef-x:MIT", id="DocumentRef without LicenseRef"),
        pytest.param("DocumentRef-:LicenseRef-x", id="empty DocumentRef"),
        pytest.param("+", id="plus alone"),
        pytest.param("Lic\u00e9nce-1.0", id="non-ASCII"),
        pytest.param("M" * (MAX_EXPRESSION_LENGTH + 1), id="too long"),
    ],
)
def test_malformed_expressions_are_refused(expression: str) -> None:
    with pytest.raises(Rejection) as raised:
        check_licence_expression(expression)
    assert raised.value.kind is RejectionKind.MALFORMED_LICENCE


def test_rejection_names_the_path() -> None:
    with pytest.raises(Rejection) as raised:
        check_licence_expression("MIT AND", "data.licence")
    assert raised.value.detail.startswith("data.licence ")


@pytest.mark.parametrize("expression", ["()", "( )", "(())", "MIT AND ()"])
def test_empty_parentheses_are_refused(expression: str) -> None:
    with pytest.raises(Rejection) as raised:
        check_licence_expression(expression)
    assert raised.value.kind is RejectionKind.MALFORMED_LICENCE
