"""The public "who runs our accounts" page, the register the committee keeps, moderation records by
the designated supervisors, and the designated person's check of a post draft."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from people.models import STAFF_ROLE_KINDS, WELFARE_ROLE_KINDS, Person, Role, TrainingRecord, club_today
from people.roles import holds_role
from people.selectors import person_for_user
from sefton_safety.middleware import public_page
from sefton_safety.pickers import picker_answer

from . import access, posts, rules, services
from .exceptions import AccountError
from .forms import (
    AdviceAnswerForm,
    AdviceAskForm,
    AppointmentForm,
    CustodiansChangeForm,
    ModerationForm,
    PostCheckForm,
    ReviewForm,
    RotationForm,
)
from .models import ClubAccount, ModerationRecord
from .selectors import accounts_with_status, advice_list_for_user, designated_name


def _require(request, *kinds, message):
    if not holds_role(request.user, *kinds):
        raise PermissionDenied(message)


def _person(request):
    return person_for_user(request.user)


@public_page
def public_accounts(request):
    """ACC-7: anyone, without signing in, sees who runs each account and whom to tell of a concern."""
    first, last = designated_name()
    accounts = ClubAccount.objects.filter(listed_publicly=True).annotate(designated_first=first, designated_last=last)
    welfare = (
        Person.objects.holding(*WELFARE_ROLE_KINDS)
        .select_related("user")
        .prefetch_related("roles")
        .order_by("last_name")
    )
    officers = [
        {
            "name": officer.full_name,
            "email": officer.email_address,
            "lead": any(r.kind == Role.Kind.WELFARE_OFFICER and r.is_current() for r in officer.roles.all()),
        }
        for officer in welfare
    ]
    return render(request, "accounts_registry/public_accounts.html", {"accounts": accounts, "officers": officers})


@login_required
def register(request):
    _require(request, *access.READERS, message=access.ACCOUNT_ACTIONS["read"][1])
    return render(
        request,
        "accounts_registry/account_register.html",
        {"accounts": accounts_with_status(), "is_committee": holds_role(request.user, Role.Kind.COMMITTEE)},
    )


def _detail_context(request, account, **forms):
    person = _person(request)
    is_committee = holds_role(request.user, Role.Kind.COMMITTEE)
    appointment = account.appointments.filter(ended_on__isnull=True).select_related("person").first()
    training = []
    if appointment is not None:
        training = list(
            TrainingRecord.objects.filter(person=appointment.person, kind=TrainingRecord.Kind.ONLINE_SAFETY).order_by(
                "-completed_on"
            )
        )
    today = club_today()
    rotations = list(account.rotations.select_related("recorded_by"))
    for rotation in rotations:
        rotation.overdue = rules.rotation_overdue(due_since=rotation.due_since, done_on=rotation.done_on, today=today)
    context = {
        "account": accounts_with_status(ClubAccount.objects.filter(pk=account.pk))[0],
        "custodians": list(
            account.custodians.select_related("person").order_by(
                F("ended_on").desc(nulls_first=True), "person__last_name"
            )
        ),
        "rotations": rotations,
        "reviews": list(account.reviews.select_related("reviewed_by")),
        "appointment": appointment,
        "training": training,
        "training_current": any(record.is_current() for record in training),
        "advice": list(account.advice.select_related("asked_by", "answered_by")),
        "moderation": list(account.moderation.select_related("recorded_by", "author")[:20]),
        "is_committee": is_committee,
        "is_designated": appointment is not None and person is not None and appointment.person_id == person.pk,
        "is_welfare": holds_role(request.user, *WELFARE_ROLE_KINDS),
    }
    if is_committee:
        context.update(
            custodians_form=CustodiansChangeForm(account=account),
            rotation_form=RotationForm(),
            review_form=ReviewForm(),
            appointment_form=AppointmentForm(),
        )
    context.update(advice_form=AdviceAskForm(), answer_form=AdviceAnswerForm())
    context.update(forms)
    return context


@login_required
def account_detail(request, pk):
    account = access.club_account_get_for_user(request.user, pk)
    return render(request, "accounts_registry/account_detail.html", _detail_context(request, account))


def _refused(request, account, **forms):
    return render(
        request, "accounts_registry/account_detail.html", _detail_context(request, account, **forms), status=400
    )


@login_required
@require_POST
def custodians_change(request, pk):
    account = access.club_account_get_for_user(request.user, pk, "custodians")
    form = CustodiansChangeForm(request.POST, account=account)
    if form.is_valid():
        try:
            services.custodians_change(
                account=account,
                by=_person(request),
                add=form.cleaned_data["add"],
                remove=form.cleaned_data["remove"],
                reason=form.cleaned_data["reason"],
            )
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            flash.success(request, "The custodians are changed.")
            return redirect("accounts_registry:account-detail", pk=pk)
    return _refused(request, account, custodians_form=form)


@login_required
@require_POST
def rotation_record(request, pk, rotation_pk):
    rotation = access.password_rotation_get_for_user(request.user, pk, rotation_pk)
    form = RotationForm(request.POST)
    if form.is_valid():
        try:
            services.rotation_record(rotation=rotation, by=_person(request), done_on=form.cleaned_data["done_on"])
        except AccountError as error:
            form.add_error("done_on", str(error))
        else:
            flash.success(request, "The password change is recorded.")
            return redirect("accounts_registry:account-detail", pk=pk)
    return _refused(request, rotation.account, rotation_form=form)


@login_required
@require_POST
def review_record(request, pk):
    account = access.club_account_get_for_user(request.user, pk, "review")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_record(account=account, by=_person(request), **form.cleaned_data)
        except AccountError as error:
            form.add_error("note", str(error))
        else:
            return redirect("accounts_registry:account-detail", pk=pk)
    return _refused(request, account, review_form=form)


@login_required
@require_POST
def appointment_make(request, pk):
    account = access.club_account_get_for_user(request.user, pk, "appointment")
    form = AppointmentForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_make(account=account, by=_person(request), **form.cleaned_data)
        except AccountError as error:
            form.add_error(None, str(error))
        else:
            return redirect("accounts_registry:account-detail", pk=pk)
    return _refused(request, account, appointment_form=form)


@login_required
@require_POST
def advice_ask(request, pk):
    account = access.club_account_get_for_user(request.user, pk, "advice")
    form = AdviceAskForm(request.POST)
    if form.is_valid():
        services.advice_ask(account=account, asked_by=_person(request), question=form.cleaned_data["question"])
        flash.success(request, "Your question has gone to the welfare officers.")
        return redirect("accounts_registry:account-detail", pk=pk)
    return _refused(request, account, advice_form=form)


@login_required
@require_POST
def advice_answer(request, pk, advice_pk):
    advice = access.advice_request_get_for_user(request.user, advice_pk, account_pk=pk)
    form = AdviceAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.advice_answer(request=advice, by=_person(request), answer=form.cleaned_data["answer"])
        except AccountError as error:
            form.add_error("answer", str(error))
        else:
            return redirect("accounts_registry:account-detail", pk=pk)
    return _refused(request, advice.account, answer_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def advice_list(request):
    """ACC-5: any volunteer asks the welfare officer for safeguarding advice and reads the answers;
    the welfare officers read and answer every question."""
    _require(request, *STAFF_ROLE_KINDS, message="Questions for the welfare officer come from the club's volunteers.")
    form = AdviceAskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.advice_ask(asked_by=_person(request), question=form.cleaned_data["question"])
        except AccountError as error:
            form.add_error("question", str(error))
        else:
            flash.success(
                request, "Your question has gone to the welfare officers. You will get an email when it is answered."
            )
            return redirect("accounts_registry:advice-list")
    return _advice_page(request, advice_form=form, status=400 if request.method == "POST" else 200)


def _advice_page(request, *, advice_form=None, answer_form=None, answering=None, status=200):
    is_welfare = holds_role(request.user, *WELFARE_ROLE_KINDS)
    advice = list(advice_list_for_user(request.user))
    for item in advice:
        if is_welfare and item.answered_at is None:
            # Each answer box has its own ids, so each label points at its own box.
            mine = answering == item.pk and answer_form is not None
            item.answer_form = answer_form if mine else AdviceAnswerForm(auto_id=f"id_advice{item.pk}_%s")
    return render(
        request,
        "accounts_registry/advice_list.html",
        {"advice": advice, "advice_form": advice_form or AdviceAskForm(), "is_welfare": is_welfare},
        status=status,
    )


@login_required
@require_POST
def advice_reply(request, advice_pk):
    advice = access.advice_request_get_for_user(request.user, advice_pk)
    form = AdviceAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.advice_answer(request=advice, by=_person(request), answer=form.cleaned_data["answer"])
        except AccountError as error:
            form.add_error("answer", str(error))
        else:
            flash.success(request, "Your advice is recorded, and the volunteer is told by email.")
            return redirect("accounts_registry:advice-list")
    form.auto_id = f"id_advice{advice.pk}_%s"
    return _advice_page(request, answer_form=form, answering=advice.pk, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def moderation_new(request):
    """ACC-6: a designated supervisor records a removed post; the notices follow through the worker."""
    _require(request, Role.Kind.DESIGNATED_SUPERVISOR, message="Removed posts are recorded by a designated supervisor.")
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posts.moderation_record(recorded_by=_person(request), **data)
        except AccountError as error:
            form.add_error("reason" if "(MSG-" in str(error) else None, str(error))
        else:
            flash.success(request, "Recorded. The author, the people affected and the families are being told.")
            return redirect("accounts_registry:moderation-list")
    return render(request, "accounts_registry/moderation_new.html", {"form": form})


@login_required
@require_POST
def moderation_people(request, field):
    """The names the removed-post form's pickers offer, to whoever may record a removed post."""
    _require(request, Role.Kind.DESIGNATED_SUPERVISOR, message="Removed posts are recorded by a designated supervisor.")
    if field not in {"author", "affected", "children"}:
        raise Http404("No such list.")
    return picker_answer(request, ModerationForm().fields[field])


