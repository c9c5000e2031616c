"""The committee's register in the Django admin. Writes go through the services, so the admin
keeps the same rules (PPL-1 to PPL-4) and the same object grants as the rest of the portal."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from sefton_safety.admin_formsets import ServiceRowsFormSet
from sefton_safety.admin_widgets import KeyCheckedAutocompleteMixin
from sefton_safety.retention import RetentionNoteAdmin

from . import credentials, role_grants, services
from .exceptions import PeopleError
from .models import (
    Family,
    FamilyMember,
    LegalHold,
    Person,
    Role,
    Team,
    TeamPlayer,
    TeamStaff,
    TrainingRecord,
    User,
    adult_cutoff_date,
    club_today,
)
from .retention import legal_hold_lift, legal_hold_may_manage, legal_hold_place
from .selectors import person_for_user


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [("child", "Children (under 18)"), ("adult", "Adults")]

    def queryset(self, request, queryset):
        cutoff = adult_cutoff_date(club_today())
        if self.value() == "child":
            return queryset.filter(date_of_birth__gt=cutoff)
        if self.value() == "adult":
            return queryset.filter(Q(date_of_birth__lte=cutoff) | Q(date_of_birth__isnull=True))
        return queryset


class CurrentRoleFilter(admin.SimpleListFilter):
    title = "current role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.Kind.choices

    def queryset(self, request, queryset):
        if self.value():
            current = Role.objects.current().filter(person=OuterRef("pk"), kind=self.value())
            return queryset.filter(Exists(current))
        return queryset


class SignInFilter(admin.SimpleListFilter):
    title = "sign-in"
    parameter_name = "login"

    def lookups(self, request, model_admin):
        return [("yes", "Has a sign-in account"), ("no", "No sign-in account")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(user__isnull=False)
        if self.value() == "no":
            return queryset.filter(user__isnull=True)
        return queryset


class TeamPlaceFormSet(ServiceRowsFormSet):
    """A person's places in sides, on the person's page (PPL-2)."""

    linked = ("team",)

    def new_row_problem(self, data):
        return services.team_player_problem(team=data["team"], person=self.instance)


class TeamPlayerFormSet(ServiceRowsFormSet):
    """A side's players, on the team's page (PPL-2)."""

    linked = ("person",)

    def new_row_problem(self, data):
        return services.team_player_problem(team=self.instance, person=data["person"])


class TeamStaffFormSet(ServiceRowsFormSet):
    """A side's coaches and team managers, on the team's page (PPL-1)."""

    linked = ("person",)

    def new_row_problem(self, data):
        return services.team_staff_problem(team=self.instance, person=data["person"], kind=data["kind"])


def team_row_save(request, instance):
    """Saves one row of a team inline: a new place or post through the service, one already saved
    (its date, its post) as it is. Returns the service's refusal, or None."""
    if instance.pk is not None:
        instance.save()
        return None
    by = person_for_user(request.user)
    try:
        if isinstance(instance, TeamStaff):
            made = services.team_staff_add(team=instance.team, person=instance.person, kind=instance.kind, by=by)
        else:
            made = services.team_player_add(
                team=instance.team, person=instance.person, by=by, joined_on=instance.joined_on
            )
    except PeopleError as error:
        return error
    instance.pk, instance._state.adding = made.pk, False
    return None


class RoleAdminForm(forms.ModelForm):
    granting_user = None  # set by the admin for each request

    class Meta:
        model = Role
        fields = ["person", "kind", "starts_on", "ends_on", "note"]

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person") or getattr(self.instance, "person", None)
        if person is None or person.pk is None or not cleaned.get("kind") or not cleaned.get("starts_on"):
            return cleaned
        if self.instance.pk:
            problem = role_grants.role_change_problem(
                role=Role.objects.get(pk=self.instance.pk),
                changed_by=self.granting_user,
                person=person,
                kind=cleaned["kind"],
                starts_on=cleaned["starts_on"],
                ends_on=cleaned.get("ends_on"),
            )
        else:
            problem = role_grants.role_grant_problem(
                person=person, kind=cleaned["kind"], starts_on=cleaned["starts_on"], granted_by=self.granting_user
            )
        if problem:
            raise ValidationError(f"{problem} (PPL-1)")
        return cleaned


