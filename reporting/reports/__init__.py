"""Reports: a `ReportSpec` (metrics, dimension, filters, grain, period from the metric layer) is
read through the governed path into a `ReportDocument` (sections of a chart and a table), which
renders as PDF or CSV. The report builder, schedules and the customer portal all go this way."""
