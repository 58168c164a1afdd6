"""Signing in with an unknown e-mail costs what a wrong password costs."""

from __future__ import annotations

from werkzeug.security import generate_password_hash

from kennisnet.accounts.users import _DUMMY_HASH, PASSWORD_METHOD


def test_the_dummy_hash_has_the_parameters_of_a_real_one() -> None:
    # Same method, cost, block size and parallelism: checking it takes as long, so the answer
    # to an unknown e-mail does not tell by its timing that the account does not exist.
    real = generate_password_hash("een echt wachtwoord", method=PASSWORD_METHOD)
    assert _DUMMY_HASH.split("$")[0] == real.split("$")[0]
    assert len(_DUMMY_HASH) == len(real)
