"""Part III, Screens that watch back: viewing records and anonymity, file marks, signatures and antenna points.

- :mod:`survlab.screens.iptv`: a seeded synthetic month of set-top-box requests (channel joins
  and on-demand requests), one household's routine and absences, programme leavers,
  coarsening and k-anonymity (Lesson 1 and Lab 8; reused by the capstone).
"""
