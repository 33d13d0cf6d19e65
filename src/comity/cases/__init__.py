"""Requests and cases: the pure core (documents, completeness, lifecycle, deadlines, cases)."""

from __future__ import annotations
