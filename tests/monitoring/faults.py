"""A renderer of monitoring reports that fails (``MONITORING_REPORT_RENDERER``)."""


def render_report(report):
    raise RuntimeError("Guasto simulato dal test")
