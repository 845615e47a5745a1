"""The monthly participant plan page (MKE staff): thin over plan.services / plan.selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from menet_portal.models import Role
from menet_portal.permissions import role_required
from reports.selectors import current_programme, programme_indicators

from . import services
from .forms import MonthlyPlanForm
from .selectors import monthly_plan, plan_progress, programme_months


@role_required(Role.STAFF)
@never_cache
def edit(request):
    programme = current_programme()
    if programme is None:
        return render(request, "plan/edit.html", {"programme": None})
    indicators = programme_indicators(programme)
    months, edited = monthly_plan(programme, indicators)
    initial = {m.month: (m.info_day_participants, m.trainees) for m in months}
    form_months = programme_months(programme)
    if request.method == "POST" and request.POST.get("action") == "reset":
        services.reset_monthly_plan(programme=programme)
        messages.success(request, _("A havi terv visszaállt az események dátumaiból számított alapértelmezésre."))
        return redirect("plan:edit")
    form = MonthlyPlanForm(request.POST or None, months=form_months, initial_rows=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_monthly_plan(programme=programme, rows=form.cleaned_rows(), user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("A havi résztvevői terv elmentve."))
                return redirect("plan:edit")
    totals = {
        "participants": sum(p for p, _t in initial.values()), "trainees": sum(t for _p, t in initial.values()),
    }
    return render(request, "plan/edit.html", {
        "programme": programme, "form": form, "edited": edited, "totals": totals,
        "plan": plan_progress(indicators),
    })
