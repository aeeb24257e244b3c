"""Edges of the people rules that mutation testing found untested."""

import pytest

from talent.core.errors import ServiceError
from talent.people.rules import clean_phone


def test_a_phone_number_is_kept_trimmed_and_an_empty_one_is_empty():
    assert clean_phone("  +86 (25) 8888-1234 ") == "+86 (25) 8888-1234"
    assert clean_phone(None) == "" and clean_phone("   ") == ""


def test_letters_in_a_phone_number_are_refused_on_the_phone_field():
    with pytest.raises(ServiceError) as refused:
        clean_phone("138-call-me")
    assert refused.value.field == "phone"
    assert refused.value.code == "Enter a phone number (digits, spaces, + - and brackets)."


def test_a_short_id_number_is_refused_on_the_id_number_field():
    from talent.people.rules import clean_id_number

    with pytest.raises(ServiceError) as refused:
        clean_id_number("32010219900101123")  # 17 characters
    assert refused.value.field == "id_number"
    assert refused.value.code == "An ID number has 18 characters: 17 digits, then a digit or X."
    assert clean_id_number(" 32010219900101123x ") == "32010219900101123X"
