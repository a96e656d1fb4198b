"""radius's signals, for the apps above it that add to what FreeRADIUS does without radius knowing them.

- `role_ensured(role=)`: sent by `sql.role_ensure` once FreeRADIUS's role and radius's own grants are in
  place (`radius_db_role`, `radius_serve`, the tests' FreeRADIUS). vouchers grants the role its card
  functions and writes the card key row then (vouchers/radius_sql.py).
"""

from django.dispatch import Signal

role_ensured = Signal()
