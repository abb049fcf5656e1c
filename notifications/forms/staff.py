"""Staff forms: list filters, the screening decision, opt-out and routing."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from leder.models import Organisation
from notifications.models import Notification, NotificationStatus
from notifications.services.decisions import DECISIONS
from notifications.workflow import NOTIFICATION_TRANSITIONS

DECISION_LABELS = {
    NotificationStatus.ELIGIBLE: "Eligible: open a case, awaiting allocation",
    NotificationStatus.INELIGIBLE: "Not eligible for a LeDeR review",
    NotificationStatus.DUPLICATE: "A duplicate of another notification of the same death",
    NotificationStatus.RECEIVED: "Screen it again (not a duplicate, or reopened)",
}


class ListFilterForm(forms.Form):
    q = forms.CharField(
        label="Search by reference, NHS number or name", required=False, max_length=100
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All statuses"), *NotificationStatus.choices],
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What is your screening decision?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select your screening decision",
            "invalid_choice": "Select your screening decision",
        },
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Do not include the person's name or NHS number",
        error_messages={"max_length": "Reason must be 1000 characters or fewer"},
    )
    duplicate_of = forms.ChoiceField(
        label="Which notification does it duplicate?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select the notification it duplicates"},
    )

    def __init__(
        self, *args: Any, notification: Notification, candidates: list[Notification], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.notification = notification
        self.candidates = {c.reference: c for c in candidates}
        allowed = NOTIFICATION_TRANSITIONS.targets(notification.status)
        choices = [(d.value, DECISION_LABELS[d]) for d in DECISIONS if d in allowed]
        if not candidates:
            choices = [c for c in choices if c[0] != NotificationStatus.DUPLICATE]
        self.decision_field.choices = choices
        self.duplicate_field.choices = [
            (
                c.reference,
                f"{c.reference}, received {c.received_at:%d/%m/%Y} ({c.get_status_display()})",
            )
            for c in candidates
        ]

    @property
    def decision_field(self) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields["decision"])

    @property
    def duplicate_field(self) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields["duplicate_of"])

    @property
    def has_choices(self) -> bool:
        return bool(self.decision_field.choices)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        decision = data.get("decision")
        if decision == NotificationStatus.INELIGIBLE and not data.get("reason"):
            self.add_error("reason", "Enter why the death is not eligible for a LeDeR review")
        if decision == NotificationStatus.RECEIVED and not data.get("reason"):
            self.add_error("reason", "Enter why this notification needs screening again")
        if decision == NotificationStatus.DUPLICATE:
            chosen = self.candidates.get(data.get("duplicate_of") or "")
            if chosen is None:
                self.add_error("duplicate_of", "Select the notification it duplicates")
            data["duplicate_of_notification"] = chosen
        return data


class OptOutForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm the person had registered a National Data Opt-Out",
        error_messages={"required": "Confirm the person had registered a National Data Opt-Out"},
    )


class RouteForm(forms.Form):
    icb = forms.ModelChoiceField(
        label="Which ICB should review this death?",
        queryset=Organisation.objects.icbs().active().order_by("name"),
        empty_label="Choose an ICB",
        error_messages={
            "required": "Select the ICB that should review this death",
            "invalid_choice": "Select the ICB that should review this death",
        },
    )
