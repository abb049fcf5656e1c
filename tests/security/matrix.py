"""The access matrix: every URL pattern of the project, classified, with who may reach it.

``tests/security/test_access_matrix.py`` walks the URL resolver and fails for any pattern
that is not in ``ROUTES`` (named patterns by "namespace:name", unnamed ones by their route)
or under ``ADMIN_PREFIX``. When you add a view, add its entry here:

- ``public``: no sign-in (the notification form, record-link pages, health, static
  content, the sign-in and password-reset pages). Anonymous GETs must not fail or write.
- ``disabled``: allauth pages this service switched off: 404 for everyone.
- ``account``: the signed-in person's own account pages: any role; anonymous to sign-in.
- ``staff-list``: pages not about one object (lists, forms to create): ``allowed`` roles.
- ``staff-object``: pages of one object. Each ``Probe`` names the object, in the ``icb``
  world and in the other ICB's (``tests/security/conftest.py``), and who may reach the
  ``icb`` one. Everyone else, and every role on the other ICB's object, gets 403 or 404 for
  GET and POST, and nothing in the database changes.
- everything under ``admin/`` (the Django admin, ``ADMIN_PREFIX``): the test probes the
  index and every model's changelist found in the resolver; only a system administrator
  whose session passed MFA gets in.

Roles are the world's people (``Actor``): "reviewer" is the one allocated to the case,
"reviewer-idle" a reviewer of the same ICB who is not; "qa-member" is invited to the
meeting, "qa-idle" is not.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

ADMIN_PREFIX = "admin/"


class Actor(enum.StrEnum):
    ANONYMOUS = "anonymous"
    LAC = "lac"
    ADMINISTRATOR = "administrator"
    REVIEWER = "reviewer"
    SENIOR = "senior"
    REVIEWER_IDLE = "reviewer-idle"
    QA_MEMBER = "qa-member"
    QA_IDLE = "qa-idle"
    GOVERNANCE = "governance"
    REGIONAL = "regional"
    SYSADMIN = "sysadmin"


class Kind(enum.StrEnum):
    PUBLIC = "public"
    DISABLED = "disabled"
    ACCOUNT = "account"
    STAFF_LIST = "staff-list"
    STAFF_OBJECT = "staff-object"


A = Actor
STAFF = frozenset(a for a in Actor if a is not A.ANONYMOUS)
CASE_READERS = frozenset({A.LAC, A.ADMINISTRATOR, A.REVIEWER, A.SENIOR})
ICB_MANAGERS = frozenset({A.LAC, A.ADMINISTRATOR})
RECORD_ASKERS = frozenset({A.LAC, A.ADMINISTRATOR, A.REVIEWER})
MEETING_READERS = frozenset({A.LAC, A.QA_MEMBER})
ACTION_PEOPLE = frozenset({A.LAC, A.GOVERNANCE})
REPORT_READERS = frozenset({A.LAC, A.GOVERNANCE, A.REGIONAL})
ONLY = frozenset  # ONLY({A.LAC}) reads better in the table below
NOBODY: frozenset[Actor] = frozenset()

GET = frozenset({"GET"})
POST = frozenset({"POST"})
BOTH = frozenset({"GET", "POST"})

# A target builds the URL's kwargs from the world and a side ("icb" or "other"); None
# means the probe has no object on that side.
Target = Callable[[Any, str], dict[str, Any] | None]


@dataclass(frozen=True)
class Probe:
    target: Target
    allowed: frozenset[Actor]
    post: frozenset[Actor] | None = None  # who may POST, when not the same as ``allowed``
    query: str | Callable[[Any], str] = ""  # the query string, or built from the world
    allowed_other: frozenset[Actor] = NOBODY  # national roles that see every ICB's object
    label: str = ""
    # Refused by going back to the person's own object page, nothing written or shown (a
    # child id that is not of this parent): counted as refused. 404 is the house style.
    refuses_by_redirect: bool = False

    def query_for(self, world: Any) -> str:
        return self.query(world) if callable(self.query) else self.query

    def may(self, actor: Actor, method: str, side: str) -> bool:
        if side != "icb":
            return actor in self.allowed_other
        if method == "POST" and self.post is not None:
            return actor in self.post
        return actor in self.allowed


@dataclass(frozen=True)
class Route:
    kind: Kind
    methods: frozenset[str] = GET  # the methods the view answers (others get 405)
    probes: tuple[Probe, ...] = ()
    note: str = ""


# --- targets ---------------------------------------------------------------------------


def _side(attr: str, key: str, field_name: str) -> Target:
    def target(world: Any, side: str) -> dict[str, Any]:
        return {key: getattr(getattr(world.sides[side], attr), field_name)}

    return target


def mine_only(**kwargs: Any) -> Target:
    """For pages that are not about an object: probed once, with these kwargs."""

    def target(world: Any, side: str) -> dict[str, Any] | None:
        return dict(kwargs) if side == "icb" else None

    return target


def mine_only_from(build: Callable[[Any], dict[str, Any]]) -> Target:
    def target(world: Any, side: str) -> dict[str, Any] | None:
        return build(world) if side == "icb" else None

    return target


notification = _side("notification", "reference", "reference")
case = _side("case", "reference", "reference")
case_qa = _side("case_qa", "reference", "reference")
profile = _side("profile", "key", "key")
meeting = _side("meeting", "pk", "pk")
action = _side("action", "pk", "pk")
record_request = _side("record_request", "key", "key")
record_file = _side("record_file", "key", "key")
pack = _side("pack", "pk", "pk")
report = _side("report", "pk", "pk")


def with_(base: Target, **extra: Any) -> Target:
    """``base``'s kwargs plus ``extra`` (values may be callables of the side)."""

    def target(world: Any, side: str) -> dict[str, Any] | None:
        kwargs = base(world, side)
        if kwargs is None:
            return None
        s = world.sides[side]
        return {**kwargs, **{k: v(s) if callable(v) else v for k, v in extra.items()}}

    return target


