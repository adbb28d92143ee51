"""Training: courses, the curriculum each role must complete, and who completed what."""

from django.conf import settings
from django.db import models

from accounts.validators import validate_calendar_date, validate_duration_days
from governance.querysets import VisibleQuerySet


class Course(models.Model):
    """A course (an SOP read-and-understood, GxP basics, HIPAA awareness…)."""

    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    validity_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Completion expires after this many days; empty: never.",
        validators=[validate_duration_days],
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.title}"


class Curriculum(models.Model):
    """The courses every member of a role (an accounts.roles group) must have completed."""

    role = models.OneToOneField("auth.Group", on_delete=models.PROTECT, related_name="curriculum")
    courses = models.ManyToManyField(Course, related_name="curricula")
    due_days = models.PositiveIntegerField(
        default=30,
        help_text="Days a new assignment has to be completed.",
        validators=[validate_duration_days],
    )

    objects = VisibleQuerySet.as_manager()

    class Meta:
        ordering = ["role__name"]
        verbose_name_plural = "curricula"

    def __str__(self):
        return f"Curriculum: {self.role.name}"


class TrainingRecordQuerySet(VisibleQuerySet):
    """Managers (change permission) see everyone's records; other staff see their own."""

    def visible_to(self, user, action: str = "view"):
        if (
            action == "view"
            and user.is_authenticated
            and not user.has_perm("governance.change_trainingrecord")
        ):
            return self.filter(user=user) if user.has_perm("governance.view_trainingrecord") else self.none()
        return super().visible_to(user, action)


class TrainingRecord(models.Model):
    """One person's assignment of one course: assigned, due, completed, and until when it counts."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    assigned_on = models.DateField(validators=[validate_calendar_date])
    due_on = models.DateField(validators=[validate_calendar_date])
    completed_on = models.DateField(null=True, blank=True, validators=[validate_calendar_date])
    expires_on = models.DateField(null=True, blank=True, help_text="Set from the course at completion.")

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["user", "course"]
        indexes = [models.Index(fields=["course", "user"])]

    def __str__(self):
        return f"{self.user} — {self.course.code}"

    def is_current_on(self, day) -> bool:
        done = self.completed_on is not None and self.completed_on <= day
        return done and (self.expires_on is None or self.expires_on >= day)
