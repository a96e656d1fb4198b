"""Staff console: the regulator's RADIUS session logs — search by IP and moment, by login, customer
or date range, and the audited CSV export (docs/radius.md, "Session logs")."""
