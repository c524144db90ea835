"""The Airflow corner of ssw_linkage: the only modules that import Airflow."""
