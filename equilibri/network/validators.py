"""Kept for the migrations that name these validators: they live with the other identifiers in
`equilibri.core.identifiers`."""

from equilibri.core.identifiers import validate_organisation_fiscal_code, validate_vat_number

__all__ = ["validate_organisation_fiscal_code", "validate_vat_number"]
