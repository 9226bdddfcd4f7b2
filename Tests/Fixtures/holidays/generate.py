"""Writes easter.txt: Easter Sunday for 1583-3000 from python-dateutil's Western
computus, an implementation independent of Touchpoint's, to check PublicHolidays.easter.
Run: python3 Tests/Fixtures/holidays/generate.py"""
import os
from dateutil.easter import easter, EASTER_WESTERN

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "easter.txt"), "w") as out:
    for year in range(1583, 3001):
        out.write(easter(year, EASTER_WESTERN).isoformat() + "\n")
