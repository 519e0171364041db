"""Record-level data: one row per case, crime, incident or outcome.

Two ways in:

* :func:`read_records` and :class:`Records` (:mod:`perfcore.io.records.files`): a
  record-level CSV file read and validated whole, for a plugin's loader to count with
  numpy (the DVDS cases and absence spells loaders).
* :func:`aggregate_records` (:mod:`perfcore.io.records.engine`): record-level tables too
  large for that (police.uk street-level crimes: half a million rows a month for England
  and Wales) aggregated into observations by a query engine through **Ibis** — DuckDB on
  one machine by default (the ``records`` extra), Spark or a warehouse unchanged when the
  data outgrow it.
"""

from perfcore.io.records.engine import (
    RECORD_LAYOUTS,
    aggregate_records,
    count_query,
    load_records,
)
from perfcore.io.records.files import PERIODS, PeriodKind, Records, read_records

__all__ = ["PERIODS", "RECORD_LAYOUTS", "PeriodKind", "Records", "aggregate_records",
           "count_query", "load_records", "read_records"]
