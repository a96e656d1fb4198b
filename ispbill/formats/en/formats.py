"""One date style everywhere (issue 22): "20 Nov 2026" and "20 Nov 2026, 16:00", as the lists,
invoices and receipts already print them, for dates shown with Django's named formats too
(`date:"DATETIME_FORMAT"`, a bare `{{ when }}`), which were "Nov. 20, 2026, 4 p.m."."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "H:i"
