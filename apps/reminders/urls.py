"""Staff actions on follow-ups (mounted at /follow-ups/)."""

from django.urls import path

from apps.reminders import views

app_name = "reminders"

urlpatterns = [
    path("<uuid:public_id>/send-link/", views.send_link, name="send-link"),
    path("<uuid:public_id>/tablet/", views.open_on_tablet, name="open-on-tablet"),
    path("<uuid:public_id>/task-done/", views.task_done, name="task-done"),
    path("<uuid:public_id>/undelivered-seen/", views.undelivered_seen, name="undelivered-seen"),
    path("<uuid:public_id>/uncertain/", views.resolve_uncertain, name="uncertain-resolve"),
]
