# A small image for the production-like deployment: the official Airflow image plus our pins and package.
FROM apache/airflow:3.3.2-python3.11
COPY --chown=airflow:0 requirements.txt pyproject.toml README.md /opt/ssw/
COPY --chown=airflow:0 include /opt/ssw/include
RUN pip install --no-cache-dir -r /opt/ssw/requirements.txt \
 && pip install --no-cache-dir --no-deps -e /opt/ssw
