"""Public pages of the monitoring of the plan in force."""

app_name = "monitoring"

urlpatterns = []