def role_save_from_admin(request, role):
    """The admin's role writes go through the services, which refuse what the form's check refused
    even if the form was skipped."""
    if role.pk is None:
        saved = role_grants.role_grant(
            person=role.person,
            kind=role.kind,
            granted_by=request.user,
            starts_on=role.starts_on,
            ends_on=role.ends_on,
            note=role.note,
        )
    else:
        saved = role_grants.role_change(
            role=role,
            changed_by=request.user,
            **{field: getattr(role, field) for field in role_grants.ROLE_CHANGEABLE_FIELDS},
        )
    role.pk = saved.pk
    role.refresh_from_db()
    if role.status == Role.Status.PENDING:
        messages.warning(
            request,
            f"{role}: the grant waits for a second committee member or welfare officer to confirm it, "
            "and gives no access until then.",
        )
    return role


class RoleInline(admin.TabularInline):
    model = Role
    form = RoleAdminForm
    fk_name = "person"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.granting_user = request.user
        return formset

    extra = 0
    fields = ["kind", "starts_on", "ends_on", "granted_by", "status", "note"]
    readonly_fields = ["granted_by", "status"]
    can_delete = False
    show_change_link = True


class TeamPlaceInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = TeamPlayer
    formset = TeamPlaceFormSet
    extra = 0
    autocomplete_fields = ["team"]


class PersonAdminForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = ["first_name", "last_name", "date_of_birth", "email", "mobile", "address", "postcode", "school"]

    def clean(self):
        cleaned = super().clean()
        candidate = Person(date_of_birth=cleaned.get("date_of_birth"))
        candidate.pk = self.instance.pk
        findings = services.person_contact_findings(
            person=candidate, mobile=cleaned.get("mobile"), email=cleaned.get("email")
        )
        for finding in findings:
            field = "mobile" if finding.code == "child_mobile_without_consent" else "email"
            self.add_error(field, f"{finding.message} ({finding.rule})")
        return cleaned


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    form = PersonAdminForm
    list_display = ["last_name", "first_name", "age_display", "role_list", "email", "has_login"]
    list_display_links = ["last_name", "first_name"]
    search_fields = ["first_name", "last_name", "email", "postcode", "user__email"]
    list_filter = [AgeFilter, CurrentRoleFilter, SignInFilter, "team_places__team"]
    readonly_fields = ["user", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "date_of_birth"]}),
        ("Contact", {"fields": ["email", "mobile", "address", "postcode"]}),
        ("Child's details", {"fields": ["school"], "classes": ["collapse"]}),
        ("Sign-in", {"fields": ["user", "created_at", "updated_at"]}),
    ]
    inlines = [RoleInline, TeamPlaceInline]
    actions = ["create_sign_in_accounts", "email_password_link", "disable_sign_in"]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("roles")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new record is made by the register's service, like every other (PPL-4 checked there too).
        person = services.person_create(**{field: form.cleaned_data[field] for field in PersonAdminForm.Meta.fields})
        obj.pk, obj._state.adding, obj._state.db = person.pk, False, person._state.db

    @admin.display(description="age", ordering="-date_of_birth")
    def age_display(self, obj):
        age = obj.age()
        if age is None:
            return "-"
        return f"{age} (child)" if obj.is_child() else str(age)

    @admin.display(description="current roles")
    def role_list(self, obj):
        today = club_today()
        return ", ".join(sorted(r.get_kind_display() for r in obj.roles.all() if r.is_current(today))) or "-"

    @admin.display(description="sign-in", boolean=True)
    def has_login(self, obj):
        return obj.user_id is not None and obj.user.is_active

    def has_delete_permission(self, request, obj=None):
        # A person's record is history (roles, consents, cases): it is never deleted, and the
        # delete page would list every record that points at them, cases included.
        return False

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for instance in instances:
            if isinstance(instance, TeamPlayer):
                refused = team_row_save(request, instance)
                if refused:
                    self.message_user(request, f"{instance.team} not joined: {refused}", messages.ERROR)
                continue
            if not isinstance(instance, Role):
                instance.save()
                continue
            try:
                role_save_from_admin(request, instance)
            except PeopleError as error:
                # Only a new person's rows reach here unchecked: the form cannot look them up yet.
                self.message_user(request, f"{instance.get_kind_display()} not granted: {error}", messages.ERROR)
        formset.save_m2m()

    @admin.action(description="Create sign-in accounts (guardians sign in by emailed link)")
    def create_sign_in_accounts(self, request, queryset):
        made = 0
        for person in queryset.filter(user__isnull=True):
            try:
                services.person_login_create(person=person)
                made += 1
            except PeopleError as error:
                self.message_user(request, f"{person}: {error}", messages.WARNING)
        self.message_user(request, f"{made} sign-in account(s) created.", messages.SUCCESS)

    @admin.action(description="Email staff a link to set their password")
    def email_password_link(self, request, queryset):
        sent = 0
        for person in queryset.filter(user__isnull=False).select_related("user"):
            if credentials.password_link_request(email=person.user.email):
                sent += 1
            else:
                self.message_user(
                    request,
                    f"{person}: only staff with an active account set a password; guardians sign in by link.",
                    messages.WARNING,
                )
        self.message_user(request, f"{sent} password link(s) queued.", messages.SUCCESS)

    @admin.action(description="Disable sign-in (ends their sessions now)")
    def disable_sign_in(self, request, queryset):
        count = 0
        for person in queryset.filter(user__isnull=False).select_related("user"):
            services.user_disable(user=person.user)
            count += 1
        self.message_user(request, f"Sign-in disabled for {count} person(s).", messages.SUCCESS)


