-- Item 3 (別紙1 番号3): permission to 特定技能 by change of status (20条) or extension of
-- the period of stay (21条). Includes 1号→2号 and 技能実習→特定技能 changes.
SELECT
    'SP' || CAST(sp.permission_id AS VARCHAR(20)) AS record_id,
    sp.permitted_on        AS event_date,
    CASE sp.kind WHEN 'change' THEN '在留資格変更許可（20条）'
                 ELSE '在留期間更新許可（21条）' END AS permission_kind,
    prev_st.name_ja        AS previous_status,
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
    rn.address             AS address,
    rn.municipality_code   AS municipality_code,
    e.name                 AS employer_name,
    e.address              AS employer_address,
    e.corporate_number     AS corporate_number,
    e.phone                AS employer_phone,
    e.representative       AS employer_representative
FROM status_permissions sp
JOIN statuses st ON st.status_code = sp.status_code AND st.is_ssw = 1
JOIN persons p ON p.person_id = sp.person_id
LEFT JOIN residence_cards rc ON rc.card_id = sp.card_id
LEFT JOIN status_permissions prev ON prev.permission_id = (
    SELECT s.permission_id FROM status_permissions s
    WHERE s.person_id = sp.person_id AND s.recorded_at < :window_end
      AND (s.permitted_on < sp.permitted_on
           OR (s.permitted_on = sp.permitted_on AND s.permission_id < sp.permission_id))
    ORDER BY s.permitted_on DESC, s.permission_id DESC LIMIT 1)
LEFT JOIN statuses prev_st ON prev_st.status_code = prev.status_code
LEFT JOIN residence_notifications rn ON rn.notification_id = (
    SELECT n.notification_id FROM residence_notifications n
    WHERE n.person_id = sp.person_id AND n.notified_on <= sp.permitted_on
      AND n.notice_arrived_at < :window_end
    ORDER BY n.notified_on DESC, n.notification_id DESC LIMIT 1)
LEFT JOIN employers e ON e.employer_id = sp.employer_id
WHERE sp.kind IN ('change', 'extension')
  AND sp.recorded_at >= :window_start AND sp.recorded_at < :window_end
ORDER BY sp.permission_id
