"""Scoring: a RAG status (and a 0–100 value) for every measure, with reasons, rolled up to
outcomes, priorities and the plan.

A *scorer* (:class:`Scorer`) turns the figures of an :class:`~perfcore.evaluation.Evaluation`
into :class:`~perfcore.codes.Status` codes for a block of measures × every organisation at
once. Built-in scorers — ``evidence`` (the default), ``change``, ``comparator``, ``target``,
``spc`` and ``composite`` (:mod:`perfcore.scoring.builtin`) — are registered through the
``perfcore_register_scorers`` hook exactly as third-party ones are. Every status rests on
evidence (its :class:`~perfcore.codes.StatusBasis`); a measure without any is grey and
says why. :func:`score` applies
the scorer each measure is configured with (:class:`ScoringConfig`) and rolls statuses up
by the configured rule (:func:`rollup`: ``worst``, ``majority``, ``mean``, ``threshold``).

Scoring reads the evaluation and the words of :mod:`perfcore.labels`; it never imports
the report stage.
"""

from perfcore.scoring.bases import default_slot
from perfcore.scoring.config import DEFAULT_SCORER, ScorerChoice, ScoringConfig, option_problems
from perfcore.scoring.evidence import DEFAULT_ORDER
from perfcore.scoring.protocol import Reasons, ScoreBlock, Scorer
from perfcore.scoring.rollup import DEFAULT_RULE, RollupRule, rollup
from perfcore.scoring.scores import ROLLUP_CATEGORIES, ExceptionItem, Rollup, Score, Scores, score

__all__ = ["DEFAULT_ORDER", "DEFAULT_RULE", "DEFAULT_SCORER", "ROLLUP_CATEGORIES",
           "ExceptionItem", "Reasons", "Rollup", "RollupRule", "Score", "ScoreBlock", "Scorer",
           "ScorerChoice", "Scores", "ScoringConfig", "default_slot", "option_problems",
           "rollup", "score"]