@admin.register(Role)
class RoleAdmin(KeyCheckedAutocompleteMixin, SimpleHistoryAdmin):
    form = RoleAdminForm
    list_display = ["person", "kind", "status", "starts_on", "ends_on", "granted_by", "decided_by", "revoked_by"]
    list_filter = ["status", "kind", "starts_on", "ends_on"]
    search_fields = ["person__first_name", "person__last_name", "person__email", "note"]
    autocomplete_fields = ["person"]
    readonly_fields = ["status", "granted_by", "granted_at", "decided_by", "decided_at", "revoked_by", "revoked_at"]
    date_hierarchy = "starts_on"
    actions = ["confirm_grants", "refuse_grants", "revoke_today"]
    list_select_related = ["person", "granted_by", "decided_by", "revoked_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.granting_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        role_save_from_admin(request, obj)

    def _decide(self, request, queryset, decide, done):
        count = 0
        for role in queryset:
            try:
                decide(role=role, by=request.user)
                count += 1
            except PeopleError as error:
                self.message_user(request, f"{role}: {error}", messages.WARNING)
        self.message_user(request, f"{count} grant(s) {done}.", messages.SUCCESS)

    @admin.action(description="Confirm the selected grants (a second pair of eyes)")
    def confirm_grants(self, request, queryset):
        self._decide(
            request, queryset, lambda role, by: role_grants.role_confirm(role=role, confirmed_by=by), "confirmed"
        )

    @admin.action(description="Refuse the selected grants")
    def refuse_grants(self, request, queryset):
        self._decide(request, queryset, lambda role, by: role_grants.role_refuse(role=role, refused_by=by), "refused")

    @admin.action(description="Revoke the selected roles from today")
    def revoke_today(self, request, queryset):
        done = 0
        for role in queryset:
            try:
                role_grants.role_revoke(role=role, revoked_by=request.user)
                done += 1
            except PeopleError as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(request, f"{done} role(s) revoked.", messages.SUCCESS)


class FamilyMemberInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = FamilyMember
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "kind", "relationship", "parental_responsibility"]


class FamilyMemberInlineFormSet(ServiceRowsFormSet):
    """A new member joins through the service; a saved row keeps its person, so a guardian who
    leaves is removed (and loses the family) rather than replaced in place."""

    linked = ("person",)

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("person"):
                continue
            if data.get("kind") == FamilyMember.Kind.CHILD:
                if data["person"].date_of_birth is None:
                    raise ValidationError(f"{data['person']} needs a date of birth before joining as a child (PPL-2).")
                if not data["person"].is_child():
                    raise ValidationError(f"{data['person']} is 18 or over and manages their own record (PPL-2).")
                if data.get("parental_responsibility"):
                    form.add_error("parental_responsibility", "Only guardians hold parental responsibility (PPL-3).")


FamilyMemberInline.formset = FamilyMemberInlineFormSet


