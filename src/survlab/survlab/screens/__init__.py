"""Part III, Screens that watch back: viewing records and anonymity, file marks, signatures and antenna points."""
