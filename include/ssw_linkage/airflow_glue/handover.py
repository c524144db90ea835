"""The handover, recorded by an ISA officer in Airflow (Required Actions, or the REST API).

After the readiness notice the run waits in ``handover``, a human-in-the-loop task (Airflow 3.3 parks
it in the ``awaiting_input`` state: no worker slot, no trigger), until an officer answers its form:
received by, organisation, date and time, disc serial, image SHA-256 confirmed, and either
"handed over" or "disc rejected" with a reason. The answer is kept in ``.delivery/`` (the receiver's
name only there), audited with the officer who answered as the actor, and returned to XCom without
names. A rejection fails the task at once (no retry): the run's ``outcome`` mails the on-call officer
the reason; clearing ``handover`` asks again for the next attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import Param
from airflow.sdk.exceptions import AirflowFailException

from ssw_linkage.airflow_glue import settings
from ssw_linkage.audit import AuditLog, acting_as
from ssw_linkage.delivery import HANDOVER, REJECTED, Delivery
from ssw_linkage.errors import SswError
from ssw_linkage.months import DataMonth

log = logging.getLogger(__name__)

HANDED_OVER_OPTION, REJECTED_OPTION = "受け渡し完了 (handed over)", "受領拒否 (disc rejected)"
NOTICE_TASK = "notify_mhlw"


class DiscRejected(SswError, AirflowFailException):
    """MHLW refused the disc: recorded and audited; the run fails and its outcome mails the on-call officer."""


class IncompleteAnswer(SswError, AirflowFailException):
    """The officer's answer lacks what the record needs; clear the task to answer again."""


def _text(title: str, description: str, default: str = "", **schema: Any) -> Param:
    """A form field; checked when the answer is recorded (the form itself must validate empty)."""
    return Param(default, type="string", title=title, description=description, source="task", **schema)


FORM = {
    "received_by": _text("受領者氏名 (received by)", "MHLW staff member who received the disc (required)"),
    "organisation": _text("所属 (organisation)", "the receiver's office (required)", "厚生労働省年金局"),
    "received_at": Param(
        None,
        type=["string", "null"],
        format="date-time",
        title="受領日時 (date and time)",
        description="when the disc was handed over (required)",
        source="task",
    ),
    "disc_serial": _text("媒体番号 (disc serial)", "the serial written on the disc (required)"),
    "sha256_confirmed": Param(
        False,
        type="boolean",
        title="SHA-256 確認済み (image SHA-256 confirmed)",
        description="the receiver checked the image's SHA-256 against the readiness notice",
        source="task",
    ),
    "reason": _text("受領拒否の理由 (reason, if rejected)", "why the disc was rejected; no personal data"),
}

# One XCom read per rendered field (each is an Execution API round trip): the notice names its month.
_NOTICE = "{% set notice = ti.xcom_pull(task_ids='" + NOTICE_TASK + "') %}"
SUBJECT = _NOTICE + "{{ notice['data_month'] }}分 CD-R の受け渡しを記録してください（r{{ notice['revision'] }}）"
BODY = (
    _NOTICE
    + """厚生労働省の担当者に媒体（CD-R）と送付書を手渡したら、受領者・所属・日時・媒体番号と、
受領者が SHA-256 を確認したかを記録してください。受け取りを拒否された場合は「受領拒否」を選び、理由を書いてください。

- 対象月: {{ notice['data_month'] }}
- 版: r{{ notice['revision'] }}
- イメージの SHA-256: `{{ notice['image_sha256'] }}`
"""
)


class HandoverOperator(HITLOperator):
    """The handover form; its answer is recorded (see the module's docstring)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["params"] = FORM  # the form alone: the DAG's own params are not the officer's to answer
        super().__init__(subject=SUBJECT, body=BODY, options=[HANDED_OVER_OPTION, REJECTED_OPTION], **kwargs)

    def execute(self, context: Mapping[str, Any]) -> Any:
        """Ask, unless the noticed revision was already handed over (a rerun of a delivered month)."""
        notice = context["ti"].xcom_pull(task_ids=NOTICE_TASK)
        month, revision = DataMonth.parse(notice["data_month"]), notice["revision"]
        if Delivery(settings.staging_for(context["dag_run"]), month).handed_over(revision):
            log.info("%s r%d was already handed over; nothing to ask", month, revision)
            return {"data_month": str(month), "revision": revision, "outcome": HANDOVER, "asked": False}
        return super().execute(context)

    def execute_complete(self, context: Mapping[str, Any], event: dict[str, Any]) -> dict[str, Any]:
        answer = super().execute_complete(context, event)
        notice = context["ti"].xcom_pull(task_ids=NOTICE_TASK)
        return record(settings.staging_for(context["dag_run"]), notice, answer)


def record(root: Path, notice: Mapping[str, Any], answer: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the officer's answer for the noticed revision and audit it; returns it without names."""
    month, revision = DataMonth.parse(notice["data_month"]), notice["revision"]
    form, officer = dict(answer["params_input"]), (answer.get("responded_by_user") or {}).get("name", "unknown")
    rejected = answer["chosen_options"] == [REJECTED_OPTION]
    missing = [k for k in ("received_by", "organisation", "received_at", "disc_serial") if not form.get(k)]
    if rejected and not form.get("reason"):
        missing.append("reason")
    if missing:
        raise IncompleteAnswer(f"the handover answer lacks {', '.join(missing)}: clear the task and answer again")
    responded_at = answer["responded_at"]
    kept = {
        "data_month": str(month),
        "revision": revision,
        "image_sha256": notice["image_sha256"],
        "outcome": REJECTED if rejected else HANDOVER,
        **{k: form.get(k) for k in FORM},
        "recorded_by": officer,
        "recorded_at": responded_at if isinstance(responded_at, str) else responded_at.isoformat(),
    }
    digest = Delivery(root, month).record(kept["outcome"], revision, kept)
    facts = {
        "image_sha256": notice["image_sha256"],
        "sha256_confirmed": bool(form["sha256_confirmed"]),
        "disc_serial": form["disc_serial"],
        "received_at": form["received_at"],
        "record_sha256": digest,
    }
    with acting_as(officer):
        AuditLog(root).append("rejected" if rejected else "handed_over", month, revision, **facts)
    if rejected:
        raise DiscRejected(f"{month} r{revision}: MHLW rejected the disc: {form['reason']}")
    log.info("%s r%d handed over (recorded by %s)", month, revision, officer)
    return {"data_month": str(month), "revision": revision, "outcome": HANDOVER, "asked": True, **facts}
