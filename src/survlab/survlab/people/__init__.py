"""Part IV, People: the cost of watching, beliefs and surveys, and the capstone week that joins every part."""
