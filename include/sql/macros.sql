{#- Pieces the item and accounting queries share, as Jinja macros (rendered once when a query is
    loaded; values stay bound parameters). Each look-up returns the id of the record in force on a
    date, as known before the window end, so a month rerun later gives the same answer. -#}

{% macro particulars_on(person, day) -%}
(SELECT pp.particulars_id FROM person_particulars pp
         WHERE pp.person_id = {{ person }} AND pp.effective_on <= {{ day }} AND pp.recorded_at < :window_end
         ORDER BY pp.effective_on DESC, pp.particulars_id DESC LIMIT 1)
{%- endmacro %}

{% macro permission_on(person, day) -%}
(SELECT s.permission_id FROM status_permissions s
         WHERE s.person_id = {{ person }} AND s.permitted_on <= {{ day }} AND s.recorded_at < :window_end
         ORDER BY s.permitted_on DESC, s.permission_id DESC LIMIT 1)
{%- endmacro %}

{#- The permission a person held before this one (same date: a lower id). -#}
{% macro permission_before(person, day, permission_id) -%}
(SELECT s.permission_id FROM status_permissions s
         WHERE s.person_id = {{ person }} AND s.recorded_at < :window_end
           AND (s.permitted_on < {{ day }}
                OR (s.permitted_on = {{ day }} AND s.permission_id < {{ permission_id }}))
         ORDER BY s.permitted_on DESC, s.permission_id DESC LIMIT 1)
{%- endmacro %}

{% macro card_on(person, day) -%}
(SELECT c.card_id FROM residence_cards c
         WHERE c.person_id = {{ person }} AND c.issued_on <= {{ day }} AND c.recorded_at < :window_end
         ORDER BY c.issued_on DESC, c.card_id DESC LIMIT 1)
{%- endmacro %}

{#- The address: the latest notification whose municipality notice had arrived and was recorded. -#}
{% macro notification_on(person, day) -%}
(SELECT n.notification_id FROM residence_notifications n
         WHERE n.person_id = {{ person }} AND n.notified_on <= {{ day }}
           AND n.notice_arrived_at < :window_end AND n.recorded_at < :window_end
         ORDER BY n.notified_on DESC, n.notification_id DESC LIMIT 1)
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

{#- The employer (spec columns employer_name … employer_representative), joined as ``e``. -#}
{% macro employer_columns() -%}
    e.name                 AS employer_name,
    e.address              AS employer_address,
    e.corporate_number     AS corporate_number,
    e.phone                AS employer_phone,
    e.representative       AS employer_representative
{%- endmacro %}
