"""The staff's pages of the monitoring of the plan in force, under /redazione/ (included by
``patto.programme.staff_urls``)."""

urlpatterns = []