def mixed(base: Target, **theirs: Callable[[Any], Any]) -> Target:
    """My object in the path with the other ICB's child object (an IDOR attempt): probed
    on the ``icb`` side only, and nobody may reach it."""

    def target(world: Any, side: str) -> dict[str, Any] | None:
        if side != "icb":
            return None
        kwargs = base(world, "icb")
        assert kwargs is not None
        return {**kwargs, **{k: f(world.theirs) for k, f in theirs.items()}}

    return target


def unrouted(world: Any, side: str) -> dict[str, Any] | None:
    return {"reference": world.unrouted.reference} if side == "icb" else None


def p(target: Target, allowed: frozenset[Actor], **kw: Any) -> Probe:
    return Probe(target=target, allowed=allowed, **kw)


def staff_list(
    allowed: frozenset[Actor], methods: frozenset[str] = GET, *, query: str = "", **kwargs: Any
) -> Route:
    return Route(Kind.STAFF_LIST, methods, (p(mine_only(**kwargs), allowed, query=query),))


def obj(methods: frozenset[str], *probes: Probe, note: str = "") -> Route:
    return Route(Kind.STAFF_OBJECT, methods, probes, note)


def public(methods: frozenset[str] = GET, target: Target | None = None, note: str = "") -> Route:
    probes = (p(target, STAFF),) if target is not None else ()
    return Route(Kind.PUBLIC, methods, probes, note)


def account(methods: frozenset[str] = GET) -> Route:
    return Route(Kind.ACCOUNT, methods)


DISABLED = Route(Kind.DISABLED, GET, note="switched off: 404 (leder/auth/urls.py)")
EMAIL_KEY = mine_only(key="MQ:1abcde:abcdefghijklmnop")