@login_required
def moderation_list(request):
    _require(request, *access.READERS, message="The moderation log is for the committee and the designated people.")
    records = ModerationRecord.objects.select_related("account", "recorded_by", "author").prefetch_related(
        "affected", "children"
    )[:100]
    return render(
        request,
        "accounts_registry/moderation_list.html",
        {"records": records, "can_record": holds_role(request.user, Role.Kind.DESIGNATED_SUPERVISOR)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_check(request):
    """ACC-8, ACC-9: the designated person checks a draft before publishing it."""
    _require(
        request,
        Role.Kind.DESIGNATED_PERSON,
        Role.Kind.DESIGNATED_SUPERVISOR,
        message="Post drafts are checked by the designated person.",
    )
    form = PostCheckForm(request.POST or None)
    findings = None
    if request.method == "POST" and form.is_valid():
        findings = posts.post_check(
            text=form.cleaned_data["text"],
            with_photo=form.cleaned_data["with_photo"],
            tagged_children=form.cleaned_data["tagged"],
        )
    return render(request, "accounts_registry/post_check.html", {"form": form, "findings": findings})


@login_required
@require_POST
def post_check_children(request):
    """The children the post check's picker offers, to whoever may check a post."""
    _require(
        request,
        Role.Kind.DESIGNATED_PERSON,
        Role.Kind.DESIGNATED_SUPERVISOR,
        message="Post drafts are checked by the designated person.",
    )
    return picker_answer(request, PostCheckForm().fields["tagged"])
