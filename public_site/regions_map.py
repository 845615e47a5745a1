"""A static SVG map of Hungary's 7 regions (as the programme uses them) with the info-day venues.

Drawn from a handful of rounded border points: it shows where a region is, not its exact
border. No tiles, no external request; the list beside it carries the same information.
"""

from dataclasses import dataclass

# Equirectangular projection scaled for Hungary's latitude (cos 47° ≈ 0.68).
LON0, LAT0, X_SCALE, Y_SCALE = 16.0, 48.7, 76.0, 111.0
WIDTH, HEIGHT = 530, 330

# Shared border points (longitude, latitude).
_P = {
    "A": (16.1, 46.85), "B": (16.45, 47.4), "C": (17.1, 48.0), "D": (17.9, 47.75), "E": (18.85, 47.8),
    "F": (18.95, 47.45), "G": (18.95, 47.0), "H": (18.9, 46.8), "I": (18.2, 46.8), "J": (17.25, 46.72),
    "K": (17.6, 47.2), "L": (16.85, 46.35), "M": (18.85, 45.95), "N": (19.1, 47.95), "O": (19.6, 47.85),
    "P": (19.75, 47.5), "Q": (20.0, 47.2), "R": (19.6, 47.0), "S": (20.4, 47.45), "T": (21.0, 47.75),
    "U": (21.4, 48.05), "V": (22.1, 48.4), "W": (21.65, 46.95), "X": (21.0, 47.05), "Y": (20.5, 46.75),
    "Z": (20.0, 46.85),
}

REGION_OUTLINES = {
    "Nyugat-Dunántúl": ["A", "B", "C", "D", "K", "J", "L", (16.4, 46.55)],
    "Közép-Dunántúl": ["D", "E", "F", "G", "H", "I", "J", "K"],
    "Dél-Dunántúl": ["J", "I", "H", (18.95, 46.4), "M", (18.6, 45.8), (17.7, 45.8), (17.3, 45.95), "L"],
    "Közép-Magyarország": ["E", "N", "O", "P", "Q", "R", "G", "F"],
    "Észak-Magyarország": ["N", (19.9, 48.15), (20.5, 48.55), (21.5, 48.55), "V", "U", "T", "S", "P", "O"],
    "Észak-Alföld": ["P", "S", "T", "U", "V", (22.9, 47.95), (22.3, 47.75), "W", "X", "Y", "Z", "R", "Q"],
    "Dél-Alföld": ["G", "R", "Z", "Y", "X", "W", (21.2, 46.25), (20.7, 46.15), (20.25, 46.13), (19.6, 46.17),
                   (19.0, 45.95), "M", (18.95, 46.4), "H"],
}

# Where the label of a region goes (the centre of its two lines), clear of the venue markers.
REGION_LABELS = {
    "Nyugat-Dunántúl": (16.85, 47.6), "Közép-Dunántúl": (18.25, 47.5), "Dél-Dunántúl": (17.65, 46.45),
    "Közép-Magyarország": (19.4, 47.78), "Észak-Magyarország": (20.75, 48.3), "Észak-Alföld": (21.0, 47.32),
    "Dél-Alföld": (20.25, 46.6),
}
# Sizes in the SVG's own units (the map is 530 wide; on a 390 px phone it is drawn ≈ 350 px wide,
# so 14 units are ≈ 9 px there, the smallest that still reads; the list beside it is the full text).
LABEL_FONT = 14
LABEL_LINE = 15
MARKER_RADIUS = 12
MARKER_FONT = 14

# Settlements of the programme's libraries; a venue elsewhere is drawn at its region's label.
SETTLEMENTS = {
    "Budapest": (19.04, 47.50), "Székesfehérvár": (18.41, 47.19), "Szombathely": (16.62, 47.23),
    "Pécs": (18.23, 46.07), "Eger": (20.38, 47.90), "Debrecen": (21.63, 47.53), "Szeged": (20.15, 46.25),
    "Gödöllő": (19.36, 47.60), "Tata": (18.32, 47.65), "Zalaegerszeg": (16.84, 46.84),
    "Kaposvár": (17.80, 46.36), "Szekszárd": (18.70, 46.35), "Miskolc": (20.78, 48.10),
    "Nyíregyháza": (21.72, 47.95), "Szolnok": (20.18, 47.17), "Kecskemét": (19.69, 46.91),
    "Békéscsaba": (21.09, 46.68), "Győr": (17.63, 47.68), "Veszprém": (17.91, 47.09),
    "Salgótarján": (19.80, 48.10), "Hódmezővásárhely": (20.32, 46.42), "Sopron": (16.59, 47.68),
}

FILLS = ["#dbe9f6", "#e4f0dc", "#f6e7d2", "#e8e0f3", "#f3dde3", "#dcefef", "#efeed6"]


def project(lon: float, lat: float) -> tuple[float, float]:
    return round((lon - LON0) * X_SCALE + 8, 1), round((LAT0 - lat) * Y_SCALE + 8, 1)


def _point(p):
    return project(*(_P[p] if isinstance(p, str) else p))


@dataclass
class MapRegion:
    name: str
    points: str
    fill: str
    label_x: float
    label_y: float

    @property
    def label_lines(self) -> list[tuple[str, float]]:
        """The name on two lines, split after the hyphen ("Közép-" / "Magyarország"), with the
        baseline of each: a one-line label of the long names ran over the neighbours' borders."""
        head, sep, tail = self.name.partition("-")
        lines = [head + sep, tail] if sep else [self.name]
        first = self.label_y - (len(lines) - 1) * LABEL_LINE / 2 + LABEL_FONT * 0.35
        return [(text, round(first + i * LABEL_LINE, 1)) for i, text in enumerate(lines)]

    def label_box(self) -> tuple[float, float, float, float]:
        """Roughly where the label's ink is (x0, y0, x1, y1): DejaVu Sans averages ≈ 0.6 em a letter."""
        lines = self.label_lines
        half = max(len(text) for text, _y in lines) * LABEL_FONT * 0.6 / 2
        return (self.label_x - half, lines[0][1] - LABEL_FONT * 0.8, self.label_x + half, lines[-1][1] + LABEL_FONT * 0.2)


@dataclass
class MapVenue:
    number: int
    x: float
    y: float
    label: str
    url: str


def regions() -> list[MapRegion]:
    found = []
    for i, (name, outline) in enumerate(REGION_OUTLINES.items()):
        points = " ".join(f"{x},{y}" for x, y in (_point(p) for p in outline))
        lx, ly = project(*REGION_LABELS[name])
        found.append(MapRegion(name=name, points=points, fill=FILLS[i % len(FILLS)], label_x=lx, label_y=ly))
    return found


def venues(events) -> list[MapVenue]:
    """A numbered marker per event (the number matches the list next to the map)."""
    found = []
    for number, e in enumerate(events, start=1):
        where = SETTLEMENTS.get(e.library.settlement) or REGION_LABELS.get(e.region.name, (19.5, 47.2))
        x, y = project(*where)
        found.append(MapVenue(number=number, x=x, y=y, label=f"{e.library.settlement}: {e.library.name}",
                              url=e.url))
    return found
