from django.urls import path

from kits import views as kit_views
from planner import views as planner_views
from suggestions import views as suggestion_views
from workspace import editing, map_pages, people, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("groups/", planner_views.group_list, name="group_list"),
    path("help/scoring/", views.scoring_help, name="scoring_help"),
    path("help/formats/", views.formats_help, name="formats_help"),
    path("organization/planning/", views.planner_settings, name="planner_settings"),
    path("groups/new/", planner_views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/map/<int:sid>/", map_pages.faction_map, name="faction_map"),
    path("groups/<int:pk>/edit/", planner_views.group_edit, name="group_edit"),
    path("groups/<int:pk>/archive/", planner_views.group_archive, name="group_archive"),
    path("groups/<int:pk>/people/", people.group_people, name="group_people"),
    path("groups/<int:pk>/people/search.json", people.people_search_json, name="people_search"),
    path("groups/<int:pk>/people/new/", editing.stakeholder_add, name="stakeholder_add"),
    path("groups/<int:pk>/people/<int:sid>/", editing.stakeholder_edit, name="stakeholder_edit"),
    path(
        "groups/<int:pk>/people/<int:sid>/delete/",
        editing.stakeholder_delete,
        name="stakeholder_delete",
    ),
    path("groups/<int:pk>/relationships/new/", editing.relationship_add, name="relationship_add"),
    path(
        "groups/<int:pk>/relationships/<int:rid>/",
        editing.relationship_edit,
        name="relationship_edit",
    ),
    path(
        "groups/<int:pk>/relationships/<int:rid>/delete/",
        editing.relationship_delete,
        name="relationship_delete",
    ),
    path("groups/<int:pk>/touches/new/", editing.touch_add, name="touch_add"),
    path("groups/<int:pk>/touches/<int:tid>/delete/", editing.touch_delete, name="touch_delete"),
    path(
        "groups/<int:pk>/people/<int:sid>/touches/",
        views.stakeholder_timeline,
        name="stakeholder_timeline",
    ),
    path(
        "groups/<int:pk>/suggestions/", suggestion_views.group_suggestions, name="group_suggestions"
    ),
    path(
        "groups/<int:pk>/suggestions/accept/", editing.suggestion_accept, name="suggestion_accept"
    ),
    path(
        "groups/<int:pk>/sends/<int:send_pk>/sent/",
        editing.planned_send_sent,
        name="planned_send_sent",
    ),
    path(
        "groups/<int:pk>/sends/<int:send_pk>/cancel/",
        editing.planned_send_cancel,
        name="planned_send_cancel",
    ),
    path("groups/<int:pk>/kits/new/", kit_views.kit_new, name="kit_new"),
    path("groups/<int:pk>/kits/<int:kid>/", kit_views.kit_detail, name="kit_detail"),
    path(
        "groups/<int:pk>/kits/<int:kid>/kit.pdf",
        kit_views.kit_download,
        {"fmt": "pdf"},
        name="kit_download_pdf",
    ),
    path(
        "groups/<int:pk>/kits/<int:kid>/kit.zip",
        kit_views.kit_download,
        {"fmt": "zip"},
        name="kit_download_zip",
    ),
    path("groups/<int:pk>/kits/<int:kid>/retry/", kit_views.kit_retry, name="kit_retry"),
    path("groups/<int:pk>/kits/<int:kid>/share/", kit_views.kit_share, name="kit_share"),
    path(
        "groups/<int:pk>/kits/<int:kid>/shares/<int:sid>/revoke/",
        kit_views.kit_share_revoke,
        name="kit_share_revoke",
    ),
    path("k/<str:token>/", kit_views.shared_kit, name="shared_kit"),
    path("k/<str:token>/kit.pdf", kit_views.shared_kit_pdf, name="shared_kit_pdf"),
    path(
        "k/<str:token>/files/<int:asset_pk>/",
        kit_views.shared_kit_file,
        name="shared_kit_file",
    ),
    path("groups/<int:pk>/import/", planner_views.group_import, name="group_import"),
    path(
        "groups/<int:pk>/import/<int:import_pk>/confirm/",
        planner_views.group_import_confirm,
        name="group_import_confirm",
    ),
    path(
        "groups/<int:pk>/export.csv",
        planner_views.group_export,
        {"fmt": "csv"},
        name="group_export_csv",
    ),
    path(
        "groups/<int:pk>/export.json",
        planner_views.group_export,
        {"fmt": "json"},
        name="group_export_json",
    ),
]
