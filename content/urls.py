from django.urls import path

from content import views

urlpatterns = [
    path("", views.asset_list, name="asset_list"),
    path("new/", views.asset_create, name="asset_create"),
    path("import/", views.asset_import, name="asset_import"),
    path("import/<int:pk>/confirm/", views.asset_import_confirm, name="asset_import_confirm"),
    path("glossary/", views.glossary, name="glossary"),
    path("glossary/<int:pk>/edit/", views.term_edit, name="term_edit"),
    path("glossary/<int:pk>/delete/", views.term_delete, name="term_delete"),
    path("<int:pk>/", views.asset_detail, name="asset_detail"),
    path("<int:pk>/edit/", views.asset_edit, name="asset_edit"),
    path("<int:pk>/delete/", views.asset_delete, name="asset_delete"),
    path("<int:pk>/file/", views.asset_file, name="asset_file"),
]
