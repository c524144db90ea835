"""The agreement's second channel (確認書 1(2)イ): 別添 notices to MHLW's Pension Bureau (年金局事業管理課).

When an employer's activity report (活動状況に係る届出) says some of its SSW workers have not completed
health-insurance and employees'-pension enrolment, the receiving bureau mails a form for that employer.
``enrolment`` is the enrolment period, ``selection`` the reports of a bureau's day, ``form`` the 別添 PDF,
``batch`` numbers and publishes a day and records the officer's sign-off, ``register`` is the mailing
register (発送簿), ``layout`` the notices' directory, ``senders`` each bureau's officer and contact.
"""
