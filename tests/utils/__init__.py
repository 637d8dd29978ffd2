"""Helpers the tests share: waiting, processes and servers, databases, factories."""
