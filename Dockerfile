# A small image for the production-like deployment: the official Airflow image plus our pins and our wheel.
FROM apache/airflow:3.3.2-python3.11 AS wheel
COPY --chown=airflow:0 pyproject.toml README.md /opt/ssw/
COPY --chown=airflow:0 include /opt/ssw/include
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /tmp/dist /opt/ssw

FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:0 requirements.txt constraints.txt /opt/ssw/
COPY --from=wheel --chown=airflow:0 /tmp/dist/ /opt/ssw/dist/
RUN pip install --no-cache-dir -r /opt/ssw/requirements.txt -c /opt/ssw/constraints.txt /opt/ssw/dist/ssw_linkage-*.whl
