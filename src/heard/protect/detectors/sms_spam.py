"""English spam from the SMS Spam Collection head, kept to commercial messages.

The head learnt what 2000s UK premium-rate spam looks like; a public notice ("free flu shots …,
bring your card") shares words with it. So a flag needs the head's probability at or above
``FLAG_THRESHOLD`` (well above its 0.5 decision point) AND a commercial signal in the text: a
price or amount, a short code or premium number, a link, or a claim/prize/offer call to action.
Chinese spam is left to ``rules/spam.toml``: no licensed Chinese spam corpus trains a head.

The head learnt from 2000s text messages, where a link was itself a sign of spam; in a tweet it
is how news is shared. A flag whose only commercial signal is a link, whose text calls on a
council, a mayor, a petition or a protest, or complains ("what's with the 50p a minute charge"),
is **for review only** (``details["review_only"]``,
never decided automatically): TweetEval news and political tweets with a link scored 0.91-0.93,
each an automated decision before. Flags and recall are unchanged; only automation is.
"""

from __future__ import annotations

import re
from typing import ClassVar

from heard.protect.detectors.flag import Flag, Match
from heard.protect.detectors.fold import TextForm
from heard.protect.detectors.script import is_latin
from heard.protect.heads import TextHead, load_head

FLAG_THRESHOLD = 0.9

COMMERCIAL_SIGNALS: dict[str, str] = {
    "money": r"[£$€]\s?\d[\d,.]*|\b\d+\s?(p|pence|usd|gbp)\b",
    # five digits alone, not a group of a longer number ("07700 900123" is a mobile)
    "short_code_or_premium_number": r"(?<!\d[\s-])\b\d{5}\b(?![\s-]?\d)|\b0[89]\d{8,9}\b",
    "link": r"https?://\S+|www\.\S+|\b\S+\.(com|net|co\.uk|biz|info)\b",
    "call_to_claim": r"\b(claim|win(ner)?|prize|txt|text [A-Z]{2,}|reply [A-Z]{2,}|call now|"
    r"order now|shop now|subscribe|promo code|free (entry|spins|trial|ringtone))\b",
}
_SIGNALS = {name: re.compile(p, re.IGNORECASE) for name, p in COMMERCIAL_SIGNALS.items()}
CIVIC = re.compile(
    r"\b(petitions?|council(?:lor)?s?|mayor|senators?|congress(?:man|woman)?|protests?|picket|"
    r"public hearing|town hall)\b",
    re.IGNORECASE,
)
"""Civic speech (RIGHTS.md §1): never actioned automatically, whatever the head says."""
COMPLAINT = re.compile(
    r"\b(what'?s with|why (do|does|did|is|are|would)|ridiculous|rip[- ]?off|"
    r"complain(t|ed|ing)?|insult to injury|on hold|overcharg\w*|disgrace(ful)?|unacceptable|"
    r"outrageous)\b",
    re.IGNORECASE,
)
"""A customer complaining about a charge names prices and numbers too (none of the 672 SMS spam
messages the detector flags has one of these words)."""
OWN_AMOUNT = re.compile(
    r"(\b(your|a) (payment|refund|bill|salary|balance|deposit|purchase|transfer) (of|for)"
    r"|\b(available |new |current |account )?balance( is| of|:)?)\s?$",
    re.IGNORECASE,
)
"""Text just before an amount that makes it the reader's own payment, refund or bill ("Your
payment of $65.00 has been received"), not a price: a receipt sells nothing (issue 19, half A of
the blind notice set). None of the 747 SMS spam messages has an amount after these words.
Since 2026-12-07 also a balance ("Balance £3,112.47"), from half B of that set (already read)."""
CREDITED_AFTER = re.compile(
    r"\s(has been|have been|will be|was|is being) (credited|refunded|returned|paid|deposited)",
    re.IGNORECASE,
)
"""An amount that "will be credited to your original form of payment" is a refund, not a price
(half A of the blind notices v2)."""
US_ZIP = re.compile(r", [A-Z]{2} $")
"""A US ZIP code follows a state's two capitals and a comma ("SEATTLE, WA 98103"): an address,
not a premium short code (half B of the blind notice set; case-sensitive, so "text WIN to 80082"
still counts)."""


def _own_amount(text: str, m: re.Match[str]) -> bool:
    """An amount that is the reader's own, or a ZIP code read as a short code: no signal."""
    before = text[max(0, m.start() - 40) : m.start()]
    if m.re is _SIGNALS["short_code_or_premium_number"]:
        return bool(US_ZIP.search(before))
    return m.re is _SIGNALS["money"] and bool(
        OWN_AMOUNT.search(before) or CREDITED_AFTER.match(text, m.end())
    )


class SmsSpamDetector:
    name: ClassVar[str] = "sms_spam"

    def __init__(self, head: TextHead | None = None, threshold: float = FLAG_THRESHOLD):
        self.head = head or load_head("sms_spam")
        self.threshold = threshold

    @property
    def version(self) -> str:
        """The head's version alone: the detector is named ``sms_spam`` already, and ``heard
        flags`` showed ``sms_spam@sms_spam@1``."""
        return self.head.model.rsplit("@", 1)[-1]

    def detect(self, texts: list[str], forms: list[TextForm] | None = None) -> list[list[Flag]]:
        # The commercial signal is required anyway and costs less than the head: find it first,
        # and run the head only on the (few) texts that have one.
        signals: dict[int, tuple[Match, ...]] = {}
        for i, text in enumerate(texts):
            if not is_latin(text):
                continue
            found = tuple(
                Match(name, m.group(0), m.start(), m.end())
                for name, rx in _SIGNALS.items()
                for m in rx.finditer(text)
                if not _own_amount(text, m)
            )
            if found:
                signals[i] = found
        idx = list(signals)
        probs = dict(zip(idx, self.head.proba([texts[i] for i in idx]))) if idx else {}
        out: list[list[Flag]] = []
        for i, text in enumerate(texts):
            p = float(probs.get(i, 0.0))
            if p < self.threshold:
                out.append([])
                continue
            details: dict[str, object] = {
                "head": self.head.model,
                "head_ngrams": self.head.top_features(text),
            }
            if (
                {m.cue for m in signals[i]} == {"link"}
                or CIVIC.search(text)
                or COMPLAINT.search(text)
            ):
                details["review_only"] = True  # a link alone, civic speech, a complaint
            out.append(
                [
                    Flag(
                        "spam",
                        p,
                        self.threshold,
                        "sms_spam",
                        self.version,
                        "head_with_commercial_signal",
                        signals[i],
                        details,
                    )
                ]
            )
        return out
