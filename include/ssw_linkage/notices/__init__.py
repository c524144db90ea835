"""The agreement's second channel (確認書 1(2)イ): 別添 notices to MHLW's Pension Bureau (年金局事業管理課).

When an employer's activity report (活動状況に係る届出) says some of its SSW workers have not completed
health-insurance and employees'-pension enrolment, the receiving bureau mails a form for that employer.
``selection`` finds them day by day, ``form`` renders the form, ``batch`` numbers, publishes and records
the officer's sign-off, ``register`` is the mailing register (発送簿).
"""
