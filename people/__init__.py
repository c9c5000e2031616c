"""The club's who-is-who: persons, families, roles, teams and how they sign in."""
