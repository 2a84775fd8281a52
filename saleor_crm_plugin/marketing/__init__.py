"""Marketing: segments of customer profiles (rule trees evaluated in SQL)."""
