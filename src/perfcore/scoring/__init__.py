"""Scoring: a RAG status (and a 0–100 value) for every measure, with reasons, rolled up to
outcomes, priorities and the plan.

A *scorer* (:class:`Scorer`) turns the figures of an :class:`~perfcore.evaluation.Evaluation`
into :class:`~perfcore.codes.Status` codes for a block of measures × every organisation at
once. Built-in scorers — ``direction``, ``comparator``, ``target``, ``spc`` and
``composite`` (:mod:`perfcore.scoring.builtin`) — are registered through the
``perfcore_register_scorers`` hook exactly as third-party ones are. :func:`score` applies
the scorer each measure is configured with (:class:`ScoringConfig`) and rolls statuses up
by the configured rule (:func:`rollup`: ``worst``, ``majority``, ``mean``, ``threshold``).

Scoring reads the evaluation and the words of :mod:`perfcore.labels`; it never imports
the report stage.
"""

from perfcore.scoring.config import DEFAULT_SCORER, ScorerChoice, ScoringConfig, option_problems
from perfcore.scoring.protocol import Reasons, ScoreBlock, Scorer
from perfcore.scoring.rollup import DEFAULT_RULE, RollupRule, rollup
from perfcore.scoring.scores import (
    ExceptionItem,
    Score,
    Scores,
    comparator_status,
    default_slot,
    score,
)

__all__ = ["DEFAULT_RULE", "DEFAULT_SCORER", "ExceptionItem", "Reasons", "RollupRule",
           "Score", "ScoreBlock", "Scorer", "ScorerChoice", "Scores", "ScoringConfig",
           "comparator_status", "default_slot", "option_problems", "rollup", "score"]
