"""Hungarian date formats (FORMAT_MODULE_PATH): 2026. december 1., 24-hour time."""

DATE_FORMAT = "Y. F j."
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y. F j. H:i"
YEAR_MONTH_FORMAT = "Y. F"
MONTH_DAY_FORMAT = "F j."
SHORT_DATE_FORMAT = "Y. m. d."
SHORT_DATETIME_FORMAT = "Y. m. d. H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
# Input formats and number separators: Django's own for the language.
