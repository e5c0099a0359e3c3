"""Area: inspections (notebook 40): mystery-shopper and checks, reward/penalty rules, views and charts."""
