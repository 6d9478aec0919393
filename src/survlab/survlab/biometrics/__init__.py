"""Part II, Biometric IDs: scores and error rates, one-to-many search and deduplication, signed card records.

- :mod:`survlab.biometrics.matching` (Lesson 1, Lab 5): synthetic genuine and impostor
  scores, FMR and FNMR at a threshold, the threshold for a target FMR, DET curves,
  failure to enrol, presentation-attack detection (APCER, BPCER).
- :mod:`survlab.biometrics.iris` (Lesson 2, Lab 6) and :mod:`survlab.biometrics.idcards`
  (Lesson 3, Lab 7).
"""
