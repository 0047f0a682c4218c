"""The enrichment stages, in pipeline order: normalise → langid → tokens → embed → sentiment →
intent → (harm → flags, when the ``protect`` setting is on) → topics.

``default_stages(settings)`` builds them from settings (embedder, jieba user dictionary, threads).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from heard.stages.embed import EmbedStage
from heard.stages.intent import IntentStage
from heard.stages.langid import LangIdStage, LanguageDetector
from heard.stages.normalise import NormaliseStage, extract_entities, normalise_text
from heard.stages.sentiment import SentimentScorer, SentimentStage
from heard.stages.tokens import Segmenter, TokensStage, search_terms

if TYPE_CHECKING:
    from heard.pipeline.stage import Stage
    from heard.settings import Settings

__all__ = [
    "EmbedStage",
    "IntentStage",
    "LangIdStage",
    "LanguageDetector",
    "NormaliseStage",
    "Segmenter",
    "SentimentScorer",
    "SentimentStage",
    "TokensStage",
    "default_stages",
    "extract_entities",
    "normalise_text",
    "search_terms",
]


def default_stages(settings: Settings) -> list[Stage]:
    """The standard enrichment stages, in order, configured from ``settings``."""
    from heard.models import make_embedder
    from heard.listen.topics.stage import TopicStage

    embedder = make_embedder(settings.embedder, threads=settings.threads)
    stages: list[Stage] = [
        NormaliseStage(),
        LangIdStage(),
        TokensStage(Segmenter(settings.user_dict)),
        EmbedStage(embedder),
        SentimentStage(embedder_name=embedder.name),
        IntentStage(embedder_name=embedder.name),
    ]
    if settings.protect:
        from heard.protect.operator import FlagOperator
        from heard.protect.stage import HarmStage

        stages += [
            HarmStage(embedder_name=embedder.name),
            FlagOperator(settings.protect_auto_threshold, settings.protect_auto_action),
        ]
    stages.append(TopicStage(dim=embedder.dim))
    if settings.issues:
        from heard.listen.issues.operator import IssueOperator

        stages.append(IssueOperator(settings.issues_posts, settings.min_group_size))
    if settings.answer_cases:  # opt-in: route every new post and open its case
        from heard.answer.operator import CaseStage, configured_departments

        stages.append(
            CaseStage(
                configured_departments(settings),
                settings.router_model,
                embedder=embedder,
                embedder_spec=settings.embedder,
                timezone=settings.timezone,
                sources=settings.case_sources,
            )
        )
    return stages
