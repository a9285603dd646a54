"""A person's opportunity e-mail settings, and the unsubscribe link in every alert e-mail, which works
without signing in and without JavaScript: the link shows a page whose button turns the e-mails off
(docs/adr/0011-opportunity-alerts.md)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from calloffs.forms.alerts import AlertPreferenceForm
from portal import access, alerts
from portal.access import access as access_policy
from portal.exceptions import RuleBroken
from portal.form_kit import show_rule_broken


@access_policy(access.SUPPLIER_MEMBER)
def alert_settings(request: HttpRequest) -> HttpResponse:
    preference = alerts.preference_for(request.user)
    form = AlertPreferenceForm(request.POST or None, initial=AlertPreferenceForm.initial_for(preference))
    if request.method == "POST" and form.is_valid():
        try:
            alerts.preference_save(
                user=request.user,
                frequency=form.cleaned_data["frequency"],
                categories=form.cleaned_data["categories"],
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            messages.success(request, "Your opportunity e-mail settings have been saved")
            return redirect("calloffs:alert_settings")
    return render(request, "calloffs/alerts/settings.html", {"form": form})


@csrf_exempt  # a mail program's one-click POST has no CSRF token; the signed link is the proof
@access_policy(access.PUBLIC)
def unsubscribe(request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
    """GET: a page that asks to confirm; POST (the page's button, or a mail program's one-click
    List-Unsubscribe-Post, RFC 8058): the e-mails are turned off."""
    user = alerts.user_for_unsubscribe_token(unsubscribe_token)
    if user is None:
        return render(request, "calloffs/alerts/unsubscribe_invalid.html", status=404)
    if request.method == "POST":
        alerts.unsubscribe(token=unsubscribe_token)
        return render(request, "calloffs/alerts/unsubscribed.html", {"email": user.email})
    return render(request, "calloffs/alerts/unsubscribe.html", {"email": user.email})
