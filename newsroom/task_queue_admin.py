"""The admin's view of the task queue (issue #15): what the workers still have to do, by
kind, and how fast they go. Read-only; the same figures as `manage.py queue_progress`.

Registered with Wagtail's hooks when `newsroom.wagtail_hooks` imports this module.
"""

from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem

from newsroom.queue_progress import queue_progress


@require_admin_access
def task_queue(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(
        request, "newsroom/admin/task_queue.html", {"progress": queue_progress()}
    )


@hooks.register("register_admin_urls")
def task_queue_urls() -> list:
    return [path("file-des-taches/", task_queue, name="newsroom_task_queue")]


@hooks.register("register_settings_menu_item")
def task_queue_menu_item() -> MenuItem:
    return MenuItem(_("Task queue"), reverse("newsroom_task_queue"), icon_name="tasks", order=900)
