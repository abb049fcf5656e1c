"""Core models: users, organisations, and the append-only access log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from leder.lib import prepared
from leder.roles import Role

if TYPE_CHECKING:
    from collections.abc import Iterable


class OrganisationType(models.TextChoices):
    ICB = "icb", "Integrated Care Board"
    GP_PRACTICE = "gp_practice", "GP practice"
    NHS_TRUST = "nhs_trust", "NHS trust"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    CARE_PROVIDER = "care_provider", "Care provider"
    OTHER = "other", "Other"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def icbs(self) -> OrganisationQuerySet:
        return self.filter(org_type=OrganisationType.ICB)

    def gp_practices(self) -> OrganisationQuerySet:
        return self.filter(org_type=OrganisationType.GP_PRACTICE)

    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def in_icb(self, icb: Organisation) -> OrganisationQuerySet:
        return self.filter(models.Q(pk=icb.pk) | models.Q(parent_icb=icb))

    def search(self, text: str) -> OrganisationQuerySet:
        text = text.strip()
        if not text:
            return self
        return self.filter(
            models.Q(name__icontains=text)
            | models.Q(ods_code__iexact=text)
            | models.Q(postcode__istartswith=text)
        )


class Organisation(models.Model):
    """Any organisation the system knows: ICBs, GP practices, trusts, councils, providers."""

    ods_code = models.CharField("ODS code", max_length=12, unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    org_type = models.CharField("type", max_length=20, choices=OrganisationType.choices)
    secure_email = models.EmailField(
        blank=True, help_text="Secure (nhs.net) mailbox for record requests and notices."
    )
    parent_icb = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_organisations",
        limit_choices_to={"org_type": OrganisationType.ICB},
        verbose_name="ICB",
    )
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["org_type", "parent_icb"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(org_type="icb") | models.Q(parent_icb__isnull=True),
                name="icb_has_no_parent_icb",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})" if self.ods_code else self.name

    @property
    def icb(self) -> Organisation | None:
        """The ICB this organisation belongs to (itself, for an ICB)."""
        return self if self.org_type == OrganisationType.ICB else self.parent_icb


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Users need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def group_names_query(user_id: int) -> models.QuerySet[Any]:
    """The names of a user's groups (their roles)."""
    return Group.objects.filter(user=user_id).values_list("name")


class User(AbstractBaseUser, PermissionsMixin):
    """A staff account. Signs in with email, password and an authenticator app (MFA)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    icb = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        limit_choices_to={"org_type": OrganisationType.ICB},
        verbose_name="ICB",
        help_text="Every ICB role belongs to one ICB; national roles have none.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        "admin site access", default=False, help_text="Can sign in to the admin site."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def roles(self) -> frozenset[Role]:
        """The user's roles, from their groups (cached per instance)."""
        cached = getattr(self, "_roles_cache", None)
        if cached is None:
            from leder.roles import role_for_group

            prefetched = getattr(self, "_prefetched_objects_cache", {}).get("groups")
            names: Iterable[str]
            if prefetched is not None or self.pk is None:
                names = (g.name for g in self.groups.all())
            else:  # every staff request asks: kept compiled (leder.lib.prepared)
                names = (name for (name,) in prepared.objects(group_names_query, int(self.pk)))
            cached = frozenset(r for r in map(role_for_group, names) if r is not None)
            self._roles_cache = cached
        return cached

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def for_object(self, obj: models.Model) -> AccessLogQuerySet:
        ct = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=ct, object_id=str(obj.pk))


class AccessLog(models.Model):
    """Append-only: one row per read of a case, document download or export.

    A database trigger (migration 0002) refuses UPDATE, and DELETE except inside the
    retention job (``SET LOCAL leder.allow_access_log_delete = 'on'``).
    """

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"
        PRINT = "print", "Printed"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    detail = models.CharField(max_length=200, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_id}"
