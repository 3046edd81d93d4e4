"""Receptionist."""
