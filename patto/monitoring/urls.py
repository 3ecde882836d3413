"""Public pages of the monitoring of the plan in force."""

from patto.monitoring.report_urls import urlpatterns as report_urls

app_name = "monitoring"

urlpatterns = []
urlpatterns += report_urls
