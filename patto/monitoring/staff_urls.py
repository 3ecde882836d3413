"""The staff's pages of the monitoring of the plan in force, under /redazione/ (included by
``patto.programme.staff_urls``)."""

from patto.monitoring.report_urls import staff_urlpatterns as report_staff_urls

urlpatterns = []
urlpatterns += report_staff_urls
