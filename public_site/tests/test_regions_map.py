"""The static region map: valid SVG numbers in a Hungarian page, every venue inside its region,
labels and markers apart so the map can be read at 390 px."""

import re

import pytest
from django.urls import reverse

from events.programme_seed import INFO_DAY_HOSTS, seed_programme
from public_site import regions_map

pytestmark = pytest.mark.django_db

NUMBER = r"-?\d+(?:\.\d+)?"


def _inside(point, polygon):
    x, y = point
    found = False
    for (x1, y1), (x2, y2) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            found = not found
    return found


def _polygons():
    return {r.name: [tuple(map(float, p.split(","))) for p in r.points.split()] for r in regions_map.regions()}


def test_svg_coordinates_stay_valid_numbers_in_the_hungarian_page(client):
    seed_programme()
    html = client.get(reverse("public:info_days")).content.decode()
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<circle") == 7
    for name, value in re.findall(r'\s(cx|cy|x|y|r|dy|font-size|stroke-width)="([^"]*)"', svg):
        assert re.fullmatch(NUMBER, value), (name, value)  # the decimal comma once split these
    for points in re.findall(r'points="([^"]*)"', svg):
        assert re.fullmatch(rf"{NUMBER},{NUMBER}(?: {NUMBER},{NUMBER})*", points), points
    width, height = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups()
    for x, y in re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', svg):
        assert 0 < float(x) < int(width) and 0 < float(y) < int(height)


def test_every_info_day_venue_is_inside_its_region_and_clear_of_the_labels():
    polygons = _polygons()
    markers = []
    for region, library, _date in INFO_DAY_HOSTS:
        point = regions_map.project(*regions_map.SETTLEMENTS[library.settlement])
        assert _inside(point, polygons[region]), (region, library.settlement)
        markers.append(point)
    for region in regions_map.regions():
        assert _inside((region.label_x, region.label_y), polygons[region.name]), region.name
        box = region.label_box()
        for x, y in markers:  # no marker (radius + a margin) touches a region label
            r = regions_map.MARKER_RADIUS + 2
            assert not (box[0] - r < x < box[2] + r and box[1] - r < y < box[3] + r), (region.name, x, y)
    for i, (x1, y1) in enumerate(markers):
        for x2, y2 in markers[i + 1:]:
            assert ((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 > 2 * regions_map.MARKER_RADIUS + 2
