-- Item 1 (別紙1 番号1): landing permission with 特定技能 status (上陸時).
-- Window: the permission's recorded_at within the data month (JST).
-- Particulars are those in force on the landing date, as known at window end.
-- Look-ups run once per event in a materialized CTE and return ids; the main query joins by id.
WITH ev AS MATERIALIZED (
    SELECT sp.*,
        (SELECT pp.particulars_id FROM person_particulars pp
         WHERE pp.person_id = sp.person_id AND pp.effective_on <= sp.permitted_on AND pp.recorded_at < :window_end
         ORDER BY pp.effective_on DESC, pp.particulars_id DESC LIMIT 1) AS particulars_id
    FROM status_permissions sp
    JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
    WHERE sp.kind = 'landing'
      AND (sp.recorded_at >= :window_start AND sp.recorded_at < :window_end OR sp.permission_id IN :held_ids)
)
SELECT
    'SP' || CAST(ev.permission_id AS VARCHAR(20)) AS record_id,
    ev.permitted_on        AS event_date,
    rc.card_number         AS card_number,
    p.name_roman           AS name_roman,
    p.name_kanji           AS name_kanji,
    p.birth_date           AS birth_date,
    p.sex                  AS sex,
    p.nationality          AS nationality,
    st.name_ja             AS status,
    ev.ssw_field           AS ssw_field,
    ev.period_months       AS period_months,
    ev.expires_on          AS expires_on,
    e.name                 AS employer_name,
    e.address              AS employer_address,
    e.corporate_number     AS corporate_number,
    e.phone                AS employer_phone,
    e.representative       AS employer_representative
FROM ev
JOIN statuses st ON st.status_code = ev.status_code
LEFT JOIN person_particulars p ON p.particulars_id = ev.particulars_id
LEFT JOIN residence_cards rc ON rc.card_id = ev.card_id
LEFT JOIN employers e ON e.employer_id = ev.employer_id
ORDER BY ev.permission_id
