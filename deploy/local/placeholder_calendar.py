"""Writes a working-day calendar for runs that are not a real office's: the shipped calendar
(common/calendar/data/cn_mainland.txt, the State Council's notices) followed by placeholder
years, each with weekends only, from the year after the last shipped one through a given year.

The services refuse to count a deadline into a year their calendar does not know (README). A
real deployment adds the next year's notice when it is published; the demo, the integration
tests and huiyin-bench count deadlines from today, and today's periods run into next year from
autumn on, so they load this file (server.calendar_file) instead of depending on the date.
The placeholder years are marked as such in the file: no holiday in them is real.

    /usr/bin/python3 deploy/local/placeholder_calendar.py OUT [--through YEAR]

YEAR defaults to two years after today's. As a module: write(path, through_year=None).
"""

import argparse
import datetime
import pathlib
import re
import sys

SHIPPED = pathlib.Path(__file__).resolve().parents[2] / "common/calendar/data/cn_mainland.txt"


def shipped_years(text):
    return [int(y) for y in re.findall(r"^year\s+(\d{4})\s*$", text, flags=re.MULTILINE)]


def placeholder_text(shipped_text, through_year):
    """The shipped text with a weekends-only section for every year after it through
    `through_year`."""
    last = max(shipped_years(shipped_text))
    lines = [shipped_text.rstrip("\n"), ""]
    for year in range(last + 1, through_year + 1):
        lines += [f"year {year}",
                  f"# PLACEHOLDER, not the State Council's notice: {year} has weekends only here,",
                  "# so that tests and the demo can count deadlines into it.", ""]
    return "\n".join(lines)


def write(path, through_year=None):
    """Writes the calendar to `path` and returns it (a pathlib.Path)."""
    through_year = through_year or datetime.date.today().year + 2
    path = pathlib.Path(path)
    path.write_text(placeholder_text(SHIPPED.read_text(encoding="utf-8"), through_year),
                    encoding="utf-8")
    return path


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--through", type=int, default=None,
                        help="the last placeholder year (default: two years after today's)")
    args = parser.parse_args(argv)
    write(args.out, args.through)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