ROUTES: dict[str, Route] = {
    # --- leder ---------------------------------------------------------------------------
    "home": staff_list(STAFF),
    "healthz": public(),
    "readyz": public(),
    "accessibility": public(),
    "privacy": public(),
    # --- accounts (leder/auth/urls.py first, then allauth's) -------------------------------
    "account/": account(),
    "account_security": account(),
    "account/login/": public(BOTH),
    "account/password/change/": account(BOTH),
    "account/2fa/": account(),
    "account/2fa/totp/activate/": account(BOTH),
    "account/2fa/totp/deactivate/": account(BOTH),
    "account/2fa/recovery-codes/": account(BOTH),
    "account/2fa/recovery-codes/download/": account(),
    "account/email/": DISABLED,
    "account/confirm-email/": DISABLED,
    "account/^confirm-email/(?P<key>[-:\\w]+)/$": Route(
        Kind.DISABLED, GET, (p(mine_only(_path="/account/confirm-email/MQ:1abc:xyz/"), NOBODY),)
    ),
    "account/password/set/": DISABLED,
    "account/login/code/confirm/": DISABLED,
    "account_login": public(BOTH),
    "account_logout": account(BOTH),
    "account_inactive": public(),
    "account_signup": public(BOTH, note="invite-only: sign-up is closed (AccountAdapter)"),
    "account_reauthenticate": account(BOTH),
    "account_email": DISABLED,
    "account_email_verification_sent": DISABLED,
    "account_change_password": account(BOTH),
    "account_set_password": DISABLED,
    "account_reset_password": public(BOTH),
    "account_confirm_login_code": DISABLED,
    "account_confirm_email": Route(Kind.DISABLED, GET, (p(EMAIL_KEY, NOBODY),)),
    "account_reset_password_from_key_done": public(),
    "account_reset_password_from_key": public(
        BOTH, mine_only(uidb36="1", key="set-password-bogus-key")
    ),
    "account_reset_password_done": public(),
    "mfa_index": account(),
    "mfa_authenticate": public(BOTH, note="the code step of signing in"),
    "mfa_reauthenticate": account(BOTH),
    "mfa_activate_totp": account(BOTH),
    "mfa_deactivate_totp": account(BOTH),
    "mfa_view_recovery_codes": account(BOTH),
    "mfa_generate_recovery_codes": account(BOTH),
    "mfa_download_recovery_codes": account(),
    # --- the public notification form (notifications/public_urls.py) ----------------------
    "notify:start": public(BOTH),
    "notify:check_answers": public(BOTH),
    "notify:confirmation": public(),
    "notify:step": public(BOTH, mine_only(slug="person")),
    # --- notifications (staff) -------------------------------------------------------------
    # Lists with a search form: POSTed searches redirect to a token URL (leder/lib/search.py).
    "notifications:list": staff_list(ONLY({A.LAC, A.ADMINISTRATOR, A.REGIONAL}), BOTH),
    "notifications:detail": obj(
        GET,
        p(notification, ICB_MANAGERS),
        p(unrouted, ONLY({A.REGIONAL}), label="unrouted"),
    ),
    "notifications:decision": obj(POST, p(notification, ICB_MANAGERS)),
    "notifications:opt_out": obj(BOTH, p(notification, ICB_MANAGERS)),
    "notifications:route": obj(
        POST,
        p(notification, NOBODY, label="routed already"),
        p(unrouted, ONLY({A.REGIONAL}), label="unrouted"),
    ),
    # --- reviews: lists and the reviewer directory ----------------------------------------
    "reviews:dashboard": staff_list(ICB_MANAGERS, BOTH),
    "reviews:my_reviews": staff_list(ONLY({A.REVIEWER, A.SENIOR, A.REVIEWER_IDLE})),
    "reviews:overrides": staff_list(ONLY({A.LAC, A.GOVERNANCE})),
    "reviews:reviewers": staff_list(ICB_MANAGERS),
    "reviews:reviewer_add": staff_list(ICB_MANAGERS, POST),
    "reviews:reviewer": obj(GET, p(profile, ICB_MANAGERS)),
    "reviews:reviewer_edit": obj(BOTH, p(profile, ICB_MANAGERS)),
    "reviews:employment_add": obj(BOTH, p(profile, ICB_MANAGERS)),
    "reviews:employment_edit": obj(
        BOTH,
        p(with_(profile, pk=lambda s: s.employment.pk), ICB_MANAGERS),
        p(mixed(profile, pk=lambda s: s.employment.pk), NOBODY, label="their employment"),
    ),
    "reviews:conflict_add": obj(BOTH, p(profile, ICB_MANAGERS)),
    "reviews:conflict_edit": obj(
        BOTH,
        p(with_(profile, pk=lambda s: s.conflict.pk), ICB_MANAGERS),
        p(mixed(profile, pk=lambda s: s.conflict.pk), NOBODY, label="their conflict"),
    ),
    # --- reviews: the case and allocation -------------------------------------------------
    "reviews:case": obj(GET, p(case, CASE_READERS)),
    "reviews:allocate": obj(BOTH, p(case, ONLY({A.LAC}))),
    "reviews:accept": obj(BOTH, p(case, CASE_READERS, post=ONLY({A.REVIEWER}))),
    "reviews:decline": obj(BOTH, p(case, ONLY({A.REVIEWER}))),
    "reviews:provider_add": obj(BOTH, p(case, ICB_MANAGERS)),
    "reviews:keep_reviewer": obj(POST, p(case, ONLY({A.LAC}))),
    "reviews:hold": obj(BOTH, p(case, ONLY({A.REVIEWER, A.LAC}))),
    "reviews:resume": obj(POST, p(case, ONLY({A.REVIEWER, A.LAC}))),
    # --- reviews: the review --------------------------------------------------------------
    "reviews:review": obj(GET, p(case, CASE_READERS)),
    "reviews:review_submit": obj(BOTH, p(case, ONLY({A.REVIEWER}))),
    "reviews:review_escalate": obj(BOTH, p(case, ONLY({A.REVIEWER, A.LAC, A.ADMINISTRATOR}))),
    "reviews:condolence_letter": obj(GET, p(case, ONLY({A.REVIEWER, A.LAC}))),
    "reviews:review_versions": obj(GET, p(case_qa, CASE_READERS)),
    "reviews:review_version": obj(GET, p(with_(case_qa, number=1), CASE_READERS)),
    "reviews:review_version_changes": obj(
        GET, p(with_(case_qa, number=1), CASE_READERS, query="from=1")
    ),
    "reviews:review_version_pdf": obj(
        GET,
        p(with_(case_qa, number=1), CASE_READERS),
        p(with_(case_qa, number=1), CASE_READERS, query="redacted=1", label="redacted"),
    ),
    "reviews:review_row_add": obj(BOTH, p(with_(case, kind="episodes"), ONLY({A.REVIEWER}))),
    "reviews:review_row_edit": obj(
        BOTH,
        p(with_(case, kind="episodes", pk=lambda s: s.episode.pk), ONLY({A.REVIEWER})),
        p(
            mixed(with_(case, kind="episodes"), pk=lambda s: s.episode.pk),
            NOBODY,
            label="their episode",
        ),
    ),
    "reviews:review_row_delete": obj(
        BOTH,
        p(with_(case, kind="episodes", pk=lambda s: s.episode.pk), ONLY({A.REVIEWER})),
        p(
            mixed(with_(case, kind="episodes"), pk=lambda s: s.episode.pk),
            NOBODY,
            label="their episode",
        ),
    ),
    "reviews:review_comment": obj(POST, p(with_(case, key="about-the-person"), ONLY({A.SENIOR}))),
    "reviews:review_comment_reply": obj(
        POST,
        p(with_(case, key="about-the-person", pk=lambda s: s.comment.pk), ONLY({A.REVIEWER})),
        p(
            mixed(with_(case, key="about-the-person"), pk=lambda s: s.comment.pk),
            NOBODY,
            label="their comment",
        ),
    ),
    "reviews:review_section": obj(
        BOTH, p(with_(case, key="about-the-person"), CASE_READERS, post=ONLY({A.REVIEWER}))
    ),
    # --- GP record requests (reviews/records) ---------------------------------------------
    "records:case": obj(GET, p(case, CASE_READERS)),
    "records:new": obj(BOTH, p(case, RECORD_ASKERS)),
    "records:request": obj(GET, p(record_request, CASE_READERS)),
    "records:cancel": obj(BOTH, p(record_request, RECORD_ASKERS)),
    "records:download": obj(GET, p(record_file, CASE_READERS)),
    "records:upload": public(BOTH, lambda w, side: {"token": w.sides[side].token}),
    "records:finish": public(POST, lambda w, side: {"token": w.sides[side].token}),
    "records:phone": public(BOTH, lambda w, side: {"token": w.sides[side].token}),
    # --- governance: meetings -------------------------------------------------------------
    "governance:meetings": staff_list(ONLY({A.LAC, A.QA_MEMBER, A.QA_IDLE, A.GOVERNANCE})),
    "governance:meeting_new": staff_list(ONLY({A.LAC}), BOTH),
    "governance:meeting": obj(GET, p(meeting, MEETING_READERS)),
    "governance:meeting_edit": obj(BOTH, p(meeting, ONLY({A.LAC}))),
    "governance:member_invite": obj(BOTH, p(meeting, ONLY({A.LAC}))),
    "governance:member_remove": obj(
        POST,
        p(with_(meeting, member_pk=lambda s: s.member.pk), ONLY({A.LAC})),
        p(
            mixed(meeting, member_pk=lambda s: s.member.pk),
            NOBODY,
            label="their member",
        ),
    ),
    "governance:attendance": obj(BOTH, p(meeting, ONLY({A.LAC}))),
    "governance:meeting_move": obj(POST, p(with_(meeting, move="start"), ONLY({A.LAC}))),
    "governance:agenda_add": obj(POST, p(meeting, ONLY({A.LAC}))),
    "governance:agenda_remove": obj(
        POST,
        p(with_(meeting, item_pk=lambda s: s.item.pk), ONLY({A.LAC})),
        p(mixed(meeting, item_pk=lambda s: s.item.pk), NOBODY, label="their item"),
    ),
    "governance:agenda_move": obj(
        POST, p(with_(meeting, item_pk=lambda s: s.item.pk, direction="up"), ONLY({A.LAC}))
    ),
    "governance:item": obj(
        GET,
        p(with_(meeting, item_pk=lambda s: s.item.pk), MEETING_READERS),
        p(mixed(meeting, item_pk=lambda s: s.item.pk), NOBODY, label="their item"),
    ),
    "governance:item_report": obj(
        GET,
        p(with_(meeting, item_pk=lambda s: s.item.pk, variant="redacted"), MEETING_READERS),
        p(
            with_(meeting, item_pk=lambda s: s.item.pk, variant="full"),
            ONLY({A.LAC}),
            label="full",
        ),
        p(
            mixed(with_(meeting, variant="redacted"), item_pk=lambda s: s.item.pk),
            NOBODY,
            label="their item",
        ),
    ),
    "governance:conflict_declare": obj(
        POST, p(with_(meeting, item_pk=lambda s: s.item.pk), MEETING_READERS)
    ),
    "governance:decision_record": obj(
        POST, p(with_(meeting, item_pk=lambda s: s.item.pk), ONLY({A.LAC}))
    ),
    "governance:decision_sign": obj(
        POST, p(with_(meeting, item_pk=lambda s: s.item.pk), MEETING_READERS)
    ),
    "governance:decision_withdraw": obj(
        POST, p(with_(meeting, item_pk=lambda s: s.item.pk), MEETING_READERS)
    ),
    "governance:amendments_check": obj(
        POST, p(with_(meeting, item_pk=lambda s: s.item.pk), ONLY({A.LAC}))
    ),
    "governance:minutes": obj(GET, p(meeting, MEETING_READERS)),
    "governance:addendum_add": obj(POST, p(meeting, ONLY({A.LAC}))),
    "governance:pack_request": obj(POST, p(meeting, ONLY({A.LAC}))),
    # --- governance: documents (panel packs: the meeting's readers; reports: the ICB's
    # report readers, and the regional coordinator for every ICB) ---------------------------
    **{
        name: obj(
            GET,
            p(pack, MEETING_READERS, label="panel pack"),
            p(report, REPORT_READERS, allowed_other=ONLY({A.REGIONAL}), label="report"),
        )
        for name in (
            "governance:document",
            "governance:document_status",
            "governance:document_download",
        )
    },
    # --- governance: actions --------------------------------------------------------------
    "governance:actions": staff_list(ACTION_PEOPLE),
    "governance:action_new": obj(
        BOTH,
        p(mine_only(), ACTION_PEOPLE),
        p(
            mixed(mine_only()),
            NOBODY,
            query=lambda w: f"meeting={w.theirs.meeting.pk}&item={w.theirs.item.pk}",
            label="from their decision",
        ),
    ),
    "governance:action": obj(GET, p(action, ACTION_PEOPLE)),
    "governance:action_edit": obj(BOTH, p(action, ACTION_PEOPLE)),
    "governance:action_status": obj(POST, p(action, ACTION_PEOPLE)),
    "governance:action_progress": obj(POST, p(action, ACTION_PEOPLE)),
    "governance:evidence_upload": obj(POST, p(action, ACTION_PEOPLE)),
    "governance:evidence_download": obj(
        GET,
        p(with_(action, evidence_pk=lambda s: s.evidence.pk), ACTION_PEOPLE),
        p(mixed(action, evidence_pk=lambda s: s.evidence.pk), NOBODY, label="their evidence"),
    ),
    # --- governance: KPIs and reports -----------------------------------------------------
    "governance:kpis": staff_list(REPORT_READERS),
    "governance:kpi_export": staff_list(REPORT_READERS, table="summary"),
    "governance:reports": staff_list(REPORT_READERS, BOTH),
}
