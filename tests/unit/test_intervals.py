import math

import pytest

from ipe.tools.learning.intervals import level, mean, share, share_difference, z_value


def test_the_configured_level_is_ninety_percent() -> None:
    assert level() == pytest.approx(0.90)
    assert z_value() == pytest.approx(1.6449, abs=1e-4)


def test_wilson_interval_matches_a_hand_computation() -> None:
    m = share(12, 40)
    z, p, n = z_value(), 0.3, 40
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (m.value, m.n) == (0.3, 40)
    assert m.low == pytest.approx(centre - half, abs=1e-4)
    assert m.high == pytest.approx(centre + half, abs=1e-4)


@pytest.mark.parametrize(("k", "n"), [(0, 3), (3, 3), (1, 1000), (999, 1000)])
def test_wilson_bounds_stay_inside_zero_one_and_contain_the_share(k: int, n: int) -> None:
    m = share(k, n)
    assert m.low is not None and m.high is not None and m.value is not None
    assert 0.0 <= m.low <= m.value <= m.high <= 1.0
    assert m.high - m.low > 0


def test_small_samples_are_wide_and_large_ones_narrow() -> None:
    small, large = share(1, 3), share(333, 1000)
    assert (small.high or 0) - (small.low or 0) > 4 * ((large.high or 0) - (large.low or 0))


def test_no_data_has_no_value() -> None:
    assert share(0, 0).value is None and mean([]).value is None
    assert "no data" in share(0, 0).show()


def test_mean_interval() -> None:
    values = [0.0, 1.0] * 50
    m = mean(values)
    sd = math.sqrt(sum((v - 0.5) ** 2 for v in values) / 99)
    assert m.value == 0.5
    assert m.high == pytest.approx(0.5 + z_value() * sd / 10, abs=1e-4)


def test_difference_below_the_minimum_is_withheld() -> None:
    tiny = share_difference((0, 3), (3, 3), min_n=30)  # "+100%" from 3 sends
    assert tiny.value is None and "not enough data" in (tiny.note or "")
    big = share_difference((30, 100), (60, 100), min_n=30)
    assert big.value == pytest.approx(0.3)
    assert big.low is not None and big.high is not None
    assert 0.0 < big.low < 0.3 < big.high < 0.6
    same = share_difference((30, 100), (30, 100), min_n=30)
    assert same.low is not None and same.high is not None and same.low < 0 < same.high
