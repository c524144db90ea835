{#- Pieces the item and accounting queries share, as Jinja macros (rendered once per file and database;
    values stay bound parameters). Each look-up joins, as ``alias``, the record in force on a date, as
    known before the window end, so a month rerun later gives the same answer.

    ``dialect`` is the database the statement is rendered for (queries.render):
    - postgresql: a LATERAL join taking the first row of the look-up's covering index (see
      schema/source.sql): one index descent per event, which the planner estimates as one row per event;
    - anything else (SQLite, and the portable form every database runs): the record's key chosen by a
      correlated subquery in the join condition, then the record by its primary key.
    Both take the same row: the latest by (date, id) among those recorded before the window end. ``when``
    (a condition on the outer row) skips the look-up for rows that do not need it: they get none.
    ``column`` (PostgreSQL; SQLite joins the whole row) is the only column the caller reads, if it reads one:
    when the look-up's index includes it, PostgreSQL reads the index alone (``status_code``: the accounting's
    status look-ups, item 3's previous status). -#}

{% macro _as_of(alias, table, key, person_column, person, order, condition, inner, when, column='*') -%}
{%- if dialect == 'postgresql' -%}
{{ 'JOIN' if inner else 'LEFT JOIN' }} LATERAL (
        SELECT {{ alias }}_x.{{ column }} FROM {{ table }} {{ alias }}_x
        WHERE {% if when %}({{ when }}) AND {% endif %}{{ alias }}_x.{{ person_column }} = {{ person }}
          AND {{ condition | replace('@', alias ~ '_x.') }}
        ORDER BY {{ alias }}_x.{{ order }} DESC, {{ alias }}_x.{{ key }} DESC LIMIT 1) {{ alias }} ON TRUE
{%- else -%}
{{ 'JOIN' if inner else 'LEFT JOIN' }} {{ table }} {{ alias }} ON {% if when %}({{ when }}) AND {% endif %}{{ alias }}.{{ key }} = (
        SELECT {{ alias }}_x.{{ key }} FROM {{ table }} {{ alias }}_x
        WHERE {{ alias }}_x.{{ person_column }} = {{ person }} AND {{ condition | replace('@', alias ~ '_x.') }}
        ORDER BY {{ alias }}_x.{{ order }} DESC, {{ alias }}_x.{{ key }} DESC LIMIT 1)
{%- endif -%}
{%- endmacro %}

{#- An item's events: the rows of ``table``, as ``alias``, that meet the condition of the call block. On
    PostgreSQL sorted by person first, so that the look-ups that follow read each index in order rather
    than at random (item 3 on a 14M-event source: a third less server time); the item orders its rows. -#}
{% macro events(table, alias) -%}
(SELECT {{ alias }}.* FROM {{ table }} {{ alias }}
    WHERE {{ caller() | trim }}
{%- if dialect == 'postgresql' %}
    ORDER BY {{ alias }}.person_id OFFSET 0
{%- endif %}) {{ alias }}
{%- endmacro %}

{#- The person's particulars (name, birth date, sex, nationality) in force on ``day``. -#}
{% macro particulars_on(alias, person, day, inner=False, when=None) -%}
{{ _as_of(alias, 'person_particulars', 'particulars_id', 'person_id', person, 'effective_on',
          '@effective_on <= ' ~ day ~ ' AND @recorded_at < :window_end', inner, when) }}
{%- endmacro %}

{#- The status permission the person held on ``day``. -#}
{% macro permission_on(alias, person, day, inner=False, when=None, column='*') -%}
{{ _as_of(alias, 'status_permissions', 'permission_id', 'person_id', person, 'permitted_on',
          '@permitted_on <= ' ~ day ~ ' AND @recorded_at < :window_end', inner, when, column) }}
{%- endmacro %}

{#- The permission a person held before this one (same date: a lower id). -#}
{% macro permission_before(alias, person, day, permission_id, inner=False, when=None, column='*') -%}
{{ _as_of(alias, 'status_permissions', 'permission_id', 'person_id', person, 'permitted_on',
          '(@permitted_on, @permission_id) < (' ~ day ~ ', ' ~ permission_id ~ ') AND @recorded_at < :window_end',
          inner, when, column) }}
{%- endmacro %}

{#- The residence card the person held on ``day``. -#}
{% macro card_on(alias, person, day, inner=False, when=None) -%}
{{ _as_of(alias, 'residence_cards', 'card_id', 'person_id', person, 'issued_on',
          '@issued_on <= ' ~ day ~ ' AND @recorded_at < :window_end', inner, when) }}
{%- endmacro %}

{#- The address: the latest notification whose municipality notice had arrived and was recorded. -#}
{% macro notification_on(alias, person, day, inner=False, when=None) -%}
{{ _as_of(alias, 'residence_notifications', 'notification_id', 'person_id', person, 'notified_on',
          '@notified_on <= ' ~ day ~ ' AND @notice_arrived_at < :window_end AND @recorded_at < :window_end', inner, when) }}
{%- endmacro %}

{#- The person's card number and particulars (spec columns card_number … nationality). -#}
{% macro person_columns(card_number) -%}
    {{ card_number }} AS card_number,
    p.name_roman           AS name_roman,
    p.name_kanji           AS name_kanji,
    p.birth_date           AS birth_date,
    p.sex                  AS sex,
    p.nationality          AS nationality,
{%- endmacro %}

{#- ``column`` is one of the values ``query`` selects; on PostgreSQL an array computed once, which an index on
    ``column`` can search (``IN (query)`` there is a join, or a filter of every row when inside an OR). -#}
{% macro one_of(column, query) -%}
{%- if dialect == 'postgresql' -%}
{{ column }} = ANY (ARRAY({{ query }}))
{%- else -%}
{{ column }} IN ({{ query }})
{%- endif -%}
{%- endmacro %}

{#- The employer of ``employer_id``, joined as ``e``: on PostgreSQL a LATERAL look-up by primary key, so that
    a misestimated window (an OR of two ranges, say) never turns it into a hash join over every employer. -#}
{% macro employer_of(employer_id) -%}
{%- if dialect == 'postgresql' -%}
LEFT JOIN LATERAL (SELECT e_x.* FROM employers e_x WHERE e_x.employer_id = {{ employer_id }} LIMIT 1) e ON TRUE
{%- else -%}
LEFT JOIN employers e ON e.employer_id = {{ employer_id }}
{%- endif -%}
{%- endmacro %}

{#- The employer (spec columns employer_name … employer_representative), joined as ``e``. -#}
{% macro employer_columns() -%}
    e.name                 AS employer_name,
    e.address              AS employer_address,
    e.corporate_number     AS corporate_number,
    e.phone                AS employer_phone,
    e.representative       AS employer_representative
{%- endmacro %}

{#- The ``column`` of the status ``code`` names (NULL for none, as a LEFT JOIN would give), as a scalar look-up by
    primary key. Joined after a look-up instead, PostgreSQL hashes the one looked-up row against ``statuses`` once
    per event: a sixth of item 3's time and a quarter of the residence notifications' accounting. -#}
{% macro status_of(column, code) -%}
(SELECT status_x.{{ column }} FROM statuses status_x WHERE status_x.status_code = {{ code }})
{%- endmacro %}