@admin.register(Family)
class FamilyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "postcode", "child_count", "guardian_count"]
    search_fields = ["name", "postcode", "members__person__first_name", "members__person__last_name"]
    list_filter = [("members__person__team_places__team", admin.RelatedOnlyFieldListFilter)]
    inlines = [FamilyMemberInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                children_n=Count("members", filter=Q(members__kind=FamilyMember.Kind.CHILD)),
                guardians_n=Count("members", filter=Q(members__kind=FamilyMember.Kind.GUARDIAN)),
            )
        )

    @admin.display(description="children", ordering="children_n")
    def child_count(self, obj):
        return obj.children_n

    @admin.display(description="guardians", ordering="guardians_n")
    def guardian_count(self, obj):
        return obj.guardians_n

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        # Object grants follow membership: a removed guardian stops reading the family at once (the
        # service removes and re-syncs), and added ones read it.
        touched = {f.instance.person for f in formset.forms if getattr(f.instance, "person_id", None)}
        instances = formset.save(commit=False)
        for member in formset.deleted_objects:
            services.family_member_remove(member=member)
        for instance in instances:
            if instance.pk is not None:
                instance.save()
                continue
            try:
                member = services.family_member_add(
                    family=form.instance,
                    person=instance.person,
                    kind=instance.kind,
                    relationship=instance.relationship,
                    parental_responsibility=instance.parental_responsibility,
                )
            except PeopleError as error:
                self.message_user(request, f"{instance.person} not added: {error}", messages.ERROR)
                continue
            instance.pk, instance._state.adding = member.pk, False
        formset.save_m2m()
        for person in touched:
            services.family_permissions_sync(person=person)


class TeamPlayerInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = TeamPlayer
    formset = TeamPlayerFormSet
    extra = 0
    autocomplete_fields = ["person"]


class TeamStaffInline(KeyCheckedAutocompleteMixin, admin.TabularInline):
    model = TeamStaff
    formset = TeamStaffFormSet
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "age_group"]
    list_filter = ["age_group"]
    search_fields = ["name"]
    inlines = [TeamStaffInline, TeamPlayerInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_formset(self, request, form, formset, change):
        # A new coach, manager or player is made by the service (PPL-1, PPL-2); removing one
        # deletes the link row, whose history is kept.
        instances = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        for instance in instances:
            refused = team_row_save(request, instance)
            if refused:
                self.message_user(request, f"{instance.person} not added: {refused}", messages.ERROR)
        formset.save_m2m()


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    list_display = ["email", "is_active", "last_login", "is_superuser"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fields = ["email", "first_name", "last_name", "is_active", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]

    def has_add_permission(self, request):
        # Accounts are made from a person's record, so every account belongs to someone known.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingRecord)
class TrainingRecordAdmin(KeyCheckedAutocompleteMixin, SimpleHistoryAdmin):
    list_display = ["person", "kind", "completed_on", "expires_on", "provider"]
    list_filter = ["kind", "expires_on"]
    search_fields = ["person__first_name", "person__last_name", "provider"]
    autocomplete_fields = ["person"]
    readonly_fields = ["recorded_by"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["person", "family", "reason"]

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("person")) == bool(cleaned.get("family")):
            raise ValidationError("Choose one person or one family.")
        return cleaned


class LegalHoldLiftForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["lift_reason"]

    def clean_lift_reason(self):
        reason = self.cleaned_data["lift_reason"].strip()
        if not reason:
            raise ValidationError("Say why the hold is lifted.")
        return reason


@admin.register(LegalHold)
class LegalHoldAdmin(RetentionNoteAdmin, SimpleHistoryAdmin):
    """Standing guarantee 5: while a hold is in place nothing about the person or family is purged.
    Holds are never deleted: lifting one records who, when and why."""

    list_display = ["__str__", "reason", "placed_by", "placed_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    search_fields = ["person__first_name", "person__last_name", "family__name", "reason"]
    autocomplete_fields = ["person", "family"]
    list_select_related = ["person", "family", "placed_by"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = LegalHoldForm if obj is None else LegalHoldLiftForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["person", "family", "reason"]
        return ["person", "family", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at", "lift_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["person", "family", "reason", "placed_by", "placed_at", "lifted_by", "lifted_at"]
        return readonly + (["lift_reason"] if not obj.is_active else [])

    def has_view_permission(self, request, obj=None):
        return legal_hold_may_manage(request.user)

    def has_add_permission(self, request):
        return legal_hold_may_manage(request.user)

    def has_change_permission(self, request, obj=None):
        return legal_hold_may_manage(request.user) and (obj is None or obj.is_active)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        now = timezone.now()
        if change:
            legal_hold_lift(
                hold=obj, by=person_for_user(request.user), reason=form.cleaned_data["lift_reason"], now=now
            )
        else:
            hold = legal_hold_place(
                by=person_for_user(request.user), person=obj.person, family=obj.family, reason=obj.reason, now=now
            )
            obj.pk = hold.pk
