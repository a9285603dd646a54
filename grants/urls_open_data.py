"""/open-data/360giving/: the grants' open data, beside the call-offs' OCDS under /open-data/."""

from django.urls import path

from grants.views import open_data

app_name = "threesixty"

urlpatterns = [
    path("grants.json", open_data.grants_json, name="grants_json"),
    path("grants.csv", open_data.grants_csv, name="grants_csv"),
]
