-- Item 1 (別紙1 番号1): landing permission with 特定技能 status (上陸時).
-- Window: the permission's recorded_at within the data month (JST).
SELECT
    'SP' || CAST(sp.permission_id AS VARCHAR(20)) AS record_id,
    sp.permitted_on        AS event_date,
    rc.card_number         AS card_number,
    p.name_roman           AS name_roman,
    p.name_kanji           AS name_kanji,
    p.birth_date           AS birth_date,
    p.sex                  AS sex,
    p.nationality          AS nationality,
    st.name_ja             AS status,
    sp.ssw_field           AS ssw_field,
    sp.period_months       AS period_months,
    sp.expires_on          AS expires_on,
    e.name                 AS employer_name,
    e.address              AS employer_address,
    e.corporate_number     AS corporate_number,
    e.phone                AS employer_phone,
    e.representative       AS employer_representative
FROM status_permissions sp
JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
JOIN persons p ON p.person_id = sp.person_id
LEFT JOIN residence_cards rc ON rc.card_id = sp.card_id
LEFT JOIN employers e ON e.employer_id = sp.employer_id
WHERE sp.kind = 'landing'
  AND (sp.recorded_at >= :window_start AND sp.recorded_at < :window_end OR sp.permission_id IN :held_ids)
ORDER BY sp.permission_id
