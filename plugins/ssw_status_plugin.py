"""The provision status page in the Airflow UI (menu "SSW provision status"), served by the API server
behind Airflow's authentication: see ssw_linkage.airflow_glue.status_page."""

from airflow.plugins_manager import AirflowPlugin

from ssw_linkage.airflow_glue.status_page import URL_PREFIX, app


class SswStatusPlugin(AirflowPlugin):
    name = "ssw_status"
    fastapi_apps = [{"app": app, "url_prefix": URL_PREFIX, "name": "SSW provision status"}]
    external_views = [
        {"name": "SSW provision status", "href": f"{URL_PREFIX}/", "destination": "nav", "url_route": "ssw-status"}
    ]
