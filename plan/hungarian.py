"""Hungarian number suffixes: a numeral takes the instrumental case as it is read aloud."""

UNITS = {1: "gyel", 2: "vel", 3: "mal", 4: "gyel", 5: "tel", 6: "tal", 7: "tel", 8: "cal", 9: "cel"}
TENS = {1: "zel", 2: "szal", 3: "cal", 4: "nel", 5: "nel", 6: "nal", 7: "nel", 8: "nal", 9: "nel"}


def instrumental_suffix(n: int) -> str:
    """The suffix of ``n`` in the instrumental case: 1-gyel, 3-mal, 10-zel, 100-zal, 1000-rel."""
    n = abs(int(n))
    if n == 0:
        return "val"  # nulla
    if n % 10:
        return UNITS[n % 10]
    if n % 100:
        return TENS[(n // 10) % 10]
    if n % 1000:
        return "zal"  # száz
    if n % 1_000_000:
        return "rel"  # ezer
    if n % 1_000_000_000:
        return "val"  # millió
    return "dal"  # milliárd


def instrumental(n: int) -> str:
    """``n`` with its instrumental suffix, as printed: "25-tel", "1000-rel"."""
    return f"{n}-{instrumental_suffix(n)}"
