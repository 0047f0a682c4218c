"""Statements of reasons (RIGHTS.md §5, DSA Art. 17) and their export in the shape of the EU DSA
transparency database's statement API.

Every decision, automated or not, gets a statement. The DSA fields (``decision_visibility``,
``decision_ground``, ``incompatible_content_ground``/``_explanation``, ``category``,
``category_specification``, ``content_type``, ``content_language``, ``content_date``,
``application_date``, ``end_date_visibility_restriction`` (export only: the day a reversed or
replaced restriction ended), ``decision_facts``, ``source_type``, ``automated_detection``,
``automated_decision``, ``puid``) are filled from the decision, its flags and the taxonomy
label's DSA category; Heard adds ``redress`` (how to appeal) and ``heard_explanation`` (which
detector, score and threshold), which the export leaves out. ``no_action`` decisions restrict
nothing, so the transparency-database export (``dsa_export``) contains only restrictions, as the
database expects; ``heard decisions`` shows every statement.

Field names and values follow the transparency database's API documentation
(transparency.dsa.ec.europa.eu, "API and Schema"); ``territorial_scope`` and
``platform_name`` depend on the deployment and are left to whoever submits the export.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from heard.protect.taxonomy import Label

DECISIONS = ("no_action", "label", "limit_visibility", "remove")
"""What a moderator (or, for spam and scams only, an automated rule) may decide about a post."""
RESTRICTIONS = ("label", "limit_visibility", "remove")

VISIBILITY = {
    "remove": "DECISION_VISIBILITY_CONTENT_REMOVED",
    "limit_visibility": "DECISION_VISIBILITY_CONTENT_DEMOTED",
    "label": "DECISION_VISIBILITY_CONTENT_LABELLED",
}
SOURCE_TYPE = {
    "trusted_flagger": "SOURCE_TRUSTED_FLAGGER",
    "public_report": "SOURCE_ARTICLE_16",
    "detector": "SOURCE_VOLUNTARY",
}
GROUNDS = {
    "incompatible": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
    "illegal": "DECISION_GROUND_ILLEGAL_CONTENT",
}
ILLEGAL_EXPLANATION_MAX = 2000
"""The DSA database's limit on ``illegal_content_explanation`` (the facts, on that ground)."""
LEGAL_GROUND_MAX = 500
"""Its limit on ``illegal_content_legal_ground``."""
REDRESS = (
    "The author may appeal this decision once, through the post's link; a different "
    "moderator decides the appeal. Out-of-court dispute settlement (DSA Art. 21) and the "
    "courts remain open."
)

V1_CATEGORIES = {
    "STATEMENT_CATEGORY_" + v1: "STATEMENT_CATEGORY_" + v2
    for v1, v2 in (
        ("SCOPE_OF_PLATFORM_SERVICE", "OTHER_VIOLATION_TC"),
        ("PORNOGRAPHY_OR_SEXUALIZED_CONTENT", "OTHER_VIOLATION_TC"),
        ("UNSAFE_AND_ILLEGAL_PRODUCTS", "UNSAFE_AND_PROHIBITED_PRODUCTS"),
        ("NON_CONSENSUAL_BEHAVIOUR", "CYBER_VIOLENCE"),
    )
}
"""Categories of the database's schema v1 that statements stored before Heard moved to v2 may
carry, and what the export says instead (the v2 schema refuses them; the stored statement, which
the audit log recorded, stays as written)."""
V1_KEYWORDS = frozenset({"KEYWORD_REGULATED_GOODS_SERVICES"})
"""Keywords v2 no longer has (the export leaves them out)."""

DSA_FIELDS = (
    "decision_visibility",
    "decision_ground",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "category",
    "category_specification",
    "category_specification_other",
    "content_type",
    "content_language",
    "content_date",
    "application_date",
    "end_date_visibility_restriction",
    "decision_facts",
    "source_type",
    "automated_detection",
    "automated_decision",
    "puid",
)


def _language(lang: Any) -> str | None:
    """The post's language as the DSA database takes it (two upper-case ISO 639-1 letters), or
    None: langid says "und" when it cannot tell, and "UND" is refused."""
    code = str(lang or "").strip()
    return code.upper() if len(code) == 2 and code.isascii() and code.isalpha() else None


def _day(value: Any) -> str | None:
    return value.strftime("%Y-%m-%d") if isinstance(value, datetime) else None


