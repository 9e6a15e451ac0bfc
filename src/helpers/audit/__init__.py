"""The statement audit: every figure, period and status on the built pages, checked
against an independent recomputation from the raw inputs (docs/validation.md)."""
