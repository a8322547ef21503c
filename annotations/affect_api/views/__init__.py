"""Thin REST views of the affect API, one module per concern: check the action, validate, call
one service (:mod:`annotations.affect_api.services`), serialize."""