def build_statement(
    *,
    decision_id: str,
    decision: str,
    label: Label | None,
    ground: str,
    facts: str,
    post: dict[str, Any],
    flags: list[dict[str, Any]],
    automated_decision: bool,
    decided_at: datetime,
    taxonomy_version: str,
    legal_ground: str | None = None,
    keywords: Sequence[str] = (),
) -> dict[str, Any]:
    """The statement of reasons of one decision (DSA fields plus ``redress`` and
    ``heard_explanation``). ``category_specification`` says what applies to this decision: the
    ``keywords`` the moderator stated (checked by ``heard.protect.inputs.decision_keywords``),
    else the label's keyword when it has only one, else nothing (the field is optional; listing
    every keyword of the label claimed, say, grooming of minors for an adult's solicitation).
    ``heard_keywords`` records which of the three it was."""
    automated_detection = any(f["source"] == "detector" for f in flags)
    sources = {f["source"] for f in flags}
    source = next(
        (s for s in ("trusted_flagger", "public_report", "detector") if s in sources), "detector"
    )
    statement: dict[str, Any] = {
        "decision_visibility": [VISIBILITY[decision]] if decision in VISIBILITY else [],
        "decision_ground": GROUNDS[ground],
        "content_type": ["CONTENT_TYPE_TEXT"],
        "content_language": _language(post.get("lang")),
        "content_date": _day(post.get("created_at")),
        "application_date": _day(decided_at),
        "decision_facts": facts,
        "source_type": SOURCE_TYPE[source],
        "automated_detection": "Yes" if automated_detection else "No",
        "automated_decision": (
            "AUTOMATED_DECISION_FULLY" if automated_decision else "AUTOMATED_DECISION_NOT_AUTOMATED"
        ),
        "puid": decision_id,
        "redress": REDRESS,
        "heard_decision": decision,
    }
    if label is not None:
        statement["category"] = label.dsa_category
        applies = list(keywords) or (
            list(label.dsa_keywords) if len(label.dsa_keywords) == 1 else []
        )
        statement["heard_keywords"] = "stated" if keywords else ("label" if applies else "none")
        if applies:
            statement["category_specification"] = applies
        if label.dsa_keyword_other and "KEYWORD_OTHER" in applies:
            statement["category_specification_other"] = label.dsa_keyword_other
    if ground == "incompatible":
        what = f"{label.title} ({label.name})" if label else "no harm label"
        statement["incompatible_content_ground"] = f"Heard harm taxonomy {taxonomy_version}: {what}"
        statement["incompatible_content_explanation"] = label.definition if label else facts
    else:
        statement["illegal_content_legal_ground"] = legal_ground or ""
        statement["illegal_content_explanation"] = facts
    statement["heard_explanation"] = [
        {
            k: f.get(k)
            for k in ("flag_id", "label", "source", "detector", "version", "score", "threshold")
        }
        for f in flags
    ]
    return statement


def restriction_ends(decisions: list[dict[str, Any]]) -> dict[str, datetime]:
    """When each restriction that no longer stands ended, by decision id: the time an appeal
    reversed it, or the time a later decision on its post replaced it (a lifted automated
    decision, a label followed by a removal), whichever came first. ``decisions`` are every
    decision, oldest first, with ``decision_id``, ``post_id``, ``created_at``,
    ``appeal_outcome`` and ``appeal_decided_at``. A restriction missing here still stands."""
    ends: dict[str, datetime] = {}
    last: dict[str, dict[str, Any]] = {}  # the newest decision seen so far on each post
    for d in decisions:
        earlier = last.get(d["post_id"])
        if earlier is not None and d["created_at"] is not None:
            end = ends.get(earlier["decision_id"])
            ends[earlier["decision_id"]] = min(end, d["created_at"]) if end else d["created_at"]
        if d.get("appeal_outcome") == "reversed" and d.get("appeal_decided_at") is not None:
            ends[d["decision_id"]] = d["appeal_decided_at"]
        last[d["post_id"]] = d
    return ends


def ended(statement: dict[str, Any], at: datetime | None) -> dict[str, Any]:
    """``statement`` with the day its restriction ended (``at``; None: it still stands) as the
    transparency database's ``end_date_visibility_restriction``, which it reads as "the date
    when the imposed visibility restriction ends" (blank: imposed indefinitely)."""
    day = _day(at)
    return statement if day is None else {**statement, "end_date_visibility_restriction": day}


def dsa_export(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Statements of restrictions only, with the transparency database's fields and nothing else
    (no ``heard_*`` keys, no free text beyond ``decision_facts``), in its schema v2: a statement
    stored with a v1 category or keyword is exported with its v2 one (``V1_CATEGORIES``)."""
    out = []
    for s in statements:
        if s.get("heard_decision") not in RESTRICTIONS:
            continue
        row = {k: s[k] for k in DSA_FIELDS if s.get(k) not in (None, "")}
        if "category" in row:
            row["category"] = V1_CATEGORIES.get(row["category"], row["category"])
        if "content_language" in row and _language(row["content_language"]) is None:
            del row["content_language"]  # stored before: "UND"
        if "category_specification" in row:
            keywords = [k for k in row["category_specification"] if k not in V1_KEYWORDS]
            if "heard_keywords" not in s and len(keywords) > 1:
                # stored before keywords were chosen: every keyword of its label, whether it
                # applied or not; which did is not recorded, so none is claimed
                keywords = []
            row["category_specification"] = keywords
            if not keywords:
                del row["category_specification"]
                row.pop("category_specification_other", None)
        out.append(row)
    return out
