from django.contrib import admin

from accounts.people import people, person_name


class PersonListFilter(admin.RelatedOnlyFieldListFilter):
    """An owner filter listing people by name: only those who own rows here, never a machine account."""

    def field_choices(self, field, request, model_admin):
        owner_ids = model_admin.get_queryset(request).values(self.field_path)
        users = people(field.related_model.objects.filter(pk__in=owner_ids))
        return [
            (user.pk, person_name(user)) for user in users.order_by("first_name", "last_name", "username")
        ]
