"""The collector pause of reads and parses: overlapping pauses, exceptions, and a collector already off."""

import gc

import pytest

from reporting.collector import collector_paused


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_overlapping_pauses_resume_the_collector_when_the_last_ends():
    first, second = collector_paused(), collector_paused()
    first.__enter__()
    second.__enter__()
    assert not gc.isenabled()
    first.__exit__(None, None, None)
    assert not gc.isenabled()  # the second read is still making objects
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_an_exception_inside_still_resumes_it():
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a broken file")
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off():
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
