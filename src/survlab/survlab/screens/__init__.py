"""Part III, Screens that watch back: viewing records and anonymity, file marks, signatures and antenna points.

- :mod:`survlab.screens.iptv`: a seeded synthetic month of set-top-box requests (channel joins
  and on-demand requests), one household's routine and absences, programme leavers,
  coarsening, suppression and k-anonymity (Lesson 1 and Lab 8; reused by the capstone).
- :mod:`survlab.screens.devices`: marks that travel with copied files (a hashed serial is a
  pseudonym, matched by hashing every candidate), viewers that check Ed25519 signatures, and the
  unicity of synthetic antenna records (Lesson 2 and Lab 9).
"""
