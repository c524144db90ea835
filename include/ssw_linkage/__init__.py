"""ssw-linkage: ISA → MHLW monthly data provision for Specified Skilled Workers (特定技能).

The core (spec, calendar, extraction, validation, writing, packaging) never imports Airflow;
the Airflow glue lives in :mod:`ssw_linkage.airflow_glue`.
"""

PROVISION_DAG_ID = "ssw_monthly_provision"  # the monthly DAG, which the CLI's backfill advice names too
