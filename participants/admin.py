from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from menet_portal.admin_access import ProgrammeStaffAdmin, ProgrammeStaffInline, ReadOnlyAdmin

from . import services
from .models import FormSubmission, Organisation, Participant, ParticipantImport, Registration, RegistrationStatus

# Who holds a place is decided by participants.services only (capacity, waiting list, notices):
# the admin shows these fields and changes them through the actions below.
SERVICE_OWNED_FIELDS = ["participant", "info_day", "course", "status", "created_at", "confirmed_at",
                        "cancelled_at", "cancel_reason", "registered_by"]


@admin.register(Organisation)
class OrganisationAdmin(ProgrammeStaffAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "tax_number", "settlement", "size_band"]
    list_filter = ["kind", "size_band"]
    search_fields = ["name", "tax_number", "settlement"]


class RegistrationInline(ProgrammeStaffInline, admin.TabularInline):
    """Read-only: a registration is made, cancelled or moved through the services."""

    model = Registration
    extra = 0
    fields = ["info_day", "course", "status", "source", "created_at", "confirmed_at"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(ProgrammeStaffAdmin, SimpleHistoryAdmin):
    list_display = ["full_name", "email", "birth_year", "settlement", "target_group", "registering_library"]
    list_filter = ["target_group", "county__region", "registering_library"]
    list_select_related = ["registering_library"]
    search_fields = ["family_name", "given_name", "email", "settlement", "organisation__name"]
    raw_id_fields = ["organisation"]
    inlines = [RegistrationInline]
    # Consent is changed only by the person or by staff on their documented request
    # (privacy.services.record_consent, on the person's data-protection page); anonymisation
    # only by privacy.services.anonymise_participant. Deleting scrubs the person's history
    # (privacy.signals).
    readonly_fields = ["consent_given_at", "consent_text_version", "anonymised_at"]

    def has_add_permission(self, request):
        return False  # people are recorded in the workspace or imported, with their consent

    def _release_places(self, request, participants):
        # Deleting a person must not free their places silently: cancel them through the service first.
        for registration in Registration.objects.filter(
            participant__in=participants, status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
        ):
            services.cancel_registration(registration=registration, reason=_("A résztvevő adatait törölték."),
                                         cancelled_by=request.user)

    def get_deleted_objects(self, objs, request):
        # Their registrations go with them, cancelled through the service first (see below).
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(str(Registration._meta.verbose_name))
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        self._release_places(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._release_places(request, list(queryset))
        super().delete_queryset(request, queryset)


class CapacityThroughServicesMixin:
    """For the InfoDay and Course admins: a changed capacity goes through
    ``services.change_capacity`` (refused below the confirmed count, a raise promotes)."""

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)

        class CapacityForm(form_class):
            def clean_capacity(self):
                capacity = self.cleaned_data["capacity"]
                if self.instance.pk and capacity is not None:
                    refusal = services.capacity_refusal(event=self.instance, capacity=capacity)
                    if refusal:
                        raise forms.ValidationError(refusal)
                return capacity

        return CapacityForm

    def save_model(self, request, obj, form, change):
        if change and "capacity" in form.changed_data:
            capacity = obj.capacity
            obj.capacity = form.initial["capacity"]
            super().save_model(request, obj, form, change)
            try:
                services.change_capacity(event=obj, capacity=capacity, changed_by=request.user)
            except services.RegistrationError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)


class CancelReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("A lemondás oka"), max_length=300)


@admin.register(Registration)
class RegistrationAdmin(ProgrammeStaffAdmin, SimpleHistoryAdmin):
    """Status, event and times are read-only; cancel / reinstate / promote are actions that call
    participants.services, so the admin can neither exceed capacity nor skip the notices."""

    list_display = ["participant", "info_day", "course", "status", "source", "created_at"]
    # By programme and region, not by event: an event filter listed all 2,000 events of a national
    # programme in the sidebar (336 KiB a page); one event's registrations are its search or its page.
    list_filter = ["status", "source", "info_day__programme", "course__site__programme", "info_day__region"]
    list_select_related = ["participant", "info_day__library", "info_day__region", "course"]
    search_fields = ["participant__family_name", "participant__given_name", "participant__email"]
    readonly_fields = SERVICE_OWNED_FIELDS
    date_hierarchy = "created_at"
    actions = ["cancel_registrations", "reinstate_registrations", "promote_waiting_list"]

    def has_add_permission(self, request):
        return False  # registering goes through the portal (capacity, waiting list, notices)

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted place would promote nobody: cancel instead

    @admin.action(description=gettext_lazy("Lemondás (okkal; a várólista első jelentkezői bekerülnek)"))
    def cancel_registrations(self, request, queryset):
        form = CancelReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = promoted = 0
            for registration in queryset.exclude(status=RegistrationStatus.CANCELLED):
                try:
                    promotion = services.cancel_registration(
                        registration=registration, reason=form.cleaned_data["reason"], cancelled_by=request.user
                    )
                    promoted += len(promotion)
                    if promotion.message:
                        self.message_user(request, f"{registration.event}: {promotion.message}", messages.WARNING)
                    done += 1
                except services.RegistrationError as exc:
                    self.message_user(request, f"{registration}: {exc}", messages.ERROR)
            self.message_user(request, _("%(n)s jelentkezés lemondva, %(p)s fő került be a várólistáról.")
                              % {"n": done, "p": promoted}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/participants/registration/cancel_registrations.html", {
            **self.admin_site.each_context(request), "title": _("Jelentkezések lemondása"),
            "registrations": queryset.select_related("participant", "info_day", "course"), "form": form,
            "opts": self.model._meta,
        })

    @admin.action(description=gettext_lazy("Visszaállítás (szabad helyre, vagy ha betelt, a várólista végére)"))
    def reinstate_registrations(self, request, queryset):
        for registration in queryset:
            try:
                registration = services.reinstate_registration(registration=registration, reinstated_by=request.user)
            except services.RegistrationError as exc:
                self.message_user(request, f"{registration}: {exc}", messages.ERROR)
                continue
            self.message_user(request, _("%(reg)s: %(status)s") % {
                "reg": registration, "status": registration.get_status_display()}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Szabad helyek feltöltése a várólistáról (sorrendben)"))
    def promote_waiting_list(self, request, queryset):
        events = {(type(r.event), r.event.pk): r.event for r in queryset.select_related("info_day", "course")}
        promoted = []
        for event in events.values():
            promotion = services.fill_from_waiting_list(event=event)
            promoted += promotion
            if promotion.message:
                self.message_user(request, f"{event}: {promotion.message}", messages.WARNING)
        self.message_user(request, _("%(n)s fő került be a várólistáról.") % {"n": len(promoted)}, messages.SUCCESS)


@admin.register(ParticipantImport)
class ParticipantImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "created_by", "info_day", "course", "row_count", "status", "confirmed_count", "waitlisted_count", "created_at"]
    list_filter = ["status"]
    list_select_related = ["created_by", "info_day__library", "info_day__region", "course"]
    search_fields = ["file_name", "created_by__username", "message"]
    exclude = ["rows", "token"]


@admin.register(FormSubmission)
class FormSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["user", "created_at", "result_url"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "result_url"]
