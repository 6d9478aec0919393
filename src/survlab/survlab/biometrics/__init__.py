"""Part II, Biometric IDs: scores and error rates, one-to-many search and deduplication, signed card records."""
