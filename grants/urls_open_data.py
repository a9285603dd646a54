"""/open-data/360giving/: the grants' open data, beside the call-offs' OCDS under /open-data/."""

from django.urls import path

from grants import views_open_data

app_name = "threesixty"

urlpatterns = [
    path("grants.json", views_open_data.grants_json, name="grants_json"),
    path("grants.csv", views_open_data.grants_csv, name="grants_csv"),
]
