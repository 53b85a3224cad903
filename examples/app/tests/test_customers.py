"""Customers: registered once, found by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from shop.service import DuplicateCustomerError, find_customer, register_customer

if TYPE_CHECKING:
    from lvrgd.common.services import KeyValueStore


def test_registered_customer_is_found(kvstore: KeyValueStore) -> None:
    register_customer(kvstore, "ada", "Ada Lovelace", "ada@example.com")

    found = find_customer(kvstore, "ada")

    assert found is not None
    assert (found.name, found.email) == ("Ada Lovelace", "ada@example.com")


def test_unknown_customer_is_none(kvstore: KeyValueStore) -> None:
    assert find_customer(kvstore, "nobody") is None


def test_registering_a_taken_id_is_refused_and_keeps_the_first(kvstore: KeyValueStore) -> None:
    register_customer(kvstore, "ada", "Ada Lovelace", "ada@example.com")

    with pytest.raises(DuplicateCustomerError, match="ada"):
        register_customer(kvstore, "ada", "Someone Else", "else@example.com")

    found = find_customer(kvstore, "ada")
    assert found is not None
    assert found.name == "Ada Lovelace"


def test_every_test_starts_on_an_empty_store(kvstore: KeyValueStore) -> None:
    # The tests above registered "ada"; this one's store has never seen her.
    assert find_customer(kvstore, "ada") is None
    register_customer(kvstore, "ada", "Ada Again", "ada@example.com")
