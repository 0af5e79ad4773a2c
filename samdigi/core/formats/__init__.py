"""Local date and number formats (FORMAT_MODULE_PATH): English shows day-month dates, as the
British do, not the American month-day; Danish uses Django's own formats."""
