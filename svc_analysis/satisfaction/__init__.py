"""Area: customer satisfaction (notebook 20): ratings, participation, surveys, key drivers, charts."""
