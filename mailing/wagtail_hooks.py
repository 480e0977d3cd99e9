"""Admin for the newsletters: subscribers, suppressed addresses, the sending dashboard, the Inbox.

All under one "Newsletters" menu. Subscribers are read-only here: their status only changes
through the services that record consent (subscribe, confirm, unsubscribe, erase).

Subscribers and suppressed addresses are model viewsets, not snippets, on purpose (issue #12,
item 4): Wagtail opens a snippet's chooser (`/admin/snippets/choose/…`) and its bulk-action
pages (which name the rows one may not act on) to every admin user, whatever their
permissions on the model. These rows are readers' personal data, which no page or form ever
picks; a ModelViewSet has neither door, and each of its views checks the model's permission
policy.
"""

from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from mailing import admin_views, services
from mailing.models import Subscriber, Suppression

SUBMENU_HOOK = "register_newsletters_menu_item"


class ViewOnlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, minus adding, editing and deleting: for everyone, superusers too."""

    def user_has_permission(self, user, action):
        if action != "view":
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Subscriber, ViewOnlyPermissionPolicy(Subscriber), exact_class=True)


class SubscriberViewSet(ModelViewSet):
    model = Subscriber
    name = "mailing_subscribers"
    url_prefix = "newsletters/subscribers"
    icon = "user"
    menu_label = _("Subscribers")
    list_display = [
        "email",
        Column("status", label=_("status"), accessor="get_status_display"),
        DateColumn("created_at", label=_("created")),
        DateColumn("confirmed_at", label=_("confirmed")),
    ]
    list_filter = ["status"]
    search_fields = ["email"]
    search_backend_name = None  # the database: addresses are never put in a search index
    # The policy refuses adding and editing to everyone; the form only has to exist.
    form_fields = ["email"]
    inspect_view_enabled = True
    inspect_view_class = admin_views.SubscriberInspectView
    inspect_view_fields = [
        "email",
        "status",
        "digest_hour",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "last_daily_digest_at",
        "last_weekly_digest_at",
    ]
    copy_view_enabled = False


class SuppressionForm(WagtailAdminModelForm):
    """An address added by hand, with the reason "manual"."""

    def clean_email(self):
        # The one spelling the services store and compare (lower case, IDNA domain).
        try:
            return services.normalise_address(self.cleaned_data["email"])
        except services.InvalidAddress as error:
            raise ValidationError(str(error)) from error

    def save(self, commit=True):
        if self.instance._state.adding:
            self.instance.reason = Suppression.Reason.MANUAL
        return super().save(commit=commit)


class SuppressionViewSet(ModelViewSet):
    model = Suppression
    name = "mailing_suppressions"
    url_prefix = "newsletters/suppressions"
    icon = "no-view"
    menu_label = _("Suppressed addresses")
    list_display = [
        "email",
        Column("reason", label=_("reason"), accessor="get_reason_display"),
        "detail",
        DateColumn("created_at", label=_("since")),
    ]
    list_filter = ["reason"]
    search_fields = ["email"]
    search_backend_name = None
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel("email"), FieldPanel("detail")], base_form_class=SuppressionForm
    )


class NewslettersViewSetGroup(ModelViewSetGroup):
    items = (SubscriberViewSet, SuppressionViewSet)
    menu_icon = "mail"
    menu_label = _("Newsletters")
    menu_name = "newsletters"
    submenu_hook = SUBMENU_HOOK


@hooks.register("register_admin_viewset")
def newsletters_viewsets():
    return NewslettersViewSetGroup()


@hooks.register("register_admin_urls")
def mailing_admin_urls():
    return [
        path("newsletters/dashboard/", admin_views.dashboard, name="mailing_dashboard"),
        path("newsletters/inbox/", admin_views.inbox, name="mailing_inbox"),
        path(
            "newsletters/inbox/<str:name>/",
            admin_views.inbox_message,
            name="mailing_inbox_message",
        ),
        path("newsletters/inbox/<str:name>/raw/", admin_views.inbox_raw, name="mailing_inbox_raw"),
    ]


class MailingMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.user_may_see_mailing(request.user)


@hooks.register(SUBMENU_HOOK)
def dashboard_menu_item():
    return MailingMenuItem(
        _("Sending dashboard"), reverse("mailing_dashboard"), icon_name="tasks", order=10
    )


@hooks.register(SUBMENU_HOOK)
def inbox_menu_item():
    return MailingMenuItem(_("Inbox"), reverse("mailing_inbox"), icon_name="mail", order=20)
