"""What a person types into a decision, a calibration answer or an appeal decision, checked in
one place so that every surface (CLI, API, pages) and every kind of queue item refuses the same
input with the same words: a gold item answered with input a real flag refuses would tell the
moderator it is a gold item (``heard.protect.calibration``)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from heard.errors import InputError
from heard.protect.statement import DECISIONS, GROUNDS, ILLEGAL_EXPLANATION_MAX, LEGAL_GROUND_MAX
from heard.protect.taxonomy import load_taxonomy

REASONS_MAX = 5000
"""The longest statement of facts, or reasons for an appeal decision (the DSA database's limit
on ``decision_facts``)."""


def _lines(text: str | None) -> str:
    """``text`` trimmed, its line breaks as one character each (a form sends CRLF, which a
    textarea's ``maxlength`` counted once); empty when nothing in it can be seen."""
    return said((text or "").replace("\r\n", "\n"))


def said(text: str | None) -> str:
    """``text`` trimmed, or "" when it has no visible character: only spaces, zero-width spaces
    and joiners, soft hyphens, direction marks or control characters (Unicode categories Z* and
    C*), which ``str.strip`` keeps. Such a text passed as a decision's statement of facts (and
    went to the DSA export) and as an appeal's reasons, though it says nothing."""
    trimmed = (text or "").strip()
    return trimmed if any(unicodedata.category(c)[0] not in "ZC" for c in trimmed) else ""


def decision_input(
    decision: str, facts: str, ground: str, legal_ground: str | None
) -> tuple[str, str | None]:
    """``(facts, legal_ground)`` trimmed, or an ``InputError`` saying what is wrong: an unknown
    decision or ground, no facts, the ground 'illegal' without its legal ground (DSA Art.
    17(3)(d)), a legal ground on another ground (not recorded there), or texts longer than the
    DSA transparency database takes (there, with the ground 'illegal', the facts are also the
    ``illegal_content_explanation``, at most 2,000 characters)."""
    if decision not in DECISIONS:
        raise InputError(
            f"{decision!r} is not a decision",
            "use one of: " + ", ".join(DECISIONS),
            field="decision",
        )
    if ground not in GROUNDS:
        raise InputError(
            f"{ground!r} is not a decision ground", "use incompatible or illegal", field="ground"
        )
    legal = (legal_ground or "").strip() or None
    if ground == "illegal" and legal is None:
        raise InputError(
            "a decision on the ground 'illegal' needs the legal ground it relies on "
            "(DSA Art. 17(3)(d))",
            "name the law and its article, or decide on the ground 'incompatible' with the terms",
            field="legal_ground",
        )
    if ground != "illegal" and legal is not None:
        # recorded on the ground 'illegal' only: kept here, it vanished from the statement
        raise InputError(
            f"a legal ground ({legal[:60]!r}) was given, but the ground is {ground!r}: it "
            "would not be recorded",
            "choose the ground 'illegal' to rely on that law, or leave the legal ground empty",
            field="ground",
        )
    stated = _lines(facts)
    if not stated:
        raise InputError(
            "a decision needs a statement of the facts",
            "say what the post does and why the decision follows",
            field="facts",
        )
    most = ILLEGAL_EXPLANATION_MAX if ground == "illegal" else REASONS_MAX
    if len(stated) > most:
        raise InputError(
            f"the statement of the facts is at most {most:,} characters"
            + (" on the ground 'illegal'" if ground == "illegal" else "")
            + f"; this one has {len(stated):,}",
            "shorten it to what the post does and why the decision follows; nothing was decided",
            field="facts",
        )
    if legal is not None and len(legal) > LEGAL_GROUND_MAX:
        raise InputError(
            f"the legal ground is at most {LEGAL_GROUND_MAX} characters; this one has "
            f"{len(legal):,}",
            "name the law and its article; explain in the facts",
            field="legal_ground",
        )
    return stated, legal


def appeal_reasons(facts: str | None) -> str:
    """The reasons of an appeal decision, trimmed: the author is told the reasoned decision (DSA
    Art. 20(5)), so none, or only whitespace, is refused, as is a text over ``REASONS_MAX``."""
    reasons = _lines(facts)
    if not reasons:
        raise InputError(
            "an appeal decision needs its reasons: the author reads them (DSA Art. 20(5))",
            "say why the decision stands or is reversed; nothing was decided",
            field="facts",
        )
    if len(reasons) > REASONS_MAX:
        raise InputError(
            f"the reasons are at most {REASONS_MAX:,} characters; these have {len(reasons):,}",
            "shorten them; nothing was decided",
            field="facts",
        )
    return reasons


def decision_keywords(decision: str, label: str, keywords: Sequence[str] | None) -> tuple[str, ...]:
    """The DSA keywords (``category_specification``) a moderator says apply to this decision,
    deduplicated in the label's order, or an ``InputError``: each must be one of the label's
    (``labels.toml``), and a decision to take no action has no category to specify. None given
    is fine: the statement then names the label's keyword when it has only one, else none
    (``heard.protect.statement.build_statement``)."""
    stated = [k.strip() for k in keywords or () if k and k.strip()]
    if not stated:
        return ()
    if decision == "no_action":
        raise InputError(
            "a decision to take no action restricts nothing and has no DSA category to specify",
            "leave the keywords out, or choose the decision that restricts the post",
            field="keywords",
        )
    allowed = load_taxonomy()[label].dsa_keywords
    wrong = [k for k in stated if k not in allowed]
    if wrong:
        raise InputError(
            f"{wrong[0][:60]!r} is not a DSA keyword of the label {label!r}",
            "use those of its keywords that apply to this post: " + ", ".join(allowed),
            field="keywords",
        )
    return tuple(k for k in allowed if k in stated)


def flags_seen(flag_id: str, seen: Sequence[str] | None, pending: Sequence[str]) -> list[str]:
    """The flags a decision covers: exactly those the moderator was shown (``seen``, the queue
    item's ``flag_ids``; None: ``flag_id`` alone), which must be the post's ``pending`` flags.

    A ``ConflictError`` (409, nothing decided) when they differ: a flag that arrived while the
    item was open would otherwise be closed by a decision taken without reading it, and one
    decided or withdrawn meanwhile is no longer the moderator's to close. The same check, with
    the same words, for a gold item (its one flag pending), so that it does not give itself
    away."""
    from heard.errors import ConflictError

    shown = list(dict.fromkeys([flag_id, *(s.strip() for s in seen or () if s.strip())]))
    gone = [f for f in shown if f not in pending]
    if gone:
        raise ConflictError(
            f"the item changed since it was shown: flag {', '.join(gone)} is not pending on "
            "this post (decided, withdrawn, or not one of its flags)",
            "reload the item and decide again on the flags it shows now; nothing was decided",
        )
    arrived = [f for f in pending if f not in shown]
    if arrived:
        raise ConflictError(
            f"{len(arrived)} pending flag(s) of this post were not shown with the item "
            f"(arrived after it was opened, or not named in flag_ids): {', '.join(arrived)}; "
            "nothing was decided",
            "reload the item, read every flag it shows and decide again naming them all (the "
            "queue item's flag_ids; heard review --decide FLAG_ID --flag-id OTHER ...)",
        )
    return shown
